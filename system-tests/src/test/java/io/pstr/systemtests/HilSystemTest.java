package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.core.link.SocatPty;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.Fault;
import io.pstr.core.tlog.TlogReader;
import io.pstr.hilrig.Autopilot;
import io.pstr.hilrig.RunningBoard;
import io.pstr.hilrig.VirtualBoard;
import io.pstr.manager.FailoverReport;
import io.pstr.manager.PreflightCheck;
import io.pstr.manager.PreflightCheck.Verdict;
import io.pstr.manager.api.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-board path against the virtual board: pre-flight checks over a socat pty, an abort in flight, and the
 * board's ArduCopter personality checked and flown through a failover.
 */
@Timeout(300)
class HilSystemTest {

    @TempDir
    Path dir;

    @Test
    void shouldPassThePreflightChecksOfTheVirtualPx4BoardOnARealPty() {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
        try (RunningBoard board = RunningBoard.start(Endpoint.parse("pty:"), new VirtualBoard.Context().failsafeTimeoutMs(500), null)) {
            PreflightCheck.Report report = check(board);
            assertTrue(report.passed(), report.table());
            assertEquals("PX4", report.item(PreflightCheck.AUTOPILOT).detail());
            assertEquals(Verdict.PASS, report.item(PreflightCheck.HEARTBEAT).verdict());
            assertEquals(Verdict.PASS, report.item(PreflightCheck.ARMED).verdict());
            assertEquals("disarmed", report.item(PreflightCheck.ARMED).detail());
            assertEquals(Verdict.PASS, report.item(PreflightCheck.OFFBOARD).verdict(), report.table());
            assertTrue(report.item(PreflightCheck.OFFBOARD).detail().startsWith("offboard (PX4) available"), report.table());
            assertEquals(Verdict.PASS, report.item(PreflightCheck.LOSS_TIMEOUT).verdict());
            assertTrue(report.item(PreflightCheck.LOSS_TIMEOUT).detail().startsWith("COM_OF_LOSS_T = 0.50 s"), report.table());
            assertEquals(Verdict.PASS, report.item(PreflightCheck.LOSS_ACTION).verdict(), report.table());
            assertTrue(report.item(PreflightCheck.LOSS_ACTION).detail().startsWith("COM_OBL_RC_ACT = 4 (Land)"), report.table());
            assertEquals(Verdict.INFO, report.item(PreflightCheck.ARMING).verdict());
            assertEquals(0, board.counters().commandsRejected.get(), "the checks sent nothing the board refused");
        }
    }

    @Test
    void shouldPassThePreflightChecksOfTheVirtualArduCopterOnlyWithThrustTakenAsThrust() {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
        VirtualBoard.Context copter = new VirtualBoard.Context().autopilot(Autopilot.ARDUPILOT).failsafeTimeoutMs(750);
        try (RunningBoard board = RunningBoard.start(Endpoint.parse("pty:"), copter, null)) {
            PreflightCheck.Report report = check(board);
            assertTrue(report.passed(), report.table());
            assertEquals("ArduPilot", report.item(PreflightCheck.AUTOPILOT).detail());
            assertTrue(report.item(PreflightCheck.OFFBOARD).detail().startsWith("guided (ArduPilot) available"), report.table());
            assertTrue(report.item(PreflightCheck.LOSS_TIMEOUT).detail().startsWith("GUID_TIMEOUT = 0.75 s"), report.table());
            assertEquals(Verdict.PASS, report.item(PreflightCheck.THRUST).verdict(), report.table());
            assertTrue(report.item(PreflightCheck.THRUST).detail().startsWith("GUID_OPTIONS = 8:"), report.table());
        }
        // ArduCopter's default: the thrust would be read as a climb rate. The check fails and says what to set.
        try (RunningBoard board = RunningBoard.start(Endpoint.parse("pty:"), copter.guidOptions(1), null)) {
            PreflightCheck.Report report = check(board);
            assertFalse(report.passed(), report.table());
            assertEquals(Verdict.FAIL, report.item(PreflightCheck.THRUST).verdict(), report.table());
            assertTrue(report.item(PreflightCheck.THRUST).detail().contains("set bit 3 (GUID_OPTIONS = 9)"), report.table());
        }
    }

    @Test
    void shouldFlyTheVirtualArduCopterInGuidedThroughAPrimaryKill() {
        Map<String, Object> report;
        try (FlyingSystem system = new FlyingSystem("arducopter", 1000, List.of("--autopilot", "ardupilot"))) {
            system.awaitCruising();
            assertEquals("GUIDED", system.status().aircraft().mode(), "the board follows the flight task in GUIDED");
            system.running.manager().injectFault(Fault.KILL_PRIMARY);
            await("shadow holds the I/O").atMost(Duration.ofSeconds(20)).until(() -> "B".equals(system.status().holder()));
            double northM = system.status().aircraft().northM();
            await("the mission flies on").atMost(Duration.ofSeconds(30))
                    .until(() -> Math.abs(system.status().aircraft().northM() - northM) > 2);
            assertTrue(system.status().aircraft().altitudeM() > 8, "the aircraft kept flying");
            assertEquals("GUIDED", system.status().aircraft().mode());
            report = system.stopAndReport();
        }
        List<FailoverReport.Failover> changes = FlyingSystem.failovers(report);
        assertEquals("PROCESS_EXIT", changes.get(0).cause(), changes.toString());
        assertTrue(changes.get(0).commandGapMs() <= 2 * FlyingSystem.PERIOD_MS, "command gap at the board "
                + changes.get(0).commandGapMs() + " ms must stay within 2 periods");
        assertEquals(0L, report.get("fencedOutputsTotal"));
        assertEquals(0L, report.get("duplicateCyclesTotal"));
        assertEquals(0L, report.get("lostInputFramesTotal"));
    }

