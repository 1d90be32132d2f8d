package io.pstr.manager.cli;

import io.pstr.core.link.Endpoint;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.status.Waypoint;
import io.pstr.manager.FailbackPolicy;
import io.pstr.manager.FailoverConfig;
import io.pstr.manager.HostManager;
import io.pstr.manager.journal.Journal;
import io.pstr.manager.sandbox.ByteSize;
import io.pstr.manager.sandbox.Cgroups;
import io.pstr.manager.sandbox.Sandboxes;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that runs a host manager (manager, demo). */
public final class ManagerOptions {

    @Option(names = "--period-ms", defaultValue = "20", paramLabel = "MS",
            description = "Control period: one input batch, one step and one output per cycle (default ${DEFAULT-VALUE} ms = 50 Hz).")
    int periodMs;

    /** Default of {@code --grace-ms} with both replicas here. */
    public static final double DEFAULT_GRACE_MS = 3;
    /**
     * Default of {@code --grace-ms} with a replica on another computer: its output comes back over two links and the
     * replica host (2026-11-27, both ends on one 2-core machine over loopback: a remote holder missed 5 deadlines in a
     * row at 3 ms while the other replica restarted, and none at 10 ms; the relay logs the round trips).
     */
    public static final double DEFAULT_REMOTE_GRACE_MS = 10;

    @Option(names = "--grace-ms", paramLabel = "MS",
            description = "Output deadline: how long after the shadow's output of a cycle the gate waits for the holder's "
                    + "before sending the shadow's (default " + DEFAULT_GRACE_MS + " ms; " + DEFAULT_REMOTE_GRACE_MS
                    + " ms with --remote-replica).")
    Double graceMs;

    @Option(names = "--relaunch-delay-ms", paramLabel = "MS",
            description = "How long after a failover the lost replica's replacement is launched (default 0: at once).")
    Long relaunchDelayMs;

    @Option(names = "--policy", defaultValue = "revertive", paramLabel = "POLICY",
            description = "Failback policy: revertive (the recovered primary takes the I/O back after the hold-off) or "
                    + "non-revertive (the holder keeps it). Default ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--holdoff-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Revertive policy: time a recovered primary must run in step before it takes the I/O back "
                    + "(default ${DEFAULT-VALUE} ms).")
    long holdOffMs;

    @Option(names = "--hang-timeout-ms", paramLabel = "MS",
            description = "Heartbeat age at which a replica is declared hung and fenced (default: 10 periods, at least 200 ms).")
    Long hangTimeoutMs;

    @Option(names = "--start-timeout-s", defaultValue = "30", paramLabel = "S",
            description = "How long a (re)started replica may take to be ready before it is relaunched (default ${DEFAULT-VALUE} s).")
    long startTimeoutS;

