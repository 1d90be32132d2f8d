package io.pstr.manager;

import io.dronefleet.mavlink.minimal.MavState;
import io.pstr.core.status.MissionPhase;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.FramedLink;
import io.pstr.core.link.LinkCounters;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelDelay;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.mavlink.FrameCounters;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaState;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.SharedFiles;
import io.pstr.core.status.ControlPlane;
import io.pstr.core.status.Fault;
import io.pstr.core.status.GateStatus;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.LinkStatus;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.FailoverStateMachine.StartMode;
import io.pstr.manager.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host manager's conductor: the management module (sandboxes, failover arbiter, epoch) and the
 * distribution module (board link, fan-out, output gate, pacing) on one thread, as an Agrona agent.
 * Board bytes are read and fanned out on the link's thread; everything else happens in
 * {@link #doWork()}, with time from the injected clock.
 */
public final class HostManager implements Agent, ControlPlane, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostManager.class);
    private static final long STATUS_EVERY_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How long the board-unplug fault keeps the board link unplugged (its description says 3 s). */
    static final long BOARD_UNPLUG_NS = TimeUnit.SECONDS.toNanos(3);
    /** The flight-control task's id inside its sandbox, the second half of its channel address. */

    /** Configuration, validated once by {@link #conclude()}. */
    public static final class Context {
        public Endpoint board;
        public Path runDir;
        /**
         * The replicas' shared-memory files (rings, status, channel endpoints) and their logs while they run;
         * null = {@link SharedFiles#tmpfsDirectoryFor} the run directory. When it is not the run directory, the
         * run directory gets a symbolic link {@code shm} to it, and {@link #close()} moves the replicas' logs
         * into the run directory and removes it.
         */
        public Path shmDir;
        public int periodMs = 20;
        public long graceNs = TimeUnit.MILLISECONDS.toNanos(3);
        /**
         * How long after the decision a replica that replaces a lost one is launched (0: at once). A JVM's start is
         * a burst of CPU on a small machine; deferring it past the takeover's first cycles made no difference that
         * stood out of the run-to-run variance of the failover benchmark (docs/reliability.md), so it is off.
         */
        public long relaunchDelayMs;
        /** Rate the output is paced to; 0 = the serial endpoint's baud rate, or 115200 for other links. */
        public long linkRateBitsPerSec;
        /** Bits a byte takes on the wire; 0 = from the serial endpoint's format (8N1: 10), else 10. */
        public int bitsPerByte;
        /** How far ahead of a free wire the paced writer may hand the link the next output (a UART's FIFO). */
        public long writerLeadNs = TimeUnit.MILLISECONDS.toNanos(1);
        /** A replica whose heartbeat is this old is checked for a dying process (early crash detection). */
        public long crashProbeAfterNs = TimeUnit.MICROSECONDS.toNanos(io.pstr.core.shm.ReplicaFiles.crashProbeAfterUs());
        public FailoverConfig failover;
        public SandboxLauncher launcher;
        public NanoClock clock = System::nanoTime;
        public Journal journal;
        /** The board link's flight log ({@code .tlog} and its cycle sidecar); null for none. */
        public Path tlog;
        /** False: the replicas' arm commands are withheld from the board (pstr hil without --arm). */
        public boolean allowArming = true;
        /** How long an abort waits for the board's COMMAND_ACK before it sends the land command again. */
        public long abortAckTimeoutNs = TimeUnit.SECONDS.toNanos(1);
        public int abortAttempts = 3;
        /** Optional ground station on the side: telemetry out, client requests in, acknowledgements back. */
        public Endpoint gcs;
        /** A client request unanswered this long after it arrived counts as lost. */
        public long requestLostAfterNs = TimeUnit.SECONDS.toNanos(2);
        /** The mission's waypoints, for the status (the replicas get the mission from their own options). */
        public List<io.pstr.core.status.Waypoint> waypoints = List.of();
        /** Scheduling priority for the conductor and the replicas' agent threads (see {@link ThreadPriority}). */
        public ThreadPriority.Mode priority = ThreadPriority.Mode.AUTO;
        /**
         * The replicas outlive this manager's process (the launcher must start them so), and the manager keeps
         * {@link ManagerState} in the run directory for a new manager to re-attach to them; the run directory is
         * locked to one manager at a time.
         */
        public boolean surviveRestart;
        /**
         * Re-attach to the replicas that a manager now gone left running in {@link #runDir} (from its
         * {@link ManagerState}) instead of launching new ones. Implies {@link #surviveRestart}.
         */
        public boolean attach;

        public Context conclude() {
            if (board == null) {
                throw new IllegalArgumentException("no board endpoint: give one, e.g. --board tcp:127.0.0.1:5760");
            }
            if (runDir == null) {
                throw new IllegalArgumentException("no run directory");
            }
            runDir = runDir.toAbsolutePath();
            shmDir = shmDir == null ? SharedFiles.tmpfsDirectoryFor(runDir) : shmDir.toAbsolutePath();
            if (periodMs < 2 || periodMs > 1000) {
                throw new IllegalArgumentException("control period " + periodMs + " ms is outside 2..1000 ms");
            }
            if (graceNs < 0 || graceNs >= TimeUnit.MILLISECONDS.toNanos(periodMs)) {
                throw new IllegalArgumentException("output deadline grace must be >= 0 and shorter than the control period");
            }
            if (relaunchDelayMs < 0 || relaunchDelayMs > 10_000) {
                throw new IllegalArgumentException("relaunch delay " + relaunchDelayMs + " ms is outside 0..10000 ms");
            }
            if (crashProbeAfterNs <= 0) {
                throw new IllegalArgumentException("crash probe threshold must be positive");
            }
            if (linkRateBitsPerSec < 0) {
                throw new IllegalArgumentException("link rate must be positive");
            }
            if (linkRateBitsPerSec == 0) {
                linkRateBitsPerSec = board.isSerial() ? board.baudRate() : Endpoint.DEFAULT_BAUD;
            }
            if (bitsPerByte == 0) {
                bitsPerByte = board.isSerial() ? board.options().bitsPerByte() : 10;
            }
            if (writerLeadNs < 0) {
                throw new IllegalArgumentException("writer lead must be >= 0");
            }
            if (failover == null) {
                failover = FailoverConfig.defaults(periodMs);
            }
            failover.conclude();
            if (launcher == null) {
                throw new IllegalArgumentException("no sandbox launcher");
            }
            if (journal == null) {
                journal = Journal.inMemory();
            }
            if (requestLostAfterNs <= 0) {
                throw new IllegalArgumentException("request loss timeout must be positive");
            }
            waypoints = waypoints == null ? List.of() : List.copyOf(waypoints);
            if (attach) {
                surviveRestart = true;
            }
            if (surviveRestart && !launcher.outlivesManager()) {
                throw new IllegalArgumentException("surviving a restart needs replicas that outlive the host manager: "
                        + "this " + launcher.kind() + " launcher starts them to exit with it");
            }
            return this;
        }
    }

    private final Context ctx;
    private final long periodNs;
    private final NanoClock clock;
    private final Journal journal;
    private final Distributor distributor = new Distributor();
    private final AircraftTelemetry telemetry = new AircraftTelemetry();
    private final FramedLink board;
    private final OutputGate gate;
    private final PacedWriter writer;
    private final FailoverStateMachine fsm;
    private final EnumMap<Slot, ReplicaHandle> replicas = new EnumMap<>(Slot.class);
    /** Started on the conductor's thread (it needs that thread's id) unless priorities are off; null until then. */
    private volatile FailoverBoost boost;
    /** Incarnations lost and retired whose successors are not installed yet (see {@link #prepareSuccessor}). */
    private final EnumMap<Slot, ReplicaHandle> retired = new EnumMap<>(Slot.class);
    /** Of those, the ones whose successor is not being prepared yet (see {@link #prepareRetiredInSlack}). */
    private final EnumSet<Slot> retiredAwaitingSuccessor = EnumSet.noneOf(Slot.class);
    private long retiredAtNs;
    private static final int RETIRED_PREPARE_WAIT_PERIODS = 3;
    private final ChannelRegistry channels;
    private final EnumMap<Slot, Integer> incarnations = new EnumMap<>(Slot.class);
    private final ScheduledExecutorService launcherThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-launcher");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Messages outputReader = new Messages();
    private final FlightLog flightLog;
    private long tlogDropsReported;
    private final RequestLedger requests;
    private final GroundStationLink gcs;
    private final OutputRouter router;
    private final MavlinkCodec requestCodec = new MavlinkCodec();
    private final ProcessSampler processes = new ProcessSampler(1_000);
    private final CommandGaps commandGaps = new CommandGaps((int) TimeUnit.NANOSECONDS.toMillis(STATUS_EVERY_NS));
    private final java.util.Random noiseRandom = new java.util.Random();

    private long cycle;
    private long nextTickNs;
    private long tickOverruns;
    private long nextStatusNs;
    private boolean ticking;
    private volatile boolean linkUp;
    private volatile SystemStatus snapshot;
    private long startedNs;
    private volatile boolean aborted;
    private long outputsAfterAbort;
    private long armingWithheld;
    private int ownSequence;
    private final HeartbeatStandIn heartbeatStandIn = new HeartbeatStandIn();
    private volatile CompletableFuture<String> landAck;
    /** Held for this manager's life when it survives restarts: one manager per run directory. */
    private final ManagerLock lock;
    /** The state of the manager that is gone, when this one re-attaches to its replicas; null otherwise. */
    private final ManagerState attachedFrom;
    /** Writes {@link ManagerState} off the conductor; null unless the manager survives restarts. */
    private final ExecutorService stateWriter;
    /** The highest epoch the manager that is gone, its journal and its replicas knew of; set when re-attaching. */
    private long attachedEpoch;
    private boolean stateDirty;
    private long stateWrittenNs;
    private static final long STATE_EVERY_NS = TimeUnit.SECONDS.toNanos(1);

    public HostManager(Context context) {
        this.ctx = context.conclude();
        this.periodNs = TimeUnit.MILLISECONDS.toNanos(ctx.periodMs);
        this.clock = ctx.clock;
        this.journal = ctx.journal;
        // Before the board link opens: its I/O threads take the process's priority policy.
        ThreadPriority.processMode(ctx.priority);
        // The futex's native library loads now, not on the link thread the first time a replica sleeps in flight.
        if (!Doorbell.wakesSleepers()) {
            LOG.warn("no futex here: replicas poll their input rings instead of sleeping until the host writes");
        }
        SharedFiles.privateDirectory(ctx.runDir);
        this.lock = ctx.surviveRestart ? ManagerLock.acquire(ctx.runDir) : null;
        try {
            this.attachedFrom = ctx.attach ? checkedPriorState() : null;
        } catch (RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        this.stateWriter = ctx.surviveRestart ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "manager-state-writer");
            t.setDaemon(true);
            return t;
        }) : null;
        SharedFiles.privateDirectory(ctx.shmDir);
        if (!ctx.shmDir.equals(ctx.runDir)) {
            linkSharedMemory(ctx.runDir, ctx.shmDir);
            // The journal, the flight log and the logs are no replica's business.
            ctx.launcher.hide(ctx.runDir);
        }
        this.channels = new ChannelRegistry(ReplicaFiles.channelDirOf(ctx.shmDir));
        this.board = FramedLink.open(ctx.board);
        this.requests = new RequestLedger(ctx.requestLostAfterNs);
        this.gcs = ctx.gcs == null ? null : new GroundStationLink(ctx.gcs);
        this.router = new OutputRouter(requests, gcs == null ? null : gcs::send);
        this.gate = new OutputGate(ctx.graceNs, (cycle, from, epoch, frames, offset, length, nowNs) ->
                writerOffer(cycle, from, epoch, frames, offset, length, nowNs));
        // After an abort nothing a replica wrote may reach the board: a queued mode change would undo the landing.
        this.writer = new PacedWriter(board::write, ctx.linkRateBitsPerSec, ctx.bitsPerByte,
                (from, epoch) -> aborted || gate.isFenced(from, epoch))
                .lead(ctx.writerLeadNs);
        this.fsm = new FailoverStateMachine(ctx.failover, new Actions());
        this.flightLog = ctx.tlog == null ? null : new FlightLog(ctx.tlog, java.util.Map.of(
                "periodMs", Integer.toString(ctx.periodMs), "replicaArgs", String.join(" ", ctx.launcher.replicaArgs())));
        if (flightLog != null) {
            distributor.tap(flightLog);
            writer.tap(flightLog);
        }
        for (Slot s : Slot.values()) {
            incarnations.put(s, 0);
        }
        if (attachedFrom != null) {
            adoptReplicas(attachedFrom);
            attachedEpoch = highestEpochSeen(attachedFrom);
            fsm.continueEpochsFrom(attachedEpoch);
            // Events before the re-attach proper carry the cycle the replicas reached too.
            cycle = attachedFrom.cycle();
            for (ReplicaHandle r : replicas.values()) {
                cycle = Math.max(cycle, r.status.get(Field.LAST_CYCLE));
            }
        }
        this.snapshot = buildStatus(clock.nanoTime());
    }

    /** The state file of the manager that is gone, checked against this manager's settings. */
    private ManagerState checkedPriorState() {
        ManagerState prior = ManagerState.read(ctx.runDir);
        Path file = ManagerState.fileIn(ctx.runDir);
        if (prior.periodMs() != ctx.periodMs) {
            throw new IllegalArgumentException(file + " was written by a manager with a " + prior.periodMs()
                    + " ms control period: attach with --period-ms " + prior.periodMs());
        }
        if (!prior.replicaArgs().equals(ctx.launcher.replicaArgs())) {
            throw new IllegalArgumentException(file + ": the replicas fly the mission " + String.join(" ", prior.replicaArgs())
                    + "; attach with the same mission options (now " + String.join(" ", ctx.launcher.replicaArgs()) + ")");
        }
        if (!prior.shmDir().equals(ctx.shmDir.toString())) {
            throw new IllegalArgumentException(file + ": the replicas' shared-memory files are in " + prior.shmDir()
                    + "; attach with --shm-dir " + prior.shmDir());
        }
        if (!prior.sandbox().equals(ctx.launcher.kind())) {
            throw new IllegalArgumentException(file + ": the replicas run in a " + prior.sandbox() + " sandbox; attach with --sandbox "
                    + prior.sandbox());
        }
        return prior;
    }

    /**
     * Maps the files of every replica of {@code prior} that is still the same process (pid and start time), and
     * takes over its channel endpoint. One that is gone is left for the state machine to launch anew.
     */
    private void adoptReplicas(ManagerState prior) {
        for (ManagerState.Replica r : prior.replicas()) {
            incarnations.put(r.slot(), Math.max(incarnations.get(r.slot()), r.incarnation()));
            ProcessIdentity id = r.identity();
            if (!id.alive()) {
                LOG.warn("replica {} (pid {}, incarnation {}) did not survive: it will be launched anew", r.slot(), r.pid(), r.incarnation());
                continue;
            }
            ReplicaFiles files = new ReplicaFiles(ctx.shmDir.resolve(r.dir()));
            ReplicaHandle handle;
            try {
                handle = ReplicaHandle.attach(r.slot(), r.incarnation(), files, r.channelAddress(), channels);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot re-attach replica " + r.slot() + " (pid " + r.pid() + ") in "
                        + files.dir() + ": " + e.getMessage(), e);
            }
            // A record the killed manager claimed and never committed would block the replica's reading for good:
            // its writer is dead and nothing has been written since, so it can be turned into padding now.
            if (handle.input.ring().unblock()) {
                LOG.warn("replica {}: a message the previous manager left half-written in its input ring was skipped", r.slot());
            }
            handle.identity = id;
            handle.sandbox = new AttachedSandbox(id);
            // Its agent thread's priority was raised by the manager that started it.
            handle.prioritised = true;
            replicas.put(r.slot(), handle);
        }
    }

    /**
     * Takes over the replicas found running (instead of launching new ones): a new epoch above every epoch seen
     * (the journal, the state file, each replica's status), the cycle count continued after the last cycle any
     * replica ran, every slot fenced below the new epoch, and nothing from the manager that is gone ever
     * reaches the board (the board link is this manager's, opened just now).
     */
    private void resumeAttached(long now) {
        ManagerState prior = attachedFrom;
        long highestEpoch = attachedEpoch;
        // The constructor took the cycle on from the state and the replicas; with no manager they ran none since.
        long lastCycle = cycle;
        java.util.EnumSet<Slot> alive = java.util.EnumSet.noneOf(Slot.class);
        java.util.EnumSet<Slot> inStep = java.util.EnumSet.noneOf(Slot.class);
        List<String> found = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (ReplicaHandle r : replicas.values()) {
            long replicaEpoch = r.status.get(Field.EPOCH);
            alive.add(r.slot);
            if (r.state() == ReplicaState.RUNNING) {
                inStep.add(r.slot);
            }
            found.add(r.slot + " pid " + r.pid() + " (" + r.state() + ", epoch " + replicaEpoch + ", cycle "
                    + r.status.get(Field.LAST_CYCLE) + ")");
            figures.put("pid" + r.slot, r.pid());
        }
        figures.put("previousManagerPid", prior.managerPid());
        figures.put("stateEpoch", prior.epoch());
        figures.put("journalEpoch", journalEpoch());
        figures.put("highestEpochSeen", highestEpoch);
        figures.put("resumedAfterCycle", lastCycle);
        journal.append("MANAGER", Cause.MANAGER_RESTART.name(), FailoverState.STARTING.name(), FailoverState.STARTING.name(),
                highestEpoch, lastCycle, null, "re-attaching to the replicas of host manager pid " + prior.managerPid() + ": "
                        + (found.isEmpty() ? "none survived" : String.join(", ", found)) + "; highest epoch seen " + highestEpoch
                        + ", resuming after cycle " + lastCycle, figures);
        cycle = lastCycle;
        gate.resume(lastCycle, 0);
        distributor.locked(d -> {
            for (ReplicaHandle r : replicas.values()) {
                d.attach(r.slot, r.input);
                d.control(r.slot, (m, ring) -> m.link(ring, linkUp, clock.nanoTime()));
            }
        });
        fsm.resume(now, highestEpoch, prior.holder(), prior.primary(), inStep, alive,
                "host manager re-attached to " + alive.size() + " running replica(s)");
        // The holder too: what it wrote before it read the new epoch belongs to the manager that is gone.
        gate.resume(lastCycle, fsm.epoch());
        if (!alive.isEmpty() && !ticking) {
            ticking = true;
            distributor.distributing(true, now);
            nextTickNs = now + periodNs;
        }
        stateDirty = true;
    }

    /** The highest epoch the journal, the state file and the re-attached replicas' status files know of. */
    private long highestEpochSeen(ManagerState prior) {
        long highest = Math.max(prior.epoch(), journalEpoch());
        for (ReplicaHandle r : replicas.values()) {
            highest = Math.max(highest, r.status.get(Field.EPOCH));
        }
        return highest;
    }

    private long journalEpoch() {
        long highest = 0;
        for (JournalEvent e : journal.events(0, Integer.MAX_VALUE)) {
            highest = Math.max(highest, e.epoch());
        }
        return highest;
    }

    /** Hands the re-attach state to its writer thread when something changed, and once a second for the cycle. */
    private void saveStateIfDue(long now) {
        if (stateWriter == null || (!stateDirty && now - stateWrittenNs < STATE_EVERY_NS)) {
            return;
        }
        stateDirty = false;
        stateWrittenNs = now;
        List<ManagerState.Replica> list = new ArrayList<>();
        for (ReplicaHandle r : replicas.values()) {
            ProcessIdentity id = r.identity;
            if (id != null && r.alive()) {
                list.add(new ManagerState.Replica(r.slot, r.incarnation, id.pid(), id.startTicks(), r.files.dir().getFileName().toString(),
                        r.address));
            }
        }
        Slot holder = gate.holder();
        ManagerState state = new ManagerState(ProcessHandle.current().pid(), self.startTicks(), ctx.shmDir.toString(),
                ctx.periodMs, ctx.launcher.kind(),
                ctx.launcher.replicaArgs(), fsm.epoch(), holder != null && replicas.containsKey(holder) ? holder : null,
                fsm.primary(), cycle, fsm.state() != FailoverState.STARTING, System.currentTimeMillis(), list);
        try {
            stateWriter.execute(() -> {
                try {
                    state.write(ctx.runDir);
                } catch (UncheckedIOException e) {
                    LOG.error("re-attach state not saved: {}", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("re-attach state not saved: closing");
        }
    }

    private final ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid())
            .orElse(new ProcessIdentity(ProcessHandle.current().pid(), 0));

    /** The gate's chosen output: acknowledgements to whoever asked, the rest to the board's paced writer. */
    private void writerOffer(long cycle, Slot from, long epoch, DirectBuffer frames, int offset, int length, long nowNs) {
        if (aborted) {
            outputsAfterAbort++;
            return;
        }
        offerCycle = cycle;
        offerFrom = from;
        offerEpoch = epoch;
        offerNs = nowNs;
        router.route(frames, offset, length, nowNs, toBoard);
    }

    private long offerCycle;
    private Slot offerFrom;
    private long offerEpoch;
    private long offerNs;
    /** The board's share of the output being offered (fields above), without a capturing lambda per cycle. */
    private final OutputRouter.BoardSink toBoard = this::offerToBoard;

    private void offerToBoard(DirectBuffer frames, int offset, int length) {
        if (!ctx.allowArming) {
            byte[] bytes = new byte[length];
            frames.getBytes(offset, bytes);
            byte[] kept = BoardCommands.withoutArming(bytes);
            if (kept.length != bytes.length && armingWithheld++ == 0) {
                journal.append("ARMING", "NOT_ALLOWED", fsm.state().name(), fsm.state().name(), fsm.epoch(), offerCycle,
                        offerFrom.name(), "arm command of replica " + offerFrom + " withheld from the board: arming needs --arm",
                        Map.of());
            }
            writer.offer(offerCycle, offerFrom, offerEpoch, new org.agrona.concurrent.UnsafeBuffer(kept), 0, kept.length, offerNs);
            return;
        }
        writer.offer(offerCycle, offerFrom, offerEpoch, frames, offset, length, offerNs);
    }

    /** A request from the ground station (its link's thread): to both replicas, like a board frame. */
    private boolean onGcsRequest(byte[] frame, int offset, int length, int messageId, Object payload, int system,
            int component, long rxNs) {
        if (!distributor.frame(frame, offset, length, rxNs, rxNs, true)) {
            return false;
        }
        requests.seen(ClientRequests.requestId(payload, system, component), messageId, system, component,
                RequestLedger.Origin.GCS, rxNs);
        return true;
    }

    /** Connects to the board and launches both replicas; the mission starts when they are ready. */
    public void start() {
        if (attachedFrom != null && attachedFrom.started()) {
            // The replicas are flying and the board is waiting: resume first, warm up beside it at the lowest priority.
            Thread warmUp = new Thread(() -> {
                ThreadPriority.applyToCurrentThread(ctx.priority, ThreadPriority.STARTING_NICE, "MAVLink warm-up");
                warmUpCodec();
            }, "mavlink-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        } else {
            warmUpCodec();
        }
        long now = clock.nanoTime();
        startedNs = now;
        board.start(new BoardListener());
        if (gcs != null) {
            gcs.start(this::onGcsRequest);
        }
        journal.append("START", Cause.START.name(), null, FailoverState.STARTING.name(), fsm.epoch(), cycle, null,
                "host manager " + (attachedFrom != null ? "re-attaching" : "starting") + ": board " + ctx.board + " paced at " + ctx.linkRateBitsPerSec + " bit/s"
                        + (board.signing() ? ", signed" : "") + ", period " + ctx.periodMs + " ms, policy "
                        + ctx.failover.policy() + (ctx.surviveRestart ? ", replicas survive a restart of the manager" : ""),
                Map.of("periodMs", ctx.periodMs, "linkRateBitsPerSec", ctx.linkRateBitsPerSec));
        if (attachedFrom != null && attachedFrom.started()) {
            resumeAttached(now);
        } else {
            if (attachedFrom != null) {
                // Nothing flew yet: the mission starts afresh (launching replaces, and kills, what was found).
                journal.append("MANAGER", Cause.MANAGER_RESTART.name(), FailoverState.STARTING.name(), FailoverState.STARTING.name(),
                        fsm.epoch(), cycle, null, "the host manager pid " + attachedFrom.managerPid()
                                + " was gone before the mission started: starting it afresh", Map.of());
            }
            fsm.begin(now);
        }
    }

    /**
     * The messages the host decodes or encodes while flying: the board's telemetry the status shows (heartbeats on the
     * link's thread), requests on the board's and the ground station's links, acknowledgements on the conductor, the
     * abort's COMMAND_LONG.
     */
    static final int[] MESSAGES_HANDLED = {AircraftTelemetry.HEARTBEAT, AircraftTelemetry.SYS_STATUS,
            AircraftTelemetry.ATTITUDE, AircraftTelemetry.LOCAL_POSITION_NED, ClientRequests.COMMAND_LONG,
            ClientRequests.MISSION_ITEM_INT, ClientRequests.COMMAND_ACK, ClientRequests.MISSION_ACK};

    /**
     * Pays the MAVLink library's first-use costs ({@link MavlinkCodec#warmUp}, about a quarter of a second here) before
     * any link or replica runs; when re-attaching to flying replicas, beside the resumed links instead.
     */
    private void warmUpCodec() {
        long t0 = clock.nanoTime();
        MavlinkCodec.warmUp(MESSAGES_HANDLED);
        LOG.debug("MAVLink codec warmed up for messages {} in {} ms", java.util.Arrays.toString(MESSAGES_HANDLED),
                (clock.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public String roleName() {
        return "host-manager";
    }

    /** On the conductor thread, before its first duty cycle. */
    @Override
    public void onStart() {
        ThreadPriority.applyToCurrentThread(ctx.priority, ThreadPriority.CONDUCTOR_NICE, "host manager conductor");
        ThreadPriority.applyToOwnVmThread(ctx.priority, ThreadPriority.CONDUCTOR_NICE);
        long tid = ThreadPriority.currentTid();
        if (ctx.priority != ThreadPriority.Mode.OFF && tid > 0
                && Boolean.parseBoolean(System.getProperty(FailoverBoost.ENABLED_PROPERTY, "true"))) {
            boost = new FailoverBoost(clock, tid, ThreadPriority.niceOf(0), periodNs);
            publishReplicas();
        }
    }

    /** Tells the failover boost which replicas to watch, after a slot changed hands. */
    private void publishReplicas() {
        FailoverBoost b = boost;
        if (b != null) {
            b.replicas(List.copyOf(replicas.values()));
        }
    }

    /**
     * The conductor's idle strategy, used on its thread: after a duty cycle that did nothing it sleeps until the
     * next thing due on the clock (the next tick, the paced writer's next hand-over, an output's deadline at the
     * gate), at most {@code maxSleepNs} (the API's commands, the failover state machine's timeouts and the crash
     * probe are looked at no later than that), and less when a replica writes to its output ring or dies: both
     * rings' doorbells and both replicas' lifelines end the sleep.
     */
    public org.agrona.concurrent.IdleStrategy idleStrategy(long maxSleepNs) {
        if (maxSleepNs <= 0) {
            throw new IllegalArgumentException("the conductor's longest sleep must be positive, not " + maxSleepNs + " ns");
        }
        return Doorbell.idleStrategy(2 * Slot.values().length, () -> sleepBudgetNs(maxSleepNs), group -> {
            boolean pending = false;
            for (ReplicaHandle r : replicas.values()) {
                group.prepare(r.output.doorbell());
                group.watch(r.status.lifeline());
                // Not "pending" for a dead holder: one that died while starting stays here until its relaunch (up to
                // a second later), and the conductor would spin; a death between the duty cycle and the watch costs
                // at most one sleep of the cap. Nor for an output the replica has claimed but not committed (it was
                // preempted or killed mid-write): its commit rings the doorbell (RingFile.readable).
                pending |= r.output.readable();
            }
            return pending;
        });
    }

    /**
     * How long the conductor may sleep now: until the first of the next tick, the paced writer's next hand-over and
     * the gate's next output deadline, at most {@code capNs}. A deadline already passed gives zero: the next duty
     * cycle handles it at once.
     */
    long sleepBudgetNs(long capNs) {
        long now = clock.nanoTime();
        long until = now + capNs;
        if (ticking) {
            until = Math.min(until, nextTickNs);
        }
        until = Math.min(until, writer.nextHandOverNs());
        until = Math.min(until, gate.nextDeadlineNs());
        return Math.max(0, until - now);
    }

    @Override
    public int doWork() {
        final long startNs = clock.nanoTime();
        long now = startNs;
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
            work++;
            now = clock.nanoTime();
        }
        standInHeartbeat(now);
        if (ticking && now >= nextTickNs) {
            cycle++;
            distributor.tick(cycle, now, ctx.periodMs);
            nextTickNs += periodNs;
            if (now - nextTickNs > periodNs) {
                tickOverruns++;
                nextTickNs = now + periodNs;
            }
            work++;
        }
        final long readNs = now;
        for (ReplicaHandle r : replicas.values()) {
            work += r.output.ring().read((type, buffer, index, length) -> onReplicaMessage(r, type, buffer, index, length, readNs), 64);
        }
        work += gate.poll(now);
        work += writer.poll(now);
        fsm.poll(now, view(Slot.A, now), view(Slot.B, now));
        prepareRetiredInSlack(now);
        FailoverBoost b = boost;
        if (b != null) {
            b.endIfDue(now);
        }
        if (now >= nextStatusNs) {
            nextStatusNs = now + STATUS_EVERY_NS;
            reportTlogDrops();
            commandGaps.endPeriod(now, writer.lastOutputNs(), writer.takeMaxOutputIntervalNs());
            snapshot = buildStatus(now);
            saveStateIfDue(now);
        }
        return work;
    }

    /**
     * The companion heartbeat from the host while no replica output reaches the board. Offered only to an empty
     * queue, before this pass's outputs: never after a cycle's setpoint in one write, where the replay would take it
     * for part of that cycle's output.
     */
    private void standInHeartbeat(long now) {
        if (!linkUp || writer.queued() > 0) {
            return;
        }
        MavState state = heartbeatStandIn.due(now, writer.lastOutputNs(), aborted);
        if (state != null) {
            writer.offerOwn(BoardCommands.heartbeat(ownSequence++, state), now);
        }
    }

    private void onReplicaMessage(ReplicaHandle r, int type, DirectBuffer buffer, int index, int length, long now) {
        switch (type) {
            case MessageTypes.OUTPUT -> gate.onOutput(r.slot,
                    buffer.getLong(index + Messages.OUTPUT_CYCLE),
                    buffer.getLong(index + Messages.OUTPUT_EPOCH),
                    buffer.getLong(index + Messages.OUTPUT_HASH),
                    buffer.getLong(index + Messages.OUTPUT_ODS_HASH),
                    (buffer.getInt(index + Messages.OUTPUT_FLAGS) & Messages.FLAG_ACCEPTED) != 0,
                    buffer, index + Messages.OUTPUT_FRAMES, length - Messages.OUTPUT_FRAMES, now);
            case MessageTypes.TAKEOVER_REQUEST -> {
                r.takeoverEpoch = buffer.getLong(index + Messages.TAKEOVER_EPOCH);
                r.takeoverRequestedNs = now;
                journal.append("REQUEST", Cause.TAKEOVER_REQUEST.name(), fsm.state().name(), fsm.state().name(),
                        buffer.getLong(index + Messages.TAKEOVER_EPOCH), buffer.getLong(index + Messages.TAKEOVER_CYCLE),
                        r.slot.name(), "replica " + r.slot + " asks to take over: peer silent "
                                + buffer.getLong(index + Messages.TAKEOVER_PEER_SILENT_NS) / 1_000_000 + " ms", Map.of());
            }
            default -> LOG.warn("replica {}: unknown message type {} skipped", r.slot, type);
        }
    }

    private SlotView view(Slot s, long now) {
        ReplicaHandle r = replicas.get(s);
        if (r == null) {
            return retired.containsKey(s) ? SlotView.STARTING : SlotView.ABSENT;
        }
        ReplicaState st = r.state();
        if (st == ReplicaState.READY && !r.prioritised && r.sandbox != null) {
            // Ready means its agent thread runs: raise its priority from out here (a jailed replica
            // has no privilege of its own), on the launcher thread since it reads /proc.
            r.prioritised = true;
            SandboxLauncher.Sandbox sandbox = r.sandbox;
            launcherThread.execute(() -> sandbox.running(ctx.priority, "replica-" + s));
        }
        boolean takeover = r.takeoverRequestedNs != Long.MIN_VALUE && now - r.takeoverRequestedNs < 10 * periodNs
                && r.takeoverEpoch == gate.epoch();
        long drops = distributor.drops(s);
        boolean lost = drops != r.dropsSeen;
        r.dropsSeen = drops;
        boolean alive = r.alive() && !r.dying(now, ctx.crashProbeAfterNs, ctx.failover.suspectAfterNs());
        return new SlotView(alive, st == ReplicaState.READY || st == ReplicaState.RUNNING
                || st == ReplicaState.AWAITING_CHECKPOINT, st == ReplicaState.RUNNING,
                r.sandbox == null ? 0 : r.heartbeatAgeNs(now), gate.syncStreak(s), gate.takeDivergence(s),
                gate.acceptanceFailStreak(s), gate.holderMissStreak(s), takeover, lost);
    }

    /**
     * Launches a first incarnation in {@code slot} (at start, or when nothing is retired there): its files and handle
     * at once, on the conductor, its sandbox on the launcher thread.
     */
    private void launchFirst(Slot slot) {
        int incarnation = incarnations.merge(slot, 1, Integer::sum);
        install(slot, ReplicaHandle.prepare(slot, incarnation, filesOf(slot, incarnation), channels), 0);
    }

    private ReplicaFiles filesOf(Slot slot, int incarnation) {
        return new ReplicaFiles(SharedFiles.privateDirectory(ctx.shmDir.resolve(slot + "-" + incarnation)));
    }

    /** On the conductor: the new incarnation takes the slot; its sandbox is launched after {@code delayMs}. */
    private void install(Slot slot, ReplicaHandle.Prepared prepared, long delayMs) {
        ReplicaHandle handle = prepared.install(channels);
        replicas.put(slot, handle);
        publishReplicas();
        gate.resetStreak(slot);
        stateDirty = true;
        int incarnation = handle.incarnation;
        ReplicaFiles files = handle.files;
        launcherThread.schedule(() -> {
            try {
                SandboxLauncher.Sandbox sandbox = ctx.launcher.launch(slot, incarnation, files);
                handle.identity = ProcessIdentity.of(sandbox.pid()).orElse(null);
                handle.sandbox = sandbox;
                if (stateWriter != null) {
                    commands.add(() -> stateDirty = true);
                }
            } catch (RuntimeException e) {
                handle.launchError = e.getMessage();
                LOG.error("cannot launch replica {}: {}", slot, e.getMessage());
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The successor of the incarnation retired in {@code slot}. The conductor only closes the lost one's channel
     * endpoint (its peer's sends say CLOSED from now on; the grant to it goes with the next ROLE); the file work —
     * unmapping and deleting the lost one's rings and endpoint, creating the successor's directory, rings, status
     * file and endpoint — runs on the launcher thread, and the conductor installs the result when it is done. The
     * slot looks {@link SlotView#STARTING} meanwhile. Measured with temporary timers when all of it ran on the
     * conductor (jails, 50 Hz, kill drills): 1.3–4.6 ms of its CPU and 1.4–20.6 ms of its time.
     */
    private void prepareSuccessor(Slot slot, ReplicaHandle old) {
        Runnable releaseEndpoint = channels.withdrawLeavingFile(old.address);
        int incarnation = incarnations.merge(slot, 1, Integer::sum);
        launcherThread.execute(() -> {
            old.close();
            releaseEndpoint.run();
            // Its rings are of no use to anyone now (its log and status stay for a post-mortem).
            deleteRings(old.files);
            ReplicaHandle.Prepared prepared;
            try {
                prepared = ReplicaHandle.prepare(slot, incarnation, filesOf(slot, incarnation), channels);
            } catch (RuntimeException e) {
                LOG.error("cannot create the files of replica {}'s incarnation {}: {}", slot, incarnation, e.getMessage());
                // The slot goes absent: the state machine relaunches it (at most once a second).
                commands.add(() -> retired.remove(slot));
                return;
            }
            commands.add(() -> {
                if (retired.remove(slot) == null) {
                    prepared.discard(); // the manager is closing
                    return;
                }
                install(slot, prepared, ctx.relaunchDelayMs);
            });
        });
    }

    /**
     * The successors of retired incarnations are prepared once the cycle's output has gone to the board with at least
     * half a period to the next tick, or at the latest {@link #RETIRED_PREPARE_WAIT_PERIODS} periods after the
     * failover (nobody holds the I/O, outputs are missing): the launcher thread's file work then shares the CPU with
     * the slack, not with the new holder's first output.
     */
    private void prepareRetiredInSlack(long now) {
        if (retiredAwaitingSuccessor.isEmpty()) {
            return;
        }
        boolean slack = gate.lastSentCycle() >= cycle && nextTickNs - now >= periodNs / 2;
        if (ticking && !slack && now - retiredAtNs < RETIRED_PREPARE_WAIT_PERIODS * periodNs) {
            return;
        }
        for (Slot s : Slot.values()) {
            if (retiredAwaitingSuccessor.remove(s)) {
                prepareSuccessor(s, retired.get(s));
            }
        }
    }

    /** The state machine's hands. */
    private final class Actions implements FailoverStateMachine.Actions {
        @Override
        public void launch(Slot slot) {
            if (retired.containsKey(slot)) {
                return; // its successor is on its way
            }
            ReplicaHandle old = replicas.remove(slot);
            publishReplicas();
            if (old == null) {
                launchFirst(slot);
                return;
            }
            // Retired at once (no more input; a live process is killed); the rest waits for the cycle's slack.
            distributor.detach(slot);
            SandboxLauncher.Sandbox sb = old.sandbox;
            if (sb != null && sb.isAlive()) {
                sb.kill();
            }
            retired.put(slot, old);
            retiredAwaitingSuccessor.add(slot);
            retiredAtNs = clock.nanoTime();
        }

        @Override
        public void kill(Slot slot) {
            ReplicaHandle r = replicas.get(slot);
            if (r != null && r.sandbox != null) {
                r.sandbox.kill();
            }
        }

        @Override
        public void assign(long epoch, Slot holder) {
            stateDirty = true;
            gate.assign(epoch, holder, clock.nanoTime());
            distributor.holder(holder);
            sendRoles(epoch, holder);
        }

        @Override
        public void restartSync(Slot slot) {
            gate.resetStreak(slot);
        }

        @Override
        public void start(Slot slot, StartMode mode) {
            ReplicaHandle r = replicas.get(slot);
            if (r == null) {
                return;
            }
            gate.resetStreak(slot);
            distributor.locked(d -> {
                d.attach(slot, r.input);
                if (!linkUp) {
                    d.control(slot, (m, ring) -> m.link(ring, false, clock.nanoTime()));
                }
                sendRoles(gate.epoch(), gate.holder());
                int code = switch (mode) {
                    case FRESH -> MessageTypes.START_FRESH;
                    case COLD_LAND -> MessageTypes.START_COLD_LAND;
                    case FROM_CHECKPOINT -> MessageTypes.START_FROM_CHECKPOINT;
                };
                if (mode == StartMode.COLD_LAND) {
                    d.coldStart(cycle, clock.nanoTime());
                }
                d.control(slot, (m, ring) -> m.start(ring, code, gate.epoch()));
                if (mode == StartMode.FROM_CHECKPOINT && gate.holder() != null) {
                    d.control(gate.holder(), (m, ring) -> m.sendCheckpoint(ring, cycle));
                }
            });
            if (!ticking) {
                ticking = true;
                distributor.distributing(true, clock.nanoTime());
                nextTickNs = clock.nanoTime() + periodNs;
            }
        }

        @Override
        public void event(String type, Cause cause, FailoverState from, FailoverState to, Slot slot, String message,
                Map<String, Object> figures) {
            Map<String, Object> f = new LinkedHashMap<>(figures);
            if ("FAILOVER".equals(type) || "FAILBACK".equals(type) || "RECOVERY".equals(type)) {
                f.put("lastSentCycle", gate.lastSentCycle());
                f.put("inputLostTotal", inputLostTotal());
            }
            journal.append(type, cause.name(), from.name(), to.name(), fsm == null ? 0 : fsm.epoch(), cycle,
                    slot == null ? null : slot.name(), message, f);
        }
    }

    private void sendRoles(long epoch, Slot holder) {
        ReplicaHandle.grantPeers(replicas, channels);
        distributor.locked(d -> {
            for (Slot s : Slot.values()) {
                ReplicaHandle peer = replicas.get(s.other());
                String peerAddress = peer == null ? "" : peer.address.toString();
                int peerIncarnation = peer == null ? -1 : peer.incarnation;
                d.control(s, (m, ring) -> m.role(ring, epoch, s == holder, peerIncarnation, peerAddress));
            }
        });
    }

    /** Runs an action on the conductor thread and waits for it. */
    private <T> T onConductor(Supplier<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        commands.add(() -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the host manager did not answer within 5 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public JournalEvent injectFault(Fault fault) {
        return onConductor(() -> switch (fault) {
            case BOARD_NOISE, BOARD_UNPLUG -> injectBoardFault(fault);
            default -> injectReplicaFault(fault);
        });
    }

    /** A fault of the board link: it needs no replica, and names none. Conductor thread. */
    private JournalEvent injectBoardFault(Fault fault) {
        long now = clock.nanoTime();
        fsm.faultInjected(now);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("faultMonoNs", now);
        // Journalled before it acts: the link's own thread reports the LINK_DOWN it causes at once.
        JournalEvent event = journal.append("FAULT", Cause.OPERATOR.name(), fsm.state().name(), fsm.state().name(),
                fsm.epoch(), cycle, null, fault.wireName() + ": " + fault.description() + " (board " + ctx.board + ")", figures);
        if (fault == Fault.BOARD_UNPLUG) {
            board.unplug(BOARD_UNPLUG_NS);
        } else {
            byte[] noise = new byte[300];
            noiseRandom.nextBytes(noise);
            board.injectNoise(noise);
        }
        return event;
    }

    /** A fault of a replica (or both): it needs the replica it targets running. Conductor thread. */
    private JournalEvent injectReplicaFault(Fault fault) {
        Slot primary = fsm.primary();
        Slot target = switch (fault) {
            case KILL_SHADOW, HANG_SHADOW, STALL_SHADOW -> primary.other();
            default -> primary;
        };
        ReplicaHandle r = replicas.get(target);
        if (r == null || r.sandbox == null) {
            throw new IllegalArgumentException("cannot " + fault.wireName() + ": replica " + target + " is not running");
        }
        long now = clock.nanoTime();
        switch (fault) {
            case KILL_PRIMARY -> {
                fsm.faultInjected(now);
                r.sandbox.kill();
            }
            // Faults of the shadow change no holder: they start no detection clock.
            case KILL_SHADOW -> r.sandbox.kill();
            case HANG_SHADOW -> r.sandbox.stop();
            case STALL_SHADOW -> distributor.control(target, (m, ring) -> m.fault(ring, MessageTypes.FAULT_STALL, 100));
            case HANG_PRIMARY -> {
                r.sandbox.stop();
                fsm.faultInjected(clock.nanoTime());
            }
            case RESUME_PRIMARY, RESUME_SHADOW -> {
                ReplicaHandle stopped = findStopped();
                if (stopped == null) {
                    throw new IllegalArgumentException(fault.wireName() + ": no stopped replica to resume");
                }
                stopped.sandbox.resume();
                r = stopped;
            }
            case KILL_BOTH -> {
                fsm.faultInjected(now);
                for (ReplicaHandle each : replicas.values()) {
                    if (each.sandbox != null) {
                        each.sandbox.kill();
                    }
                }
            }
            case CORRUPT_PRIMARY -> replicaFault(target, MessageTypes.FAULT_CORRUPT_NAN, 50, now);
            case RANGE_PRIMARY -> replicaFault(target, MessageTypes.FAULT_CORRUPT_RANGE, 50, now);
            case FREEZE_PRIMARY -> replicaFault(target, MessageTypes.FAULT_CORRUPT_FROZEN, 50, now);
            case STALL_PRIMARY -> replicaFault(target, MessageTypes.FAULT_STALL, 100, now);
            case OOM_PRIMARY -> replicaFault(target, MessageTypes.FAULT_OOM, 0, now);
            case DIVERGE_PRIMARY -> replicaFault(target, MessageTypes.FAULT_DIVERGE, 0, now);
            case CUT_CHANNEL -> {
                fsm.faultInjected(now);
                for (Slot s : replicas.keySet()) {
                    distributor.control(s, (m, ring) -> m.fault(ring, MessageTypes.FAULT_CUT_CHANNEL, 100));
                }
            }
            case BOARD_NOISE, BOARD_UNPLUG -> throw new IllegalStateException(fault + " is a board fault");
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("pid", r.pid());
        figures.put("faultMonoNs", now);
        return journal.append("FAULT", Cause.OPERATOR.name(), fsm.state().name(), fsm.state().name(), fsm.epoch(),
                cycle, r.slot.name(), fault.wireName() + ": " + fault.description() + " (pid " + r.pid() + ")", figures);
    }

    @Override
    public JournalEvent abort() {
        CompletableFuture<String> ack = new CompletableFuture<>();
        landAck = ack;
        long t0 = clock.nanoTime();
        onConductor(() -> {
            aborted = true;
            return journal.append("ABORT", Cause.OPERATOR.name(), fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle,
                    null, "abort: replica outputs stopped, commanding the board to land", Map.of());
        });
        String result = "NO_ACK";
        int attempts = 0;
        while (attempts < ctx.abortAttempts) {
            int confirmation = attempts++;
            onConductor(() -> {
                writer.offerOwn(BoardCommands.landCommand(ownSequence++, confirmation), clock.nanoTime());
                return null;
            });
            try {
                result = ack.get(ctx.abortAckTimeoutNs, TimeUnit.NANOSECONDS);
                break;
            } catch (TimeoutException e) {
                LOG.warn("abort: no COMMAND_ACK for MAV_CMD_NAV_LAND within {} ms (attempt {})",
                        TimeUnit.NANOSECONDS.toMillis(ctx.abortAckTimeoutNs), attempts);
            } catch (ExecutionException e) {
                result = "ERROR";
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        landAck = null;
        long ackMs = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - t0);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("result", result);
        figures.put("attempts", attempts);
        figures.put("ackMs", ackMs);
        String message = "ACCEPTED".equals(result) ? "board accepted MAV_CMD_NAV_LAND after " + ackMs + " ms: landing"
                : "NO_ACK".equals(result) ? "board did not acknowledge MAV_CMD_NAV_LAND after " + attempts
                        + " attempts: land it by RC or the ground station"
                : "board answered " + result + " to MAV_CMD_NAV_LAND: land it by RC or the ground station";
        String answer = result;
        return onConductor(() -> journal.append("ABORT", "ACCEPTED".equals(answer) ? "LAND_ACCEPTED" : "LAND_NOT_ACCEPTED",
                fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null, message, figures));
    }

    /** Whether an abort stopped the replicas' outputs. */
    public boolean aborted() {
        return aborted;
    }

    @Override
    public String failbackPolicy(String policy) {
        FailbackPolicy p = switch (policy == null ? "" : policy.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "revertive" -> FailbackPolicy.REVERTIVE;
            case "non-revertive" -> FailbackPolicy.NON_REVERTIVE;
            default -> throw new IllegalArgumentException("unknown failback policy '" + policy
                    + "'; expected revertive or non-revertive");
        };
        return onConductor(() -> {
            fsm.policy(p);
            snapshot = buildStatus(clock.nanoTime());
            return policyName(fsm.config().policy());
        });
    }

    private static String policyName(FailbackPolicy p) {
        return p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private void replicaFault(Slot target, int kind, int cycles, long now) {
        fsm.faultInjected(now);
        distributor.control(target, (m, ring) -> m.fault(ring, kind, cycles));
    }

    private ReplicaHandle findStopped() {
        for (ReplicaHandle r : replicas.values()) {
            if (fsm.health(r.slot) == ReplicaHealth.STOPPED || fsm.health(r.slot) == ReplicaHealth.SUSPECT) {
                return r;
            }
        }
        return null;
    }

    private void reportTlogDrops() {
        long dropped = flightLog == null ? 0 : flightLog.recorder().dropped();
        if (dropped != tlogDropsReported) {
            journal.append("LOG", "TLOG_DROPS", fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null,
                    "flight log " + ctx.tlog + " could not keep " + (dropped - tlogDropsReported) + " records (writer behind)",
                    Map.of("tlogDropped", dropped));
            tlogDropsReported = dropped;
        }
    }

    /** The flight log's recorder, or null when the link is not recorded. */
    public io.pstr.core.tlog.TlogRecorder tlog() {
        return flightLog == null ? null : flightLog.recorder();
    }

    /** Board frames the aircraft's controller never got: link sequence gaps plus the holder's ring drops. */
    public long inputLostTotal() {
        return board.frameCounters().framesLostToGaps() + distributor.holderDrops();
    }

    @Override
    public SystemStatus status() {
        return snapshot;
    }

    @Override
    public List<JournalEvent> events(long afterSeq, int limit) {
        return journal.events(afterSeq, limit);
    }

    private SystemStatus buildStatus(long now) {
        List<ReplicaStatus> list = new ArrayList<>();
        java.util.Set<Long> pids = new java.util.HashSet<>();
        for (Slot s : Slot.values()) {
            ReplicaHandle r = replicas.get(s);
            String role = s == fsm.primary() ? "primary" : "shadow";
            if (r == null) {
                list.add(new ReplicaStatus(s.name(), role, false, ReplicaHealth.DOWN.name(), -1, 0, -1, 0, 0, 0, 0,
                        gate.divergentCycles(s), 0, "-", 0, false, 0, -1, -1,
                        ctx.launcher.kind(s)));
                continue;
            }
            long age = r.heartbeatAgeNs(now);
            long pid = r.pid();
            if (pid > 0) {
                pids.add(pid);
            }
            ProcessSampler.Sample usage = pid > 0 ? processes.sample(pid) : ProcessSampler.Sample.UNKNOWN;
            list.add(new ReplicaStatus(s.name(), role, s == gate.holder(), fsm.health(s).name(), pid, r.incarnation,
                    age == Long.MAX_VALUE ? -1 : age / 1_000_000, r.status.get(Field.CYCLES_RUN), r.status.get(Field.LAST_CYCLE),
                    r.status.get(Field.DEADLINE_MISSES), r.status.get(Field.ACCEPTANCE_FAILURES),
                    gate.divergentCycles(s), distributor.drops(s), phaseName(r.status.get(Field.MISSION_PHASE)),
                    r.status.get(Field.INPUT_FRAMES), r.status.get(Field.BOARD_LINK_UP) == 1, r.status.get(Field.BOARD_LINK_DOWNS),
                    usage.cpuPercent(), usage.rssKb(), ctx.launcher.kind(s), channels.counters(r.address),
                    channelDelay(r, replicas.get(s.other()))));
        }
        processes.watch(pids);
        GateStatus g = new GateStatus(gate.outputsSent(), gate.fallbackOutputs(), gate.fencedAtGate(), writer.staleDropped(),
                gate.lateDropped(), gate.missedCycles(), gate.acceptanceRejected(), gate.divergentCycles());
        LinkStatus l = linkStatus();
        Slot holder = gate.holder();
        return new SystemStatus(now, fsm.state().name(), fsm.state().code(), fsm.epoch(), holder == null ? null : holder.name(),
                fsm.primary().name(), cycle, ctx.periodMs, policyName(fsm.config().policy()), list, g, l, telemetry.snapshot(now),
                ctx.waypoints, commandGaps.status());
    }

    /** The delays of what a replica sent its peer over the direct channel, from the peer's phase log. */
    private ChannelDelay channelDelay(ReplicaHandle from, ReplicaHandle peer) {
        return peer == null ? ChannelDelay.NONE : channels.delays(from.address, peer.address);
    }

    /** The board link's counters now (conductor thread: the queue-delay histogram is its own). */
    private LinkStatus linkStatus() {
        FrameCounters fc = board.frameCounters();
        LinkCounters bc = board.byteCounters();
        org.HdrHistogram.Histogram q = writer.queueDelayNs();
        return new LinkStatus(ctx.board.toString(), linkUp, ctx.board.options().framing().name().toLowerCase(java.util.Locale.ROOT),
                board.signing(), bc.bytesIn.get(), bc.bytesOut.get(), board.framesIn(), board.framesOut(), fc.crcErrors(),
                fc.bytesSkipped(), fc.unknownMessages(), fc.sequenceGaps(), fc.framesLostToGaps(), fc.sequenceGapsBySource(),
                writer.queueDrops(), bc.writesRefused.get(), bc.bytesUnwritable.get(), board.unsignedRefused(),
                board.badSignatures(), board.replayedRefused(), board.unsignableOut(), bc.disconnects.get(), bc.connects.get(),
                bc.silences.get(), bc.sendStalls.get(), bc.writesBlocked.get(), board.lastDownReason(), q.getValueAtPercentile(50) / 1000, q.getValueAtPercentile(99) / 1000, q.getMaxValue() / 1000);
    }

    /** The board link, e.g. to tap what crosses it. */
    public FramedLink boardLink() {
        return board;
    }

    /** A replica's published mission phase by name: "-" before its first cycle, PHASE_n for a code no phase has. */
    static String phaseName(long code) {
        if (code == 0) {
            return "-";
        }
        try {
            return MissionPhase.fromCode(Math.toIntExact(code)).name();
        } catch (IllegalArgumentException | ArithmeticException e) {
            return "PHASE_" + code;
        }
    }

    /** Reads the board link on its own thread: frames are cut, stamped and fanned out at once. */
    private final class BoardListener implements FramedLink.FrameListener {
        /** When the frame being handled arrived (its last byte). */
        private long chunkNs;

        @Override
        public void onFrame(byte[] frame, int offset, int length, int messageId, long firstNs, long lastNs) {
            boolean delivered = distributor.frame(frame, offset, length, firstNs, lastNs);
            chunkNs = lastNs;
            if (gcs != null) {
                gcs.forwardTelemetry(frame, offset, length);
            }
            if (messageId < 0) {
                return;
            }
            if (delivered && ClientRequests.isRequestMessage(messageId)) {
                seenOnBoardLink(frame, offset, length, messageId);
            }
            if (messageId == BoardCommands.MSG_COMMAND_ACK && landAck != null) {
                String result = BoardCommands.landAckResult(frame, offset, length);
                CompletableFuture<String> waiting = landAck;
                if (result != null && waiting != null) {
                    waiting.complete(result);
                }
            }
            if (AircraftTelemetry.wanted(messageId)) {
                AircraftTelemetry.ModeChange change = telemetry.onFrame(frame, offset, length, lastNs);
                if (change != null) {
                    journal.append("BOARD", "MODE", fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null,
                            change.describe(), Map.of("mode", change.to(), "failsafe", change.failsafe()));
                }
            }
        }

        /** A ground station behind the board (its radio) can send requests too; they are answered on this link. */
        private void seenOnBoardLink(byte[] frame, int offset, int length, int messageId) {
            int system = ClientRequests.sourceSystem(frame, offset);
            int component = ClientRequests.sourceComponent(frame, offset);
            Object payload;
            try {
                payload = requestCodec.decodePayload(java.util.Arrays.copyOfRange(frame, offset, offset + length));
            } catch (RuntimeException e) {
                return;
            }
            if (payload != null && ClientRequests.isRequest(payload, system, component)) {
                requests.seen(ClientRequests.requestId(payload, system, component), messageId, system, component,
                        RequestLedger.Origin.BOARD, chunkNs);
            }
        }

        @Override
        public void onUp(String description) {
            linkUp = true;
            distributor.link(true, clock.nanoTime());
            journal.append("LINK", "LINK_UP", fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null,
                    "board link up: " + description, Map.of("connects", board.byteCounters().connects.get()));
        }

        @Override
        public void onDown(String reason) {
            linkUp = false;
            telemetry.linkLost();
            long now = clock.nanoTime();
            distributor.link(false, now);
            journal.append("LINK", "LINK_DOWN", fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null,
                    "board link down: " + reason + " (retrying with back-off)",
                    Map.of("downs", board.byteCounters().disconnects.get(),
                            "bytesUnwritable", board.byteCounters().bytesUnwritable.get()));
        }
    }

    public FailoverState state() {
        return fsm.state();
    }

    public Journal journal() {
        return journal;
    }

    public long cycle() {
        return cycle;
    }

    public long tickOverruns() {
        return tickOverruns;
    }

    public PacedWriter writer() {
        return writer;
    }

    public long startedNs() {
        return startedNs;
    }

    /** Client requests seen, executed, acknowledged, lost and duplicated so far. */
    public RequestLedger requests() {
        return requests;
    }

    /** The ground-station link, or null when none was configured. */
    public GroundStationLink groundStation() {
        return gcs;
    }

    public OutputRouter router() {
        return router;
    }

    /** What the host knows of the client requests and the ground station link, as journal figures. */
    public Map<String, Object> requestFigures(long nowNs) {
        Map<String, Object> f = new LinkedHashMap<>(requests.summary(nowNs));
        f.put("acksToGcs", router.acksToGcs());
        f.put("acksToGcsDropped", router.acksToGcsDropped());
        if (gcs != null) {
            f.put("gcsFramesIn", gcs.framesIn());
            f.put("gcsRequestsIn", gcs.requestsIn());
            f.put("gcsRequestsBeforeStart", gcs.requestsRefused());
            f.put("gcsOtherFramesDropped", gcs.otherFramesDropped());
            f.put("gcsGarbageBytes", gcs.garbageBytes());
            f.put("gcsCrcErrors", gcs.crcErrors());
            f.put("telemetryForwarded", gcs.telemetryForwarded());
            f.put("telemetryDropped", gcs.telemetryDropped());
        }
        return f;
    }

    /** A replica's counter from its status file, or -1 when the slot has no replica. */
    public long replicaCounter(Slot slot, Field field) {
        return onConductor(() -> {
            ReplicaHandle r = replicas.get(slot);
            return r == null ? -1L : r.status.get(field);
        });
    }

    @Override
    public void close() {
        FailoverBoost b = boost;
        if (b != null) {
            b.close();
        }
        launcherThread.shutdownNow();
        if (stateWriter != null) {
            stateWriter.shutdown();
            try {
                stateWriter.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.close();
        retired.values().forEach(ReplicaHandle::close);
        retired.clear();
        retiredAwaitingSuccessor.clear();
        for (ReplicaHandle r : replicas.values()) {
            SandboxLauncher.Sandbox sb = r.sandbox;
            if (sb != null && sb.isAlive()) {
                sb.resume();
                sb.kill();
            }
        }
        if (stateWriter != null) {
            // Closed on purpose, replicas stopped: there is nothing left to re-attach to.
            try {
                ManagerState.remove(ctx.runDir);
            } catch (UncheckedIOException e) {
                LOG.warn("{}", e.getMessage());
            }
        }
        board.close();
        channels.close();
        if (flightLog != null) {
            flightLog.close();
            reportTlogDrops();
            var r = flightLog.recorder();
            journal.append("LOG", "TLOG_CLOSED", fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null,
                    "flight log " + ctx.tlog + ": " + r.boardFramesWritten() + " board frames, " + r.hostFramesWritten()
                            + " host frames, " + r.dropped() + " dropped", Map.of("tlogDropped", r.dropped()));
        }
        if (gcs != null) {
            gcs.close();
        }
        try {
            Map<String, Object> f = requestFigures(clock.nanoTime());
            journal.append("REQUESTS", "SUMMARY", fsm.state().name(), fsm.state().name(), fsm.epoch(), cycle, null,
                    "client requests: " + f.get("requestsSeen") + " seen, " + f.get("requestsExecuted") + " executed, "
                            + f.get("requestsAcked") + " acks, " + f.get("requestsLost") + " lost, "
                            + f.get("requestsDuplicated") + " duplicated", f);
        } catch (IllegalStateException e) {
            LOG.debug("request summary not journalled: {}", e.getMessage());
        }
        if (!ctx.shmDir.equals(ctx.runDir)) {
            retireSharedMemory(ctx.runDir, ctx.shmDir);
        }
        journal.close();
        if (lock != null) {
            lock.close();
        }
    }

    private static void deleteRings(ReplicaFiles files) {
        try {
            Files.deleteIfExists(files.input());
            Files.deleteIfExists(files.output());
            // A remote replica's relay, killed, leaves its Aeron driver's files behind.
            org.agrona.IoUtil.delete(files.aeronDir().toFile(), true);
        } catch (IOException e) {
            LOG.warn("rings of the retired replica in {} left: {}", files.dir(), e.getMessage());
        }
    }

    /** The run directory's link {@code shm} to the shared-memory directory, where a run's live files are found. */
    private static void linkSharedMemory(Path runDir, Path shmDir) {
        Path link = runDir.resolve("shm");
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, shmDir);
        } catch (IOException e) {
            LOG.warn("no link {} to the shared-memory directory {}: {}", link, shmDir, e.getMessage());
        }
    }

    /**
     * Copies what each replica incarnation leaves for a post-mortem (its log, JVM log, status file; not its rings)
     * from the shared-memory directory into the run directory, then removes the shared-memory directory.
     */
    private static void retireSharedMemory(Path runDir, Path shmDir) {
        Path channelDir = ReplicaFiles.channelDirOf(shmDir);
        try (Stream<Path> dirs = Files.list(shmDir)) {
            for (Path dir : dirs.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)).toList()) {
                if (dir.getFileName().toString().startsWith(".") || dir.equals(channelDir)) {
                    continue;
                }
                Path target = SharedFiles.privateDirectory(runDir.resolve(dir.getFileName().toString()));
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                            && !f.getFileName().toString().endsWith(".ring")).toList()) {
                        Files.copy(f, target.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            SharedFiles.deleteTree(shmDir);
            Files.deleteIfExists(runDir.resolve("shm"));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("shared-memory directory {} not fully retired into {}: {}", shmDir, runDir, e.getMessage());
        }
    }
}
