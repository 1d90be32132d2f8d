package io.pstr.flightctl;

import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.DeadlineKind;
import io.pstr.core.channel.Packet;
import io.pstr.core.channel.PacketHandler;
import io.pstr.core.channel.SendResult;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaState;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;
import io.pstr.flightctl.task.FlightTask;
import io.pstr.flightctl.task.HandledRequest;
import io.pstr.flightctl.task.MissionPlan;
import io.pstr.flightctl.task.Ods;
import io.pstr.flightctl.task.StepResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of the flight-control task (the paper's TMO): reads its virtual serial port (the
 * input ring), runs one deterministic control step per host tick (the SpM), writes the cycle's
 * output tagged with its epoch, keeps its counters and heartbeat in its status file, and speaks to
 * its peer over the direct channel ({@link ShmChannel}, to the address the host's ROLE message names):
 * heartbeats every cycle, ODS checkpoints when the host asks, the state transfer of a recovering peer and,
 * while it holds the I/O, a notice of every client request it executed (id, cycle, result), which the shadow
 * checks against its own execution of the same request.
 * <p>
 * The step sees only the ODS, the cycle's frames in arrival order and the cycle number: time
 * enters only through the injected clock, for heartbeats and the deadline counter.
 */
public final class ReplicaAgent implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaAgent.class);
    /** Cycles a replica waiting for a checkpoint keeps; beyond that it cannot catch up and waits for another. */
    static final int MAX_BUFFERED_CYCLES = 500;
    /** Peer heartbeats missed (in cycles) before a shadow asks the host to take over. */
    static final int TAKEOVER_AFTER_MISSED_CYCLES = 3;
    /**
     * Heartbeats a shadow hears from a new peer before it judges its silence: the first cycles of a mission
     * (or of a restarted peer) run code neither JVM has run before, on a machine where both are compiling
     * it, and a 60 ms stall there is start-up, not a hang. The host's own hang timeout still applies.
     */
    static final int HEARTBEATS_BEFORE_JUDGING = 25;
    private static final int PEER_BATCH = 1024;
    /** Throwaway control steps run before READY (see {@link WarmUp}). */
    static final int WARM_UP_CYCLES = 500;
    private static final int INPUT_BATCH = 256;

    /** Executions of client requests remembered for checking the holder's notices. */
    static final int EXECUTIONS_KEPT = 256;

    private record Batch(long cycle, int periodMs, List<byte[]> frames) {
    }

    /** A client request executed in a cycle (by this replica, or by the holder as its notice says). */
    private record Execution(long cycle, int requestId, int result) {
    }

    private final String slot;
    private final NanoClock clock;
    private final RingFile input;
    private final RingFile output;
    private final ShmChannel channel;
    private final PacketHandler peerHandler = this::onPeerMessage;
    private final ReplicaStatusFile status;
    private final MissionPlan plan;
    private final Messages writer = new Messages();
    private final FlightTask task;

    private ReplicaState state = ReplicaState.READY;
    private Ods ods;
    private long epoch;
    private boolean holder;
    private int peerIncarnation = -1;
    private ChannelAddress peer;
    private boolean checkpointRequested;
    private long lastPeerHeartbeatCycle = -1;
    /** Heartbeats heard from the current peer incarnation. */
    private long peerHeartbeatsHeard;
    private long takeoverRequestedEpoch = -1;
    /** The cycle of the last takeover request: a heartbeat of a later cycle means the host kept the holder, alive. */
    private long takeoverRequestedCycle = -1;
    private long lastCycle;
    private long lastTickHostNs;
    private int periodMs = 20;
    private List<byte[]> currentFrames = new ArrayList<>();
    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private int corruptionCyclesLeft;
    private int stallCyclesLeft;
    private int channelCutCyclesLeft;
    /** This cycle's sends are cut off (the channel-cut fault). */
    private boolean channelCut;
    private Checkpoint earlyCheckpoint;
    private final ArrayDeque<Execution> executions = new ArrayDeque<>();
    private final ArrayDeque<Execution> notices = new ArrayDeque<>();
    /** Cycle the current ODS started after (0 fresh, or the checkpoint's): earlier notices cannot be checked. */
    private long startedAfterCycle;

    public ReplicaAgent(String slot, ReplicaFiles files, MissionPlan plan, NanoClock clock) {
        this.slot = slot;
        this.clock = clock;
        this.plan = plan;
        this.task = new FlightTask(plan);
        this.input = RingFile.open(files.input());
        this.output = RingFile.open(files.output());
        this.channel = ShmChannel.open(files.channelDir(), files.readChannelAddress(), clock);
        this.status = ReplicaStatusFile.open(files.status());
        status.set(Field.PID, ProcessHandle.current().pid());
        status.set(Field.HEARTBEAT_NS, clock.nanoTime());
        status.set(Field.BOARD_LINK_UP, 1);
        // The futex's native library loads here, before READY: its first sleep in flight must not pay ~100 ms for it.
        if (!Doorbell.wakesSleepers()) {
            LOG.warn("replica {}: no futex here: polls its input ring instead of sleeping until the host writes", slot);
        }
        long warmNs = clock.nanoTime();
        WarmUp.Result warm = WarmUp.run(plan, WARM_UP_CYCLES);
        LOG.info("replica {}: control step warmed up ({} throwaway cycles through {}, {} requests, in {} ms)", slot,
                WARM_UP_CYCLES, warm.phases(), warm.requestsHandled(), (clock.nanoTime() - warmNs) / 1_000_000);
        status.set(Field.HEARTBEAT_NS, clock.nanoTime());
    }

    /**
     * Ready once the agent's own thread runs: the host then finds that thread by its name (the role name)
     * to raise its scheduling priority from outside the sandbox.
     */
    @Override
    public void onStart() {
        // From here the kernel tells the host at once when this thread exits, however the replica dies.
        if (!status.lifeline().hold()) {
            LOG.warn("replica {}: no lifeline (robust futex): the host notices this replica's death by polling", slot);
        }
        status.set(Field.HEARTBEAT_NS, clock.nanoTime());
        publishState(ReplicaState.READY);
    }

    @Override
    public String roleName() {
        return "replica-" + slot;
    }

    /**
     * Sleeps, when a duty cycle found nothing, until the host writes to the input ring (frames, ticks, commands), the
     * peer's packet arrives on the channel, or {@code maxSleepNs} passes: the cap is how stale the heartbeat gets.
     * Where one sleep cannot wait on both ({@code futex_waitv} missing) the input ring alone wakes it, and the cap is
     * also how late the peer's packets are read.
     */
    public org.agrona.concurrent.IdleStrategy idleStrategy(long maxSleepNs) {
        if (!Doorbell.sleepsOnSeveral()) {
            return input.idleStrategy(maxSleepNs);
        }
        return Doorbell.idleStrategy(2, maxSleepNs, group -> input.prepareAndLook(group) || channel.prepareAndLook(group));
    }

    @Override
    public int doWork() {
        status.set(Field.HEARTBEAT_NS, clock.nanoTime());
        int work = channel.poll(peerHandler, PEER_BATCH);
        int inputs = input.ring().read(this::onInput, INPUT_BATCH);
        if (inputs < INPUT_BATCH) {
            // Only a replica that has caught up with its input can judge its peer's silence.
            watchPeer();
        }
        if (work + inputs == 0) {
            // About to idle: take in the peer's reports of our packets now, not on the next send's path.
            channel.takeReports();
        }
        return work + inputs;
    }

    @Override
    public void onClose() {
        publishState(ReplicaState.STOPPED);
        channel.close();
        input.close();
        output.close();
        status.close();
    }

    private void onInput(int type, org.agrona.MutableDirectBuffer buffer, int index, int length) {
        switch (type) {
            case MessageTypes.FRAME -> {
                byte[] frame = new byte[length - Messages.FRAME_BYTES];
                buffer.getBytes(index + Messages.FRAME_BYTES, frame);
                currentFrames.add(frame);
                status.increment(Field.INPUT_FRAMES);
            }
            case MessageTypes.TICK -> onTick(buffer.getLong(index + Messages.TICK_CYCLE),
                    buffer.getLong(index + Messages.TICK_HOST_NS), buffer.getInt(index + Messages.TICK_PERIOD_MS));
            case MessageTypes.ROLE -> onRole(buffer.getLong(index + Messages.ROLE_EPOCH),
                    buffer.getInt(index + Messages.ROLE_HOLDER) == 1,
                    buffer.getInt(index + Messages.ROLE_PEER_INCARNATION),
                    buffer.getStringUtf8(index + Messages.ROLE_PEER_ADDRESS));
            case MessageTypes.SEND_CHECKPOINT -> checkpointRequested = true;
            case MessageTypes.START -> onStartCommand(buffer.getInt(index + Messages.START_MODE));
            case MessageTypes.FAULT -> onFault(buffer.getInt(index + Messages.FAULT_KIND), buffer.getInt(index + Messages.FAULT_CYCLES));
            case MessageTypes.LINK -> onLink(buffer.getInt(index + Messages.LINK_UP) == 1);
            default -> LOG.warn("replica {}: unknown input message type {} ({} bytes) skipped", slot, type, length);
        }
    }

    /** The host says the board link went down or came back: recorded; the task keeps stepping on its ticks. */
    private void onLink(boolean up) {
        status.set(Field.BOARD_LINK_UP, up ? 1 : 0);
        if (!up) {
            status.increment(Field.BOARD_LINK_DOWNS);
        }
        LOG.info("replica {}: board link {}", slot, up ? "up" : "DOWN");
    }

    /** Injected faults (the host's fault-injection messages): each one real inside this process. */
    private void onFault(int kind, int cycles) {
        switch (kind) {
            case MessageTypes.FAULT_STALL -> {
                stallCyclesLeft = Math.max(0, cycles);
                LOG.warn("replica {}: stall injected: each step takes 1.5 periods for {} cycles", slot, stallCyclesLeft);
            }
            case MessageTypes.FAULT_OOM -> {
                LOG.warn("replica {}: out-of-memory fault injected: allocating until the heap is exhausted", slot);
                exhaustHeap();
            }
            case MessageTypes.FAULT_DIVERGE -> {
                if (ods != null) {
                    ods.badInputsTotal += 1_000_000;
                    LOG.warn("replica {}: state perturbed (divergence fault)", slot);
                }
            }
            case MessageTypes.FAULT_CUT_CHANNEL -> {
                channelCutCyclesLeft = Math.max(0, cycles);
                LOG.warn("replica {}: direct channel cut for {} cycles", slot, channelCutCyclesLeft);
            }
            default -> {
                if (kind < 0 || kind >= FlightTask.Corruption.values().length) {
                    LOG.warn("replica {}: unknown fault kind {} ignored", slot, kind);
                    return;
                }
                task.setOutputCorruption(FlightTask.Corruption.values()[kind]);
                corruptionCyclesLeft = cycles;
                LOG.warn("replica {}: output corruption {} injected for {} cycles", slot, task.outputCorruption(), corruptionCyclesLeft);
            }
        }
    }

    /** Holds on to ever more memory; the launcher runs replicas with -XX:+ExitOnOutOfMemoryError, so the JVM exits. */
    private void exhaustHeap() {
        List<long[]> hog = new ArrayList<>();
        while (hog.size() < Integer.MAX_VALUE) {
            hog.add(new long[128 * 1024]);
        }
        LOG.error("replica {}: heap never ran out ({} blocks)", slot, hog.size());
    }

    private void onStartCommand(int mode) {
        switch (mode) {
            case MessageTypes.START_FRESH -> begin(Ods.initial(plan), "fresh mission");
            case MessageTypes.START_COLD_LAND -> {
                task.setPlan(MissionPlan.landNow());
                begin(Ods.initial(MissionPlan.landNow()), "cold start: land now");
            }
            case MessageTypes.START_FROM_CHECKPOINT -> {
                ods = null;
                pending.clear();
                publishState(ReplicaState.AWAITING_CHECKPOINT);
                LOG.info("replica {}: waiting for a checkpoint from its peer", slot);
                Checkpoint early = earlyCheckpoint;
                earlyCheckpoint = null;
                if (early != null) {
                    applyCheckpoint(early.cycle(), early.hash(), early.bytes());
                }
            }
            default -> LOG.warn("replica {}: unknown start mode {} ignored", slot, mode);
        }
    }

    private void begin(Ods initial, String how) {
        ods = initial;
        lastCycle = 0;
        startedAfterCycle = 0;
        pending.clear();
        // Frames from before the start belong to the mission it replaces (a replay restarts running replicas cold).
        currentFrames.clear();
        publishState(ReplicaState.RUNNING);
        LOG.info("replica {}: running, {}", slot, how);
    }

    private void onRole(long newEpoch, boolean newHolder, int newPeerIncarnation, String peerAddress) {
        if (newEpoch < epoch) {
            LOG.warn("replica {}: role with older epoch {} < {} ignored", slot, newEpoch, epoch);
            return;
        }
        epoch = newEpoch;
        holder = newHolder;
        status.set(Field.EPOCH, epoch);
        status.set(Field.HOLDER, holder ? 1 : 0);
        if (newPeerIncarnation != peerIncarnation) {
            peer = null;
            peerIncarnation = newPeerIncarnation;
            lastPeerHeartbeatCycle = -1;
            peerHeartbeatsHeard = 0;
            if (!peerAddress.isEmpty()) {
                try {
                    peer = ChannelAddress.parse(peerAddress);
                } catch (IllegalArgumentException e) {
                    LOG.warn("replica {}: bad peer address in ROLE: {}", slot, e.getMessage());
                }
            }
            // A peer that died mid-write may have left our queues blocked.
            channel.unblockStale();
        }
        LOG.info("replica {}: epoch {} {}, peer incarnation {}", slot, epoch, holder ? "HOLDER" : "shadow", peerIncarnation);
    }

    private void onTick(long cycle, long hostNs, int tickPeriodMs) {
        List<byte[]> frames = currentFrames;
        currentFrames = new ArrayList<>(frames.size() + 4);
        periodMs = tickPeriodMs;
        lastTickHostNs = hostNs;
        if (state == ReplicaState.RUNNING) {
            if (cycle <= lastCycle) {
                // Already inside the checkpoint we started from.
                return;
            }
            runCycle(cycle, tickPeriodMs, frames);
        } else if (state == ReplicaState.AWAITING_CHECKPOINT) {
            pending.addLast(new Batch(cycle, tickPeriodMs, frames));
            if (pending.size() > MAX_BUFFERED_CYCLES) {
                pending.removeFirst();
            }
        }
    }

    private void runCycle(long cycle, int cyclePeriodMs, List<byte[]> frames) {
        long startNs = clock.nanoTime();
        StepResult result = task.step(ods, frames, cycle, cyclePeriodMs);
        if (corruptionCyclesLeft > 0 && --corruptionCyclesLeft == 0) {
            task.setOutputCorruption(FlightTask.Corruption.NONE);
        }
        lastCycle = cycle;
        if (stallCyclesLeft > 0) {
            stallCyclesLeft--;
            // As a CPU-starved step would be: late, while the process lives and beats between steps.
            long stallEndNs = startNs + cyclePeriodMs * 1_500_000L;
            for (long left = stallEndNs - clock.nanoTime(); left > 0; left = stallEndNs - clock.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        int length = 0;
        for (byte[] frame : result.frames()) {
            writer.scratch().putBytes(Messages.OUTPUT_FRAMES + length, frame);
            length += frame.length;
        }
        if (writer.output(output.ring(), cycle, epoch, result.outputHash(), result.odsHash(), result.accepted(),
                result.phase().code(), length)) {
            output.doorbell().ring();
        } else {
            status.increment(Field.OUTPUT_RING_FULL);
        }
        status.increment(Field.OUTPUTS_WRITTEN);
        status.increment(Field.CYCLES_RUN);
        status.set(Field.LAST_CYCLE, cycle);
        status.set(Field.LAST_OUTPUT_HASH, result.outputHash());
        status.set(Field.LAST_ODS_HASH, result.odsHash());
        status.set(Field.MISSION_PHASE, result.phase().code());
        if (!result.accepted()) {
            status.increment(Field.ACCEPTANCE_FAILURES);
        }
        if (result.badInputs() > 0) {
            status.set(Field.BAD_INPUT_FRAMES, status.get(Field.BAD_INPUT_FRAMES) + result.badInputs());
        }
        status.set(Field.REQUESTS_EXECUTED, ods.requestsExecuted);
        channelCut = channelCutCyclesLeft > 0;
        if (channelCut) {
            channelCutCyclesLeft--;
        }
        long periodNs = cyclePeriodMs * 1_000_000L;
        for (HandledRequest r : result.requests()) {
            if (r.retransmission()) {
                continue;
            }
            remember(executions, new Execution(cycle, r.id(), r.result()));
            if (holder && peer != null
                    && sendToPeer(MessageTypes.REQUEST_NOTICE, writer.requestNotice(cycle, epoch, r.id(), r.result()),
                            periodNs, DeadlineKind.SOFT).sent()) {
                status.increment(Field.REQUEST_NOTICES_SENT);
            }
        }
        checkNotices();
        if (peer != null) {
            // A heartbeat is news only within the cycle: ask for arrival within the period.
            sendToPeer(MessageTypes.HEARTBEAT, writer.heartbeat(cycle, clock.nanoTime(), epoch), periodNs, DeadlineKind.SOFT);
            if (checkpointRequested) {
                byte[] bytes = ods.toBytes();
                SendResult sent = sendToPeer(MessageTypes.CHECKPOINT, writer.checkpoint(cycle, epoch, ods.hash(), bytes),
                        periodNs, DeadlineKind.SOFT);
                if (sent.sent()) {
                    checkpointRequested = false;
                    status.increment(Field.CHECKPOINTS_SENT);
                    LOG.info("replica {}: checkpoint of cycle {} ({} bytes) sent to peer: {}", slot, cycle, bytes.length, sent);
                } else {
                    LOG.warn("replica {}: checkpoint of cycle {} not sent: {}, retrying next cycle", slot, cycle, sent);
                }
            }
        }
        long endNs = clock.nanoTime();
        status.max(Field.STEP_NS_MAX, endNs - startNs);
        if (endNs - lastTickHostNs > cyclePeriodMs * 1_000_000L) {
            status.increment(Field.DEADLINE_MISSES);
        }
    }

    /**
     * Sends the body the caller built in {@code writer.scratch()} to the peer as a message of {@code type}: the
     * one way replicas talk to each other. A refusal is counted (and returned), never silent.
     */
    SendResult sendToPeer(int type, int length, long requestedNs, DeadlineKind kind) {
        return sendToPeer(type, writer.scratch(), 0, length, requestedNs, kind);
    }

    /** Sends {@code length} bytes of {@code body} to the peer as a message of {@code type}. */
    SendResult sendToPeer(int type, DirectBuffer body, int offset, int length, long requestedNs, DeadlineKind kind) {
        ChannelAddress to = peer;
        if (to == null || channelCut) {
            // No peer, or the channel-cut fault: nothing gets through, as on a severed link.
            status.increment(Field.PEER_SEND_FAILED);
            return SendResult.UNREACHABLE;
        }
        SendResult sent = channel.send(to, type, body, offset, length, requestedNs, kind);
        if (!sent.sent()) {
            status.increment(Field.PEER_SEND_FAILED);
        }
        return sent;
    }

    /**
     * A message from the direct channel. Only the current peer is heard, or anyone the host let send to us
     * before our ROLE named the peer (a holder can send its checkpoint before we have read our ROLE).
     */
    private void onPeerMessage(Packet packet) {
        if (peer != null && !packet.from(peer)) {
            LOG.debug("replica {}: channel message type {} from a former peer skipped", slot, packet.type());
            return;
        }
        DirectBuffer buffer = packet.buffer();
        int index = packet.payloadOffset();
        int length = packet.payloadLength();
        switch (packet.type()) {
            case MessageTypes.HEARTBEAT -> {
                if (length < Messages.HEARTBEAT_LENGTH) {
                    LOG.warn("replica {}: short heartbeat ({} bytes) skipped", slot, length);
                    return;
                }
                lastPeerHeartbeatCycle = buffer.getLong(index + Messages.HEARTBEAT_CYCLE);
                peerHeartbeatsHeard++;
                if (takeoverRequestedEpoch == epoch && lastPeerHeartbeatCycle > takeoverRequestedCycle) {
                    // Heard again after asking, in the same epoch: the host kept the holder. Ask again if it goes silent again.
                    takeoverRequestedEpoch = -1;
                    LOG.info("replica {}: peer heard again (cycle {}) after the takeover request of cycle {}: the holder stays",
                            slot, lastPeerHeartbeatCycle, takeoverRequestedCycle);
                }
                status.increment(Field.PEER_HEARTBEATS);
            }
            case MessageTypes.CHECKPOINT -> {
                if (length < Messages.CHECKPOINT_ODS) {
                    LOG.warn("replica {}: short checkpoint ({} bytes) skipped", slot, length);
                    return;
                }
                onCheckpoint(buffer, index, length);
            }
            case MessageTypes.REQUEST_NOTICE -> {
                if (length < Messages.NOTICE_LENGTH) {
                    LOG.warn("replica {}: request notice of {} bytes skipped", slot, length);
                    return;
                }
                remember(notices, new Execution(buffer.getLong(index + Messages.NOTICE_CYCLE),
                        buffer.getInt(index + Messages.NOTICE_REQUEST_ID), buffer.getInt(index + Messages.NOTICE_RESULT)));
                checkNotices();
            }
            default -> LOG.warn("replica {}: unknown peer message type {} skipped", slot, packet.type());
        }
    }

    private void onCheckpoint(DirectBuffer buffer, int index, int length) {
        long cycle = buffer.getLong(index + Messages.CHECKPOINT_CYCLE);
        long hash = buffer.getLong(index + Messages.CHECKPOINT_ODS_HASH);
        byte[] bytes = new byte[length - Messages.CHECKPOINT_ODS];
        buffer.getBytes(index + Messages.CHECKPOINT_ODS, bytes);
        if (state == ReplicaState.RUNNING) {
            LOG.debug("replica {}: checkpoint of cycle {} ignored: already running", slot, cycle);
            return;
        }
        if (state != ReplicaState.AWAITING_CHECKPOINT) {
            // The holder can be quicker than we are to read our START: keep it for then.
            earlyCheckpoint = new Checkpoint(cycle, hash, bytes);
            return;
        }
        applyCheckpoint(cycle, hash, bytes);
    }

    private record Checkpoint(long cycle, long hash, byte[] bytes) {
    }

    private static void remember(ArrayDeque<Execution> list, Execution e) {
        if (list.size() >= EXECUTIONS_KEPT) {
            list.removeFirst();
        }
        list.addLast(e);
    }

    /**
     * Paper Fig. 1: the shadow checks the holder's result. A notice is checked once this replica has run
     * its cycle: the same request must have been executed in the same cycle with the same result.
     */
    private void checkNotices() {
        while (!notices.isEmpty() && state == ReplicaState.RUNNING && notices.peekFirst().cycle() <= lastCycle) {
            Execution notice = notices.removeFirst();
            if (notice.cycle() <= startedAfterCycle) {
                continue;
            }
            Execution own = null;
            for (Execution e : executions) {
                if (e.requestId() == notice.requestId() && e.cycle() == notice.cycle()) {
                    own = e;
                    break;
                }
            }
            if (own != null && own.result() == notice.result()) {
                status.increment(Field.REQUESTS_CONFIRMED);
            } else {
                status.increment(Field.REQUEST_MISMATCHES);
                LOG.warn("replica {}: peer executed request {} in cycle {} with result {}, here: {}", slot,
                        Integer.toHexString(notice.requestId()), notice.cycle(), notice.result(),
                        own == null ? "not executed in that cycle" : "result " + own.result());
            }
        }
    }

    private void applyCheckpoint(long cycle, long hash, byte[] bytes) {
        Ods received;
        try {
            received = Ods.fromBytes(bytes);
        } catch (RuntimeException e) {
            LOG.error("replica {}: checkpoint of cycle {} refused: {}", slot, cycle, e.getMessage());
            return;
        }
        if (received.hash() != hash) {
            LOG.error("replica {}: checkpoint of cycle {} refused: hash mismatch", slot, cycle);
            return;
        }
        // Inputs of the cycles after the checkpoint may already be here, or still to come.
        while (!pending.isEmpty() && pending.peekFirst().cycle() <= cycle) {
            pending.removeFirst();
        }
        if (!pending.isEmpty() && pending.peekFirst().cycle() != cycle + 1) {
            LOG.error("replica {}: checkpoint of cycle {} is too old: oldest buffered cycle is {}", slot, cycle,
                    pending.peekFirst().cycle());
            return;
        }
        ods = received;
        lastCycle = cycle;
        startedAfterCycle = cycle;
        status.set(Field.REQUESTS_EXECUTED, ods.requestsExecuted);
        status.increment(Field.CHECKPOINTS_APPLIED);
        publishState(ReplicaState.RUNNING);
        int replayed = 0;
        while (!pending.isEmpty()) {
            Batch b = pending.removeFirst();
            runCycle(b.cycle(), b.periodMs(), b.frames());
            replayed++;
        }
        LOG.info("replica {}: checkpoint of cycle {} applied, {} buffered cycles replayed", slot, cycle, replayed);
    }

    /** Paper IV: the shadow watches the holder's heartbeats and asks the host to take over when they stop. */
    private void watchPeer() {
        if (holder || state != ReplicaState.RUNNING || peer == null || peerHeartbeatsHeard < HEARTBEATS_BEFORE_JUDGING) {
            return;
        }
        long missed = lastCycle - lastPeerHeartbeatCycle;
        if (missed >= TAKEOVER_AFTER_MISSED_CYCLES && takeoverRequestedEpoch != epoch) {
            takeoverRequestedEpoch = epoch;
            takeoverRequestedCycle = lastCycle;
            long silentNs = missed * periodMs * 1_000_000L;
            writer.takeoverRequest(output.ring(), epoch, lastCycle, silentNs);
            output.doorbell().ring();
            status.increment(Field.TAKEOVER_REQUESTS);
            LOG.warn("replica {}: peer silent for {} cycles, takeover requested (epoch {})", slot, missed, epoch);
        }
    }

    private void publishState(ReplicaState newState) {
        state = newState;
        status.set(Field.STATE, newState.code());
    }

    ReplicaState state() {
        return state;
    }
}
