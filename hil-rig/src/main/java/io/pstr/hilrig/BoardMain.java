package io.pstr.hilrig;

import io.pstr.core.link.Endpoint;
import io.pstr.core.rt.ThreadPriority;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command-line front end of the virtual flight board. */
@Command(name = "hil-board", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "A virtual PX4-like quadcopter flight board speaking MAVLink 2 (system 1, component 1).",
            "It streams HEARTBEAT (1 Hz), ATTITUDE and LOCAL_POSITION_NED (--telemetry-hz), SYS_STATUS (2 Hz),",
            "accepts arm/disarm, DO_SET_MODE (PX4 custom modes), take-off and land commands and offboard",
            "SET_ATTITUDE_TARGET / SET_POSITION_TARGET_LOCAL_NED setpoints, and descends (failsafe) when",
            "offboard setpoints stop for longer than --failsafe-timeout-ms.",
            "Prints 'board listening on <endpoint>' once it serves the link."})
public final class BoardMain implements Callable<Integer> {

    @Option(names = "--link", defaultValue = "tcp-listen:5760", paramLabel = "ENDPOINT",
            description = "Link to serve: tcp-listen:PORT (127.0.0.1; 0 = any free port), tcp:HOST:PORT, udp-listen:PORT, "
                    + "udp:HOST:PORT, serial:/dev/X:BAUD, pty:/dev/pts/N, or 'pty:' to make a socat pty pair and print "
                    + "'board pty: PATH' for the host to open; options as in docs/links.md (e.g. ,signing-key=FILE; the "
                    + "board's end drops a silent host only with ,silence-ms=N). "
                    + "Default: ${DEFAULT-VALUE}")
    String link;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "MAVLink 2 signing with the 32-byte secret in FILE (64 hex digits or 32 raw bytes): the board signs "
                    + "what it sends and refuses unsigned, badly signed and replayed frames, like a PX4 with signing on.")
    Path signingKey;

    @Option(names = "--tap", paramLabel = "ENDPOINT",
            description = "Also send a copy of every frame the board sends here, e.g. udp:127.0.0.1:14560 for './pstr fgfs'.")
    String tap;

    @Option(names = "--record", paramLabel = "FILE", description = "Write the board record CSV (setpoints, commands, true state) here.")
    Path record;

    @Option(names = "--failsafe-timeout-ms", defaultValue = "500",
            description = "Offboard setpoint loss before the failsafe descent, ms. Default: ${DEFAULT-VALUE}")
    long failsafeTimeoutMs;

    @Option(names = "--priority", defaultValue = "auto", paramLabel = "auto|off",
            description = "Raise the board thread's scheduling priority (nice -15) where the host allows it, as a "
                    + "flight controller has its own CPU; off: normal priority. Default: ${DEFAULT-VALUE}")
    String priority;

    @Option(names = "--telemetry-hz", defaultValue = "50",
            description = "ATTITUDE and LOCAL_POSITION_NED rate, 1..250 Hz. Default: ${DEFAULT-VALUE}")
    int telemetryHz;

    @Option(names = "--duration-s", defaultValue = "0",
            description = "Stop after this many seconds; 0 runs until killed (SIGTERM flushes the record). Default: ${DEFAULT-VALUE}")
    double durationS;

    @Option(names = "--exit-with-parent",
            description = "Stop (flushing the record) when standard input reaches its end: the process that started this "
                    + "board with a pipe on its input has gone, even if it was killed. For tools that start a board.")
    boolean exitWithParent;

    @Override
    public Integer call() throws Exception {
        if (!(durationS >= 0) || Double.isInfinite(durationS)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--duration-s must be 0 or positive");
        }
        Endpoint endpoint;
        VirtualBoard.Context ctx;
        Endpoint tapEndpoint;
        try {
            endpoint = Endpoint.parse(link);
            if (signingKey != null && endpoint.options().signingKey() == null) {
                endpoint = endpoint.withOptions(endpoint.options().withSigning(signingKey, endpoint.options().signingLinkId()));
            }

            tapEndpoint = tap == null ? null : Endpoint.parse(tap);
            ctx = new VirtualBoard.Context().failsafeTimeoutMs(failsafeTimeoutMs).telemetryHz(telemetryHz)
                    .priority(ThreadPriority.Mode.parse(priority)).conclude();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage(), e);
        }
        ThreadPriority.processMode(ctx.priority());
        RunningBoard board = RunningBoard.start(endpoint, ctx, record, tapEndpoint);
        Runtime.getRuntime().addShutdownHook(new Thread(board::close, "board-shutdown"));
        if (exitWithParent) {
            Thread watch = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // Nothing is sent on this pipe; its end is the message.
                    }
                } catch (java.io.IOException e) {
                    // A broken pipe means the same as its end.
                }
                board.close();
            }, "board-parent-watch");
            watch.setDaemon(true);
            watch.start();
        }
        if (board.hostPtyPath() != null) {
            System.out.println("board pty: " + board.hostPtyPath());
        }
        System.out.println("board listening on " + board.endpointDescription());
        System.out.flush();
        if (durationS > 0) {
            board.awaitClosed((long) (durationS * 1e9), TimeUnit.NANOSECONDS);
        } else {
            board.awaitClosed(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        }
        board.close();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BoardMain()).execute(args));
    }
}
