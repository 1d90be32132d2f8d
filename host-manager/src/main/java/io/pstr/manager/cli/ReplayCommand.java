package io.pstr.manager.cli;

import io.pstr.manager.FlightReplay;
import io.pstr.manager.ProcessSandboxLauncher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pstr replay}: a recorded flight through two fresh replicas, outputs compared cycle by cycle. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Feeds a flight log (.tlog and its .cycles sidecar, as 'pstr demo' and 'pstr manager' record "
                + "them) back through two fresh replica processes and checks that both produce, cycle by cycle, "
                + "exactly the outputs the host sent to the board.",
                "Exit code 0: every recorded output matched; 1: a mismatch; 2: the log cannot be replayed."})
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The flight log, e.g. .pstr/run/demo-<time>/board.tlog.")
    Path tlog;

    @Option(names = "--speed", defaultValue = "0", paramLabel = "FACTOR",
            description = "0: as fast as the replicas step, cycle by cycle (default); 1: at the recorded tick times; "
                    + "2: twice as fast...")
    double speed;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Directory for the replay replicas' files and logs (default .pstr/run/replay-<time>).")
    Path runDir;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        Path dir = ManagerOptions.resolveRunDir(runDir, "replay");
        FlightReplay.Context ctx = new FlightReplay.Context();
        ctx.tlog = tlog.toAbsolutePath();
        ctx.runDir = dir;
        ctx.speed = speed;
        ctx.progress = line -> {
            out.println(line);
            out.flush();
        };
        FlightReplay.Summary s;
        try {
            boolean sidecar = java.nio.file.Files.isRegularFile(io.pstr.core.tlog.Tlog.cyclesFileOf(ctx.tlog));
            ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(),
                    sidecar ? FlightReplay.recordedReplicaArgs(ctx.tlog) : java.util.List.of());
            try (FlightReplay replay = new FlightReplay(ctx)) {
                s = replay.run();
            }
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            spec.commandLine().getErr().println("error: cannot replay " + tlog + ": " + e.getMessage());
            return 2;
        }
        out.println();
        out.println("replay of " + tlog);
        out.printf("  log                         %s%n", s.logSummary());
        out.printf("  cycles in the log           %d%n", s.cyclesInLog());
        out.printf("  cycles replayed             %d%s%n", s.cyclesReplayed(),
                s.stoppedAtCycle() >= 0 ? " (stopped at cycle " + s.stoppedAtCycle() + ")" : "");
        out.printf("  cycles compared             %d%n", s.cyclesCompared());
        out.printf("  cycles with no recorded output (not compared)  %d%n", s.cyclesWithoutRecordedOutput());
        out.printf("  host frames outside outputs %d%n", s.hostFramesOutsideOutputs());
        if (s.acksToGroundStation() > 0) {
            out.printf("  acknowledgements to the ground station (not written to the board, left out) %d%n",
                    s.acksToGroundStation());
        }
        if (s.coldStarts() > 0) {
            out.printf("  cold starts (both replicas had been lost; replayed as the host did) %d%n", s.coldStarts());
        }
        out.printf("  mismatched cycles           %d%n", s.mismatchedCycles());
        if (s.firstMismatch() != null) {
            out.println("  first mismatch: " + s.firstMismatch());
        }
        out.println(s.identical() ? "IDENTICAL: both replicas reproduced every recorded output"
                : s.cyclesCompared() == 0 ? "NOTHING COMPARED: the log holds no output of a replayed cycle" : "MISMATCH");
        return s.identical() ? 0 : s.cyclesCompared() == 0 ? 2 : 1;
    }
}
