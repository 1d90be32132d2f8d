package io.pstr.systemtests;

import static io.pstr.systemtests.FlyingSystem.PERIOD_MS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.record.BoardRecord;
import io.pstr.core.status.Fault;
import io.pstr.manager.FailoverReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whole-system failover tests: real processes, real signals, the board's record as the judge. */
@Timeout(300)
class FailoverSystemTest {

    private static final Duration DECISION = Duration.ofSeconds(20);

    @Test
    void shouldHandOverIoWhenPrimaryIsKilledAndTakeItBackAfterRecovery() {
        Map<String, Object> report;
        try (FlyingSystem system = new FlyingSystem("kill", 1000)) {
            system.awaitCruising();
            assertEquals("A", system.status().holder());
            system.running.manager().injectFault(Fault.KILL_PRIMARY);
            await("shadow holds the I/O").atMost(DECISION).until(() -> "B".equals(system.status().holder()));
            await("primary restarted, in step, and holding again").atMost(Duration.ofSeconds(60))
                    .until(() -> "A".equals(system.status().holder()) && "PRIMARY_ACTIVE".equals(system.status().state()));
            assertTrue(system.status().aircraft().altitudeM() > 8, "the aircraft kept flying");
            report = system.stopAndReport();
        }
        List<FailoverReport.Failover> changes = FlyingSystem.failovers(report);
        assertEquals(2, changes.size(), "one failover and one failback: " + changes);
        FailoverReport.Failover failover = changes.get(0);
        assertEquals("PROCESS_EXIT", failover.cause());
        assertEquals("B", failover.to());
        assertTrue(failover.commandGapMs() <= 2 * PERIOD_MS, "command gap at the board " + failover.commandGapMs()
                + " ms must stay within 2 periods");
        assertEquals("FAILBACK", changes.get(1).type());
        assertEquals("A", changes.get(1).to());
        assertTrue(changes.get(1).commandGapMs() <= 2 * PERIOD_MS, "failback gap " + changes.get(1).commandGapMs());
        assertEquals(0L, report.get("fencedOutputsTotal"));
        assertEquals(0L, report.get("duplicateCyclesTotal"));
        assertEquals(0L, report.get("lostInputFramesTotal"));
    }

    @Test
    void shouldKeepAHungPrimaryFencedAndLetItRejoinAsShadowWhenResumed() {
        Map<String, Object> report;
        long fencedAtGate;
        try (FlyingSystem system = new FlyingSystem("hang", 1000)) {
            system.awaitCruising();
            system.running.manager().injectFault(Fault.HANG_PRIMARY);
            await("shadow holds the I/O").atMost(DECISION).until(() -> "B".equals(system.status().holder()));
            long epochAfterFailover = system.status().epoch();
            // Let the zombie's input pile up, then wake it: what it writes under its old epoch must stay fenced.
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
            system.running.manager().injectFault(Fault.RESUME_PRIMARY);
            await("resumed primary back in step and holding").atMost(Duration.ofSeconds(60))
                    .until(() -> "A".equals(system.status().holder()) && "PRIMARY_ACTIVE".equals(system.status().state()));
            assertTrue(system.status().epoch() > epochAfterFailover, "failback bumps the epoch");
            assertTrue(system.hasEvent("REPLICA", "resumed"), "the resumed replica rejoined without a restart");
            fencedAtGate = system.status().gate().fencedAtGate();
            assertEquals(0, system.status().gate().fencedReachedBoard());
            report = system.stopAndReport();
        }
        assertTrue(fencedAtGate > 0, "the zombie wrote outputs under its old epoch and the gate refused them");
        List<FailoverReport.Failover> changes = FlyingSystem.failovers(report);
        assertEquals(2, changes.size(), changes.toString());
        assertTrue(changes.get(0).commandGapMs() <= 4 * PERIOD_MS, "hang gap " + changes.get(0).commandGapMs());
        assertEquals(0L, report.get("fencedOutputsTotal"), "no stale output reached the board");
        assertEquals(0L, report.get("duplicateCyclesTotal"));
        assertEquals(0L, report.get("lostInputFramesTotal"));
    }

    @Test
    void shouldLetTheBoardFailsafeDescendAndReportFailsafeWhenBothReplicasDie() {
        List<BoardRecord> record;
        long faultNs;
        try (FlyingSystem system = new FlyingSystem("both", 1000)) {
            system.awaitCruising();
            faultNs = System.nanoTime();
            system.running.manager().injectFault(Fault.KILL_BOTH);
            await("manager reports FAILSAFE").atMost(DECISION).until(() -> system.hasEvent("STATE", "-> FAILSAFE"));
            await("a restarted replica takes over cold, to land").atMost(Duration.ofSeconds(60))
                    .until(() -> system.hasEvent("RECOVERY", "cold"));
            system.stopAndReport();
            record = system.boardRecord();
        }
        BoardRecord.ModeChange failsafe = record.stream()
                .filter(r -> r instanceof BoardRecord.ModeChange m && m.monoNs() > faultNs && m.mode().contains("FAILSAFE"))
                .map(BoardRecord.ModeChange.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("the board recorded no failsafe after the replicas died"));
        long nextModeNs = record.stream()
                .filter(r -> r instanceof BoardRecord.ModeChange m && m.monoNs() > failsafe.monoNs())
                .mapToLong(BoardRecord::monoNs).min().orElse(Long.MAX_VALUE);
        List<BoardRecord.State> during = record.stream()
                .filter(r -> r instanceof BoardRecord.State st && st.monoNs() >= failsafe.monoNs() && st.monoNs() < nextModeNs)
                .map(BoardRecord.State.class::cast).toList();
        assertTrue(during.size() > 5, "state rows during the failsafe: " + during.size());
        double first = -during.get(0).z();
        double last = -during.get(during.size() - 1).z();
        assertTrue(last < first - 0.1, "the board descended on its own: from " + first + " m to " + last + " m");
        assertTrue(during.stream().allMatch(st -> st.vz() > -0.1), "no climbing in failsafe");
    }
}