    @Option(names = "--link-rate", defaultValue = "0", paramLabel = "BIT/S",
            description = "Rate the output writer paces the board link to, start and stop bits included "
                    + "(default: a serial board's baud rate, else 115200).")
    long linkRateBitsPerSec;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "Sign the board link with MAVLink 2 signing: FILE holds the 32-byte secret as 64 hex digits "
                    + "(or 32 raw bytes). Unsigned, badly signed and replayed frames from the board are refused and counted. "
                    + "Same as the endpoint option ,signing-key=FILE.")
    Path signingKey;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Private directory for the journal, the flight log and every log of the run "
                    + "(default .pstr/run/<time>).")
    Path runDir;

    @Option(names = "--shm-dir", paramLabel = "DIR",
            description = "Private directory for the replicas' shared-memory files (rings, status, direct channel), "
                    + "which are written every control cycle and belong on a tmpfs (default: under /dev/shm, named after "
                    + "the run directory, or the run directory itself where /dev/shm is not a tmpfs). The run directory "
                    + "links to it as 'shm'; at the end the replicas' logs are moved into the run directory and it is removed.")
    Path shmDir;

    @Option(names = "--tlog", paramLabel = "FILE",
            description = "Record the board link (both directions) to this MAVLink telemetry log; its cycle boundaries go "
                    + "to FILE's .cycles sidecar, for 'pstr replay' (default <run directory>/board.tlog).")
    Path tlog;

    @Option(names = "--no-tlog", description = "Do not record the board link.")
    boolean noTlog;

    @Option(names = "--api-port", defaultValue = "8660", paramLabel = "PORT",
            description = "Port of the status/control API on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int apiPort;

    @Option(names = "--api-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the API binds to; anything but loopback requires --token (default ${DEFAULT-VALUE}).")
    String apiHost;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:PSTR_API_TOKEN}",
            description = "Bearer token the API requires (default: the PSTR_API_TOKEN environment variable, if set).")
    String token;

    @Option(names = "--gcs", paramLabel = "ENDPOINT",
            description = "Ground station on the side, e.g. udp:127.0.0.1:14550 (QGroundControl's port): board telemetry "
                    + "is forwarded to it, its COMMAND_LONG / MISSION_ITEM_INT requests go to both replicas, and each gets "
                    + "one COMMAND_ACK / MISSION_ACK back. Any endpoint kind works; a silent ground station is not a link "
                    + "down unless ,silence-ms=N is given. Default: none.")
    String gcs;

    @Option(names = "--sandbox", defaultValue = "auto", paramLabel = "KIND",
            description = "What each replica runs in: jail (own network, PID and mount namespaces, read-only root, "
                    + "cgroup CPU and memory limits; needs root), process (a plain JVM process), or auto: a jail where "
                    + "the host allows it, else a process with a warning (default ${DEFAULT-VALUE}).")
    String sandbox;

    @Mixin
    RemoteReplicaOptions remote = new RemoteReplicaOptions();

    @Option(names = "--priority", defaultValue = "auto", paramLabel = "auto|off",
            description = "Raise the scheduling priority (nice -15/-10) of the threads that keep the control cycle: the "
                    + "conductor, each replica's agent and the virtual board; and for one control period after a replica "
                    + "dies, the conductor under SCHED_FIFO (the failover boost). auto: where the host allows it (root or "
                    + "CAP_SYS_NICE), else a warning and normal priority; off: never (default ${DEFAULT-VALUE}).")
    String priority;

    /** The {@code --priority} value as given (checked when the context is built). */
    String priority() {
        return priority;
    }

    /** Default of {@code --replica-cpu}. */
    public static final String DEFAULT_REPLICA_CPU = "1.0";
    /** Default of {@code --replica-memory}. */
    public static final String DEFAULT_REPLICA_MEMORY = "256m";

    /** The jail limits a replica gets when neither option is given. */
    public static Cgroups.Limits defaultLimits() {
        return new Cgroups.Limits(Double.parseDouble(DEFAULT_REPLICA_CPU), ByteSize.parse(DEFAULT_REPLICA_MEMORY));
    }

    @Option(names = "--replica-cpu", defaultValue = DEFAULT_REPLICA_CPU, paramLabel = "CORES",
            description = "Jail: CPU quota of each replica in cores, may be fractional; 0 for no quota (default ${DEFAULT-VALUE}).")
    double replicaCpus;

    @Option(names = "--replica-memory", defaultValue = DEFAULT_REPLICA_MEMORY, paramLabel = "SIZE",
            description = "Jail: memory limit of each replica: bytes, or with k, m or g (default ${DEFAULT-VALUE}).")
    String replicaMemory;

    @Option(names = "--takeoff-alt-m", defaultValue = "10", description = "Mission: take-off altitude (default ${DEFAULT-VALUE} m).")
    double takeoffAltitudeM;

    @Option(names = "--square-m", defaultValue = "20", description = "Mission: side of the square of waypoints (default ${DEFAULT-VALUE} m).")
    double squareSideM;

    @Option(names = "--cruise-mps", defaultValue = "4", description = "Mission: cruise speed (default ${DEFAULT-VALUE} m/s).")
    double cruiseSpeedMps;

    @Option(names = "--laps", defaultValue = "1", description = "Mission: times the square is flown before landing (default ${DEFAULT-VALUE}).")
    int laps;

    @Option(names = "--final-hold-ms", defaultValue = "2000",
            description = "Mission: hover at the last waypoint this long before landing (default ${DEFAULT-VALUE} ms).")
    int finalHoldMs;

    /** The --run-dir option as given, or null. */
    Path runDirOption() {
        return runDir;
    }

    public Path resolveRunDir(String prefix) {
        return resolveRunDir(runDir, prefix);
    }

    /** {@code given}, or {@code .pstr/run/<prefix>-<time>} when none was given. */
    static Path resolveRunDir(Path given, String prefix) {
        if (given != null) {
            return given.toAbsolutePath();
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return Path.of(".pstr", "run", prefix + "-" + stamp).toAbsolutePath();
    }

    /** The endpoint with {@code --signing-key} applied (an endpoint's own signing-key option wins). */
    public Endpoint withSigning(Endpoint board) {
        if (signingKey == null || board.options().signingKey() != null) {
            return board;
        }
        if (board.options().framing() != io.pstr.core.link.LinkOptions.Framing.MAVLINK) {
            throw new IllegalArgumentException("--signing-key needs a MAVLink board link, not framing=raw");
        }
        return board.withOptions(board.options().withSigning(signingKey, board.options().signingLinkId()));
    }

    /** The --signing-key file, or null. */
    public Path signingKey() {
        return signingKey;
    }

    /** Picocli takes NaN and Infinity for a double; no option here means them. */
    private static void finite(String option, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number, got " + value);
        }
    }

    public FailbackPolicy failbackPolicy() {
        return switch (policy.toLowerCase(Locale.ROOT)) {
            case "revertive" -> FailbackPolicy.REVERTIVE;
            case "non-revertive", "nonrevertive" -> FailbackPolicy.NON_REVERTIVE;
            default -> throw new IllegalArgumentException("unknown failback policy '" + policy + "': revertive or non-revertive");
        };
    }

    /** Builds a validated host-manager context; replicas get the same mission options. */
    public HostManager.Context context(Endpoint board, Path dir, Journal journal) {
        return context(board, dir, journal, false, false);
    }

    /**
     * Builds a validated host-manager context; replicas get the same mission options.
     *
     * @param surviveRestart the replicas outlive the manager's process and it keeps their state for a new manager
     * @param attach         take over the replicas a manager now gone left running in {@code dir}
     */
    public HostManager.Context context(Endpoint board, Path dir, Journal journal, boolean surviveRestart, boolean attach) {
        return context(board, dir, journal, surviveRestart, attach, Sandboxes.Mode.parse(sandbox));
    }

    /**
     * Checks every option that does not need the board's endpoint, before anything is started: a bad value is
     * refused here, not after a virtual board or FlightGear is already up. Nothing is created or probed (the
     * sandbox is only parsed).
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public void validate(Path dir) {
        context(Endpoint.parse("tcp:127.0.0.1:5760"), dir, Journal.inMemory(), false, false, Sandboxes.Mode.PROCESS);
    }

    private HostManager.Context context(Endpoint board, Path dir, Journal journal, boolean surviveRestart, boolean attach,
            Sandboxes.Mode sandboxMode) {
        boolean remoteReplicas = !remote.check().isEmpty();
        if (remoteReplicas && (surviveRestart || attach)) {
            throw new IllegalArgumentException("--remote-replica cannot be combined with --survive-restart or --attach: "
                    + "a relay exits with its manager");
        }
        double grace = graceMs != null ? graceMs : remoteReplicas ? DEFAULT_REMOTE_GRACE_MS : DEFAULT_GRACE_MS;
        finite("--grace-ms", grace);
        finite("--takeoff-alt-m", takeoffAltitudeM);
        finite("--square-m", squareSideM);
        finite("--cruise-mps", cruiseSpeedMps);
        finite("--replica-cpu", replicaCpus);
        HostManager.Context ctx = new HostManager.Context();
        ctx.board = withSigning(board);
        ctx.runDir = dir;
        ctx.shmDir = shmDir;
        ctx.periodMs = periodMs;
        ctx.graceNs = (long) (grace * 1_000_000);
        if (relaunchDelayMs != null) {
            ctx.relaunchDelayMs = relaunchDelayMs; // checked by conclude()
        }
        ctx.linkRateBitsPerSec = linkRateBitsPerSec;
        FailoverConfig f = FailoverConfig.defaults(periodMs)
                .withPolicy(failbackPolicy(), TimeUnit.MILLISECONDS.toNanos(holdOffMs));
        f = new FailoverConfig(f.periodNs(), f.suspectAfterNs(),
                hangTimeoutMs != null ? TimeUnit.MILLISECONDS.toNanos(hangTimeoutMs) : f.hangTimeoutNs(),
                f.hungKillAfterNs(), f.syncCycles(), f.failbackHoldOffNs(), f.policy(), f.acceptanceFailLimit(),
                f.deadlineMissLimit(), TimeUnit.SECONDS.toNanos(startTimeoutS));
        ctx.failover = f;
        List<String> missionArgs = new ArrayList<>(List.of(
                "--takeoff-alt-m", Double.toString(takeoffAltitudeM),
                "--square-m", Double.toString(squareSideM),
                "--cruise-mps", Double.toString(cruiseSpeedMps),
                "--laps", Integer.toString(laps),
                "--final-hold-ms", Integer.toString(finalHoldMs)));
        ctx.launcher = Sandboxes.forReplicas(sandboxMode, Classpaths.replica(), missionArgs,
                new Cgroups.Limits(replicaCpus, ByteSize.parse(replicaMemory)), surviveRestart || attach);
        ctx.launcher = remote.launcher(ctx.launcher, Classpaths.replica());
        ctx.surviveRestart = surviveRestart || attach;
        ctx.attach = attach;
        ctx.priority = ThreadPriority.Mode.parse(priority);
        ctx.waypoints = Waypoint.square(takeoffAltitudeM, squareSideM);
        ctx.journal = journal;
        if (noTlog && tlog != null) {
            throw new IllegalArgumentException("--tlog and --no-tlog contradict each other");
        }
        ctx.tlog = noTlog ? null : tlog != null ? tlog.toAbsolutePath() : dir.resolve("board.tlog");
        if (gcs != null) {
            ctx.gcs = Endpoint.parse(gcs);
        }
        return ctx.conclude();
    }
}
