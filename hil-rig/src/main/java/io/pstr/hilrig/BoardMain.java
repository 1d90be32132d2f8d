package io.pstr.hilrig;

import io.pstr.core.link.Endpoint;
import io.pstr.core.rt.ThreadPriority;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Command-line front end of the virtual flight board. */
@Command(name = "pstr board", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "A virtual quadcopter flight board speaking MAVLink 2 (system 1, component 1), behaving like PX4 in "
                    + "OFFBOARD mode (default) or like ArduCopter in GUIDED mode (--autopilot ardupilot).",
            "It streams HEARTBEAT (1 Hz), ATTITUDE and LOCAL_POSITION_NED (--telemetry-hz) and SYS_STATUS (2 Hz), and "
                    + "accepts arm/disarm, DO_SET_MODE (the autopilot's custom modes), take-off and land commands, "
                    + "SET_ATTITUDE_TARGET / SET_POSITION_TARGET_LOCAL_NED setpoints and PARAM_REQUEST_READ of its "
                    + "setpoint-loss parameters. When setpoints stop for longer than --failsafe-timeout-ms, the PX4 board "
                    + "descends in a failsafe (CRITICAL); the ArduCopter board levels out and holds, still in GUIDED.",
            "Prints 'board listening on <endpoint>' once it serves the link."})
public final class BoardMain implements Callable<Integer> {

    /** The command line this runs in: its errors go to that command line's error stream. */
    @Spec
    CommandSpec spec;

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

    @Option(names = "--autopilot", defaultValue = "px4", paramLabel = "px4|ardupilot", converter = AutopilotConverter.class,
            description = "The flight stack the board behaves like. px4: HEARTBEAT autopilot PX4, PX4 custom modes, OFFBOARD "
                    + "entered only while setpoints stream, COM_OF_LOSS_T, failsafe descent when setpoints stop. ardupilot: "
                    + "ArduCopter, HEARTBEAT autopilot ARDUPILOTMEGA, copter mode numbers (GUIDED 4, LOITER 5, LAND 9), "
                    + "GUIDED entered at once, GUID_TIMEOUT and GUID_OPTIONS (--guid-options). Default: ${DEFAULT-VALUE}")
    Autopilot autopilot;

    @Option(names = "--guid-options", paramLabel = "N",
            description = "ArduPilot only: the board's GUID_OPTIONS, 0..65535. Bit 3 (8) makes SET_ATTITUDE_TARGET's thrust "
                    + "thrust; without it ArduCopter reads it as a climb rate, and this board refuses attitude targets. "
                    + "Default: 8 (set up as docs/hil.md asks)")
    Integer guidOptions;

    @Option(names = "--failsafe-timeout-ms", defaultValue = "500", paramLabel = "MS",
            description = "Setpoint loss before the board reacts, 20..60000 ms; the board reports it as COM_OF_LOSS_T (px4: "
                    + "then the failsafe descent) or GUID_TIMEOUT (ardupilot: then it levels out and holds, still in "
                    + "GUIDED). Default: ${DEFAULT-VALUE}")
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
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration-s must be 0 or positive");
        }
        if (guidOptions != null && autopilot != Autopilot.ARDUPILOT) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--guid-options is an ArduCopter parameter: "
                    + "give it with --autopilot ardupilot (PX4 has no GUID_OPTIONS)");
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
                    .autopilot(autopilot).guidOptions(guidOptions == null ? VirtualBoard.DEFAULT_GUID_OPTIONS : guidOptions)
                    .priority(ThreadPriority.Mode.parse(priority)).conclude();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
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

    /** {@code --autopilot}: px4 or ardupilot in any case; anything else is refused naming the valid ones. */
    static final class AutopilotConverter implements CommandLine.ITypeConverter<Autopilot> {
        @Override
        public Autopilot convert(String value) {
            try {
                return Autopilot.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BoardMain()).execute(args));
    }
}