    @Test
    void shouldReportTheBoardsOwnTimeoutAndFailWhenNoBoardAnswers() {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
        try (RunningBoard board = RunningBoard.start(Endpoint.parse("pty:"), new VirtualBoard.Context().failsafeTimeoutMs(3000), null)) {
            PreflightCheck.Report report = check(board);
            assertEquals(Verdict.WARN, report.item(PreflightCheck.LOSS_TIMEOUT).verdict(), report.table());
            assertTrue(report.item(PreflightCheck.LOSS_TIMEOUT).detail().startsWith("COM_OF_LOSS_T = 3.00 s"), report.table());
        }
        try (SocatPty silent = SocatPty.create(dir)) {
            PreflightCheck.Context ctx = new PreflightCheck.Context();
            ctx.board = Endpoint.parse("pty:" + silent.pathB());
            ctx.heartbeatTimeoutNs = TimeUnit.SECONDS.toNanos(1);
            PreflightCheck.Report report = new PreflightCheck(ctx).run();
            assertFalse(report.passed());
            assertEquals(Verdict.FAIL, report.item(PreflightCheck.HEARTBEAT).verdict());
            assertEquals(Verdict.FAIL, report.item(PreflightCheck.LOSS_TIMEOUT).verdict());
        }
    }

    /** The checks as {@code pstr hil} runs them, on the host side of the board's socat pty pair. */
    private static PreflightCheck.Report check(RunningBoard board) {
        PreflightCheck.Context ctx = new PreflightCheck.Context();
        ctx.board = Endpoint.parse("pty:" + board.hostPtyPath());
        return new PreflightCheck(ctx).run();
    }

    @Test
    void shouldLandTheAircraftWhenAborted() {
        try (FlyingSystem system = new FlyingSystem("abort", 1000)) {
            system.awaitCruising();
            ApiClient client = new ApiClient(system.running.api().address(), null);
            JournalEvent event = client.abort();
            assertEquals("ACCEPTED", event.figures().get("result"), event.toString());
            assertTrue(system.running.manager().aborted());
            long abortNs = event.monoNs();
            await("the board lands and disarms").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> system.boardRecord().stream().anyMatch(r -> r instanceof BoardRecord.State s
                            && s.monoNs() > abortNs && !s.armed() && s.z() > -0.2));
            List<BoardRecord> record = system.boardRecord();
            assertTrue(record.stream().anyMatch(r -> r instanceof BoardRecord.ModeChange m && m.monoNs() > abortNs - 2_000_000_000L
                    && m.mode().equals("AUTO_LAND")), "the board went to AUTO_LAND");
            // Once the board acknowledged, no replica setpoint reached it: the abort stops the outputs first.
            assertEquals(0, record.stream().filter(r -> r instanceof BoardRecord.Setpoint s && s.monoNs() > abortNs).count());
            assertTrue(system.hasEvent("ABORT", "accepted MAV_CMD_NAV_LAND"));
            // The companion heartbeat never stops long enough for PX4's COM_OBC_LOSS_T (5 s, "mission computer lost"):
            // the host sends it before the replicas' first output and again once the abort stopped their outputs.
            long abortUnixUs = TimeUnit.MILLISECONDS.toMicros(event.wallMs());
            await("companion heartbeats after the abort").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> companionHeartbeatsUs(TlogReader.read(system.tlog()).records()).stream().filter(t -> t > abortUnixUs).count() >= 3);
            List<TlogReader.Record> log = TlogReader.read(system.tlog()).records();
            List<Long> heartbeats = companionHeartbeatsUs(log);
            long firstSetpointUs = log.stream().filter(r -> r.fromHost() && r.messageId() == 82).findFirst().orElseThrow().unixUs();
            assertTrue(heartbeats.get(0) < firstSetpointUs, "the host announced the companion before the first setpoint");
            for (int i = 1; i < heartbeats.size(); i++) {
                long gapUs = heartbeats.get(i) - heartbeats.get(i - 1);
                assertTrue(gapUs < TimeUnit.SECONDS.toMicros(4), "companion heartbeats " + gapUs / 1000 + " ms apart, at "
                        + (heartbeats.get(i) - abortUnixUs) / 1000 + " ms from the abort");
            }
        }
    }

    /** When the host wrote the companion's HEARTBEAT to the board (unix µs), from the flight log. */
    private static List<Long> companionHeartbeatsUs(List<TlogReader.Record> log) {
        return log.stream().filter(r -> r.fromHost() && r.messageId() == 0)
                .map(TlogReader.Record::unixUs).toList();
    }
}
