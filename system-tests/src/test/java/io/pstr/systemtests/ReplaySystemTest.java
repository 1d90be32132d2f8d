package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.status.Fault;
import io.pstr.core.tlog.CycleLog;
import io.pstr.core.tlog.Tlog;
import io.pstr.core.tlog.TlogReader;
import io.pstr.manager.FlightReplay;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.cli.Classpaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A flight is recorded to a .tlog, then replayed through two fresh replica processes: the outputs must be identical. */
@Timeout(300)
class ReplaySystemTest {

    @Test
    void shouldReplayARecordedFlightThroughAFailoverAndAColdStartWithIdenticalOutputs() throws IOException {
        Path tlog;
        long lastCycle;
        FlyingSystem system = new FlyingSystem("replay", 1000);
        try {
            system.awaitCruising();
            system.running.manager().injectFault(Fault.KILL_PRIMARY);
            await("shadow holds the I/O").atMost(Duration.ofSeconds(20)).until(() -> "B".equals(system.status().holder()));
            long after = system.status().cycle();
            await("B flies on").atMost(Duration.ofSeconds(30)).until(() -> system.status().cycle() > after + 50);
            await("back to full redundancy").atMost(Duration.ofSeconds(60))
                    .until(() -> "PRIMARY_ACTIVE".equals(system.status().state()));
            // Both lost: the first replica back starts cold and lands; the replay must start its replicas cold there too.
            system.running.manager().injectFault(Fault.KILL_BOTH);
            await("a replica started cold").atMost(Duration.ofSeconds(60)).until(() -> system.hasEvent("RECOVERY", "starts cold"));
            long cold = system.status().cycle();
            await("the cold-started replica flies on").atMost(Duration.ofSeconds(30)).until(() -> system.status().cycle() > cold + 50);
            lastCycle = system.status().cycle();
            tlog = system.tlog();
        } finally {
            system.close();
        }
        assertTrue(system.hasEvent("LOG", "0 dropped"), "the journal reports the closed log: " + system.events());
        TlogReader.Result log = TlogReader.read(tlog);
        assertEquals(0, log.corruptRecords());
        assertEquals(0, log.truncatedTailBytes(), "closed cleanly: no truncated tail");
        CycleLog.Contents cycles = CycleLog.read(Tlog.cyclesFileOf(tlog));
        assertEquals(String.valueOf(FlyingSystem.PERIOD_MS), cycles.meta().get("periodMs"));

        FlightReplay.Summary s = replay(tlog, tlog.resolveSibling("replay"));
        assertTrue(s.identical(), "replay differs: " + s);
        assertEquals(0, s.mismatchedCycles());
        assertTrue(s.cyclesReplayed() >= lastCycle - 5, s.cyclesReplayed() + " cycles replayed of " + lastCycle);
        // Every cycle the gate sent an output for was compared: a failover loses none; only the outage of the cold start
        // (both replicas dead, a few seconds) has cycles with no output.
        assertEquals(s.cyclesReplayed(), s.cyclesCompared() + s.cyclesWithoutRecordedOutput(), s.toString());
        assertTrue(s.cyclesWithoutRecordedOutput() < 10_000 / FlyingSystem.PERIOD_MS, s.toString());
        assertEquals(-1, s.stoppedAtCycle());
        assertEquals(1, s.coldStarts(), "the cold start was recorded and replayed: " + s);
        assertTrue(cycles.rows().stream().anyMatch(r -> r.kind() == CycleLog.Kind.COLD), "a cold row in the sidecar");
    }

    @Test
    void shouldReportTheFirstMismatchWhenTheRecordingDiffersFromWhatTheReplicasCompute() throws IOException {
        Path tlog;
        try (FlyingSystem system = new FlyingSystem("replay-bad", 1000)) {
            await("a few seconds of flight").atMost(Duration.ofSeconds(90)).until(() -> system.status().cycle() > 150);
            tlog = system.tlog();
        }
        // Replay with a different mission than the one flown: the take-off altitude is part of the task's state.
        Path sidecar = Tlog.cyclesFileOf(tlog);
        List<String> lines = new ArrayList<>(Files.readAllLines(sidecar));
        lines.replaceAll(l -> l.startsWith("#replicaArgs=") ? "#replicaArgs=--takeoff-alt-m 3.5" : l);
        Files.write(sidecar, lines);
        FlightReplay.Summary s = replay(tlog, tlog.resolveSibling("replay"));
        assertTrue(s.mismatchedCycles() > 0, s.toString());
        assertNotNull(s.firstMismatch());
        assertTrue(s.firstMismatch().expected().contains("SetAttitudeTarget"), s.firstMismatch().toString());
    }

    /** Replays {@code tlog} through two fresh replica processes with their files in {@code dir}. */
    static FlightReplay.Summary replay(Path tlog, Path dir) {
        FlightReplay.Context ctx = new FlightReplay.Context();
        ctx.tlog = tlog;
        ctx.runDir = dir;
        ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(), FlightReplay.recordedReplicaArgs(tlog));
        try (FlightReplay replay = new FlightReplay(ctx)) {
            return replay.run();
        }
    }
}
