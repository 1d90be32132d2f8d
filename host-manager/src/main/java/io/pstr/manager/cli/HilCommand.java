package io.pstr.manager.cli;

import io.pstr.core.link.Endpoint;
import io.pstr.manager.HostManager;
import io.pstr.manager.PreflightCheck;
import io.pstr.manager.RunningManager;
import io.pstr.manager.journal.Journal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pstr hil}: pre-flight checks against a real board (or SITL), then the whole system on it. */
@Command(name = "hil", mixinStandardHelpOptions = true,
        description = {"Runs the system against a real flight controller or a PX4/ArduPilot SITL. First the pre-flight "
                + "checks: autopilot heartbeat, PX4 or ArduPilot, disarmed, offboard (PX4) / guided (ArduPilot) takes "
                + "attitude setpoints, the board's offboard-loss timeout (COM_OF_LOSS_T / GUID_TIMEOUT), on PX4 what it does then "
                + "(COM_OBL_RC_ACT: Hold or Land pass, Return and the rest warn) and, on ArduPilot, "
                + "GUID_OPTIONS bit 3 (thrust taken as thrust). If they pass, "
                + "the host manager and both replicas run until Ctrl-C. Without --arm the replicas' arm commands are "
                + "withheld, so the board is never armed. './pstr abort' lands the aircraft. See docs/hil.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:checks passed (and the system ran until Ctrl-C)", "1:a pre-flight check failed", "2:bad usage"})
public final class HilCommand implements Callable<Integer> {

    @Option(names = "--board", required = true, paramLabel = "ENDPOINT",
            description = "The board: serial:/dev/ttyACM0:921600 (USB), serial:/dev/ttyAMA0:921600 (TELEM port), "
                    + "udp-listen:14540 (PX4 SITL offboard port), tcp:127.0.0.1:5762 (ArduPilot SITL)... "
                    + "A board silent for 3 s (,silence-ms=N; 0 = off) is a link down and the link reconnects; "
                    + "tcp keepalive probes after ,keepalive-s=N (default 2). See docs/links.md.")
    String board;

    @Option(names = "--arm", description = "Let the replicas arm the board and fly the mission. Props off on the bench!")
    boolean arm;

    @Option(names = "--checks-only", description = "Run the pre-flight checks, print the table and exit.")
    boolean checksOnly;

    @Option(names = "--heartbeat-timeout-s", defaultValue = "5", paramLabel = "S",
            description = "How long to wait for the board's first heartbeat (default ${DEFAULT-VALUE} s).")
    double heartbeatTimeoutS;

    @Mixin
    ManagerOptions options = new ManagerOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Endpoint endpoint;
        PreflightCheck.Context checks = new PreflightCheck.Context();
        try {
            endpoint = Endpoint.parse(board);
            if (!(heartbeatTimeoutS > 0) || heartbeatTimeoutS > 600) {
                throw new IllegalArgumentException("--heartbeat-timeout-s must be in (0, 600]");
            }
            checks.board = endpoint;
            checks.armRequested = arm;
            checks.heartbeatTimeoutNs = (long) (heartbeatTimeoutS * 1e9);
            checks.conclude();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("pre-flight checks on " + endpoint + " ...");
        out.flush();
        PreflightCheck.Report report = new PreflightCheck(checks).run();
        out.print(report.table());
        out.println(report.passed() ? "PRE-FLIGHT PASSED" : "PRE-FLIGHT FAILED: the system will not start");
        out.flush();
        if (!report.passed()) {
            return 1;
        }
        if (checksOnly) {
            return 0;
        }
        Path dir = options.resolveRunDir("hil");
        Journal journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        RunningManager running = ManagerCommand.start(() -> {
            HostManager.Context ctx = options.context(endpoint, dir, journal);
            ctx.allowArming = arm;
            return ctx;
        }, options, spec);
        out.println("system running on " + endpoint + (arm ? " (ARMING ALLOWED)" : " (not arming: give --arm to fly)")
                + ", API http://" + running.api().address() + ", run directory " + dir);
        if (running.manager().tlog() != null) {
            out.println("flight log: " + running.manager().tlog().file());
        }
        out.println("./pstr abort lands the aircraft; ./pstr status --watch shows it; Ctrl-C stops the host (the board's "
                + "offboard-loss failsafe then takes over)");
        out.flush();
        ManagerCommand.runUntilStopped(running);
        return 0;
    }
}
