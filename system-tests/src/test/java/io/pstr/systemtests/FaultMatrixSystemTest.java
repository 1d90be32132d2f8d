package io.pstr.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.manager.FailbackPolicy;
import io.pstr.manager.FailoverConfig;
import io.pstr.manager.HostManager;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.drill.DrillFlight;
import io.pstr.manager.drill.DrillMeasure;
import io.pstr.manager.drill.DrillSummary;
import io.pstr.manager.drill.FaultKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault matrix: every fault of {@link FaultKind}, injected for real into one flight (each from full
 * redundancy), judged by the board's own record. Bounds are in control periods and generous: this
 * runs on a loaded 2-core machine; the figures themselves come from {@code ./pstr bench failover}.
 */
@Timeout(900)
class FaultMatrixSystemTest {

    private static final int PERIOD_MS = FlyingSystem.PERIOD_MS;
    /** The virtual board's default offboard-loss failsafe timeout. */
    private static final double FAILSAFE_MS = 500;

    @Test
    void shouldHandleEveryFaultOfTheMatrixWithNothingStaleRepeatedOrLostAndReturnToFullRedundancy() throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path dir = Path.of("target", "system-runs", "matrix-" + stamp).toAbsolutePath();
        HostManager.Context ctx = new HostManager.Context();
        ctx.runDir = dir;
        ctx.periodMs = PERIOD_MS;
        FailoverConfig f = FailoverConfig.defaults(PERIOD_MS).withPolicy(FailbackPolicy.REVERTIVE, TimeUnit.MILLISECONDS.toNanos(1000));
        // A loaded CI machine can freeze a JVM for a second: call a replica suspect after 4 periods (before its 5
        // missed deadlines, so a hung holder is fenced, not killed) and hung after 2 s of silence (the gate feeds the
        // board from the other replica meanwhile; the bench measures the defaults).
        ctx.failover = new FailoverConfig(f.periodNs(), 4 * f.periodNs(), TimeUnit.SECONDS.toNanos(2),
                f.hungKillAfterNs(), f.syncCycles(), f.failbackHoldOffNs(), f.policy(), f.acceptanceFailLimit(),
                f.deadlineMissLimit(), f.startTimeoutNs());
        ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(), List.of("--laps", "30"));
        List<DrillMeasure.Row> rows;
        try (DrillFlight flight = new DrillFlight(Classpaths.board(), dir, List.of(), board -> {
            ctx.board = board;
            return ctx;
        }, TimeUnit.SECONDS.toNanos(60))) {
            flight.awaitCruising(TimeUnit.SECONDS.toNanos(120));
            for (FaultKind kind : FaultKind.values()) {
                flight.inject(kind, run -> { });
            }
            rows = flight.finish();
        }
        String table = DrillSummary.markdownRows(rows, PERIOD_MS);
        Files.writeString(dir.resolve("fault-matrix.md"), table, StandardCharsets.UTF_8);
        Files.writeString(dir.getParent().resolve("fault-matrix-last.md"), table, StandardCharsets.UTF_8);

        Map<FaultKind, DrillMeasure.Row> byKind = new EnumMap<>(FaultKind.class);
        rows.forEach(r -> byKind.put(r.kind(), r));
        assertEquals(FaultKind.values().length, byKind.size(), table);
        for (DrillMeasure.Row r : rows) {
            assertTrue(r.redundant(), "back to full redundancy after " + r.kind().label() + "\n" + table);
            assertEquals(0, r.fencedOutputs(), "fenced outputs at the board after " + r.kind().label() + "\n" + table);
            assertEquals(0, r.duplicateCycles(), "duplicated cycles after " + r.kind().label() + "\n" + table);
            if (r.kind() != FaultKind.NOISE) {
                assertEquals(0, r.lostInputFrames(), "lost input frames after " + r.kind().label() + "\n" + table);
            }
            if (r.kind() == FaultKind.UNPLUG) {
                // Nothing can reach an unplugged board: its failsafe acts, and the drill has waited for the flight
                // task to have the aircraft back in OFFBOARD (else the row is not back to redundancy).
                assertTrue(r.gapMs() >= 3_000, "unplug command gap " + r.gapMs() + " ms\n" + table);
            } else if (r.kind() != FaultKind.KILL_BOTH) {
                // The board is fed every cycle (the gate serves the shadow's output when the holder's is late or
                // wrong): the board's own offboard-loss failsafe (500 ms) must never have had cause to fire.
                assertTrue(r.gapMs() < FAILSAFE_MS, r.kind().label() + " command gap " + r.gapMs() + " ms\n" + table);
            }
            if (r.kind().changesHolder()) {
                assertTrue(r.detectMs() != null, r.kind().label() + " was detected\n" + table);
            } else {
                assertEquals(0, r.holderChanges(), r.kind().label() + " needs no failover\n" + table);
            }
        }
        double[] gaps = rows.stream().filter(r -> r.kind().changesHolder() && r.kind() != FaultKind.KILL_BOTH)
                .mapToDouble(DrillMeasure.Row::gapMs).sorted().toArray();
        assertTrue(gaps[gaps.length / 2] <= 3 * PERIOD_MS, "median failover gap within 3 periods\n" + table);
        assertEquals(2, byKind.get(FaultKind.FLAPPING).holderChanges(),
                "flapping primary: one failover and one failback, no ping-pong\n" + table);
    }
}
