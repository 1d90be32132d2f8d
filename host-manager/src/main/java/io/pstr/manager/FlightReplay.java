package io.pstr.manager;

import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaState;
import io.pstr.core.shm.SharedFiles;
import io.pstr.core.tlog.CycleLog;
import io.pstr.core.tlog.Tlog;
import io.pstr.core.tlog.TlogReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Feeds a recorded flight back through two fresh replica processes and checks their outputs against the
 * recording, cycle by cycle.
 * <p>
 * The cycles line up because the recording holds them: the {@code .cycles} sidecar says after which board
 * frame each tick came, exactly as the fan-out handed them to the replicas (the recorder sits under the
 * fan-out's lock). The replay writes the same frames and ticks to both replicas' input rings, so each step
 * gets the same (frames, cycle, period) as in flight; the step reads nothing else, so its output must be
 * the same bytes. The expected output of cycle k is what the host wrote to the board for it: the
 * SET_ATTITUDE_TARGET whose time_boot_ms is k × period, and the frames written with it in the same write
 * (a COMMAND_LONG). Cycles with no recorded output (the gate sent nothing, or an abort stopped outputs)
 * are counted, not compared. The host routes the acknowledgement of a request back to the link its requester
 * spoke on, so an acknowledgement to a requester whose last request came in on the ground-station link (the
 * sidecar's {@code gcs} rows) was not written to the board: the replay takes it out of the replicas' output before
 * comparing, as the host's router did, and counts it.
 * <p>
 * Lockstep: cycle k+1's inputs go only after both replicas answered cycle k, so a replay runs as fast as
 * the replicas step ({@code speed} 0) or at the recorded tick times scaled by {@code speed}.
 */
public final class FlightReplay implements AutoCloseable {

    /** Settings, validated by {@link #conclude()}. */
    public static final class Context {
        public Path tlog;
        public Path runDir;
        public SandboxLauncher launcher;
        /** 0: as fast as the replicas step; 1: at the recorded tick times; 2: twice as fast... */
        public double speed;
        public long startTimeoutNs = TimeUnit.SECONDS.toNanos(60);
        public long outputTimeoutNs = TimeUnit.SECONDS.toNanos(10);
        public NanoClock clock = System::nanoTime;
        public IdleStrategy idle = new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
        public Consumer<String> progress = s -> { };

        public Context conclude() {
            if (tlog == null || !Files.isRegularFile(tlog)) {
                throw new IllegalArgumentException("no flight log " + tlog);
            }
            if (!Files.isRegularFile(Tlog.cyclesFileOf(tlog))) {
                throw new IllegalArgumentException("no cycle sidecar " + Tlog.cyclesFileOf(tlog) + " next to " + tlog
                        + ": a replay needs the cycle boundaries the host manager records with its .tlog "
                        + "(logs written by other tools do not have them)");
            }
            if (runDir == null) {
                throw new IllegalArgumentException("no run directory for the replay's replicas");
            }
            if (launcher == null) {
                throw new IllegalArgumentException("no sandbox launcher");
            }
            if (!(speed >= 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("replay speed must be 0 (as fast as possible) or a positive factor, got " + speed);
            }
            return this;
        }
    }

    /** The first cycle whose outputs differ. */
    public record Mismatch(long cycle, String slot, String expected, String actual) {
        @Override
        public String toString() {
            return "cycle " + cycle + ", replica " + slot + ":\n    recorded: " + expected + "\n    replayed: " + actual;
        }
    }

    /** What the replay found. */
    public record Summary(long cyclesInLog, long cyclesReplayed, long cyclesCompared, long mismatchedCycles,
                          Mismatch firstMismatch, long cyclesWithoutRecordedOutput, long hostFramesOutsideOutputs,
                          long recorderDrops, long stoppedAtCycle, String logSummary, long sidecarBadLines,
                          long acksToGroundStation, long coldStarts) {
        public boolean identical() {
            return mismatchedCycles == 0 && cyclesCompared > 0;
        }
    }

    private final Context ctx;
    private final Messages messages = new Messages();
    private final EnumMap<Slot, ReplicaHandle> replicas = new EnumMap<>(Slot.class);
    private ChannelRegistry channels;
    private final EnumMap<Slot, byte[]> outputs = new EnumMap<>(Slot.class);

    public FlightReplay(Context context) {
        this.ctx = context.conclude();
    }

    /** Runs the whole replay. Throws {@link IllegalStateException} when a replica fails to start or answer. */
    public Summary run() {
        TlogReader.Result log = TlogReader.read(ctx.tlog);
        CycleLog.Contents cycles = CycleLog.read(Tlog.cyclesFileOf(ctx.tlog));
        int periodMs = periodMs(cycles);
        List<TlogReader.Record> board = new ArrayList<>();
        Map<Long, byte[]> expected = new HashMap<>();
        long outside = groupHostOutputs(log.records(), board, expected, periodMs);
        List<CycleLog.Row> rows = cycles.rows();
        CycleLog.Row start = rows.stream().filter(r -> r.kind() == CycleLog.Kind.START).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the cycle sidecar has no start row: the flight never began"));
        List<CycleLog.Row> ticks = rows.stream().filter(r -> r.kind() == CycleLog.Kind.TICK).toList();
        java.util.ArrayDeque<CycleLog.Row> colds = new java.util.ArrayDeque<>(
                rows.stream().filter(r -> r.kind() == CycleLog.Kind.COLD).toList());
        long coldStarts = 0;
        java.util.Set<Long> fromGcs = new java.util.HashSet<>();
        rows.stream().filter(r -> r.kind() == CycleLog.Kind.GCS).forEach(r -> fromGcs.add(r.boardFrames()));
        RequestLedger ledger = new RequestLedger(Long.MAX_VALUE);
        // The host's own split of an output between the board and the ground station (which here takes every ack).
        OutputRouter router = new OutputRouter(ledger, (bytes, at, n) -> true);
        ctx.progress.accept(String.format("flight log: %s; %d cycles of %d ms; %d board frames, %d outputs recorded",
                log.summary(), ticks.size(), periodMs, board.size(), expected.size()));

        launchReplicas();
        long cyclesReplayed = 0;
        long compared = 0;
        long mismatched = 0;
        long unrecorded = 0;
        long stoppedAt = -1;
        long drops = 0;
        Mismatch first = null;
        long fed = start.boardFrames();
        long hostSeq = 0;
        long t0Us = ticks.isEmpty() ? 0 : ticks.get(0).unixUs();
        long t0Ns = ctx.clock.nanoTime();
        long progressEvery = Math.max(1, ticks.size() / 10);
        for (CycleLog.Row tick : ticks) {
            if (tick.dropped() > 0) {
                // The recorder lost records before this tick: the log no longer holds this cycle's exact inputs.
                drops = tick.dropped();
                stoppedAt = tick.cycle();
                ctx.progress.accept("the recording lost " + drops + " records before cycle " + tick.cycle()
                        + ": comparison stops here");
                break;
            }
            if (tick.boardFrames() > board.size()) {
                stoppedAt = tick.cycle();
                ctx.progress.accept("the log ends before cycle " + tick.cycle() + "'s inputs (" + tick.boardFrames()
                        + " board frames needed, " + board.size() + " in the log): comparison stops here");
                break;
            }
            for (; fed < tick.boardFrames(); fed++) {
                coldStarts += coldStartsDue(colds, fed, tick.cycle());
                TlogReader.Record r = board.get((int) fed);
                hostSeq++;
                if (ClientRequests.isRequestMessage(r.messageId())) {
                    // Which link the requester spoke on last: where the host sent the acknowledgement.
                    byte[] f = r.frame();
                    ledger.seen(0, r.messageId(), ClientRequests.sourceSystem(f, 0), ClientRequests.sourceComponent(f, 0),
                            fromGcs.contains(fed + 1) ? RequestLedger.Origin.GCS : RequestLedger.Origin.BOARD, 0);
                }
                UnsafeBuffer view = new UnsafeBuffer(r.frame());
                for (ReplicaHandle h : replicas.values()) {
                    write(h, m -> messages.frame(h.input.ring(), m, r.unixUs() * 1000, r.unixUs() * 1000, view, 0, r.frame().length), hostSeq);
                }
            }
            coldStarts += coldStartsDue(colds, fed, tick.cycle());
            if (ctx.speed > 0) {
                long dueNs = t0Ns + (long) ((tick.unixUs() - t0Us) * 1000 / ctx.speed);
                while (ctx.clock.nanoTime() < dueNs) {
                    ctx.idle.idle();
                }
                ctx.idle.reset();
            }
            for (ReplicaHandle h : replicas.values()) {
                write(h, c -> messages.tick(h.input.ring(), c, tick.unixUs() * 1000, periodMs), tick.cycle());
            }
            awaitOutputs(tick.cycle());
            cyclesReplayed++;
            byte[] want = expected.get(tick.cycle());
            Mismatch m = null;
            if (!Arrays.equals(outputs.get(Slot.A), outputs.get(Slot.B))) {
                m = new Mismatch(tick.cycle(), "A vs B", describe(outputs.get(Slot.A)), describe(outputs.get(Slot.B)));
            } else if (want == null) {
                unrecorded++;
            } else {
                compared++;
                byte[] toBoard = toBoard(router, outputs.get(Slot.A));
                if (!Arrays.equals(want, toBoard)) {
                    m = new Mismatch(tick.cycle(), "A and B", describe(want), describe(toBoard));
                }
            }
            if (m != null) {
                mismatched++;
                if (first == null) {
                    first = m;
                    ctx.progress.accept("first mismatch: " + m);
                }
            }
            if (cyclesReplayed % progressEvery == 0) {
                ctx.progress.accept(String.format("cycle %d/%d: %d compared, %d mismatched", tick.cycle(),
                        ticks.get(ticks.size() - 1).cycle(), compared, mismatched));
            }
        }
        return new Summary(ticks.size(), cyclesReplayed, compared, mismatched, first, unrecorded, outside, drops, stoppedAt,
                log.summary(), cycles.badLines(), router.acksToGcs(), coldStarts);
    }

    /**
     * Starts both replicas cold, as the host started the first replica back after losing both, for each recorded cold
     * start due here: after the log's first {@code fed} board frames, before tick {@code nextTick}. The replicas drop
     * what they had not stepped yet, as the new process never had it; the second one back got the first's checkpoint
     * in flight, the same state. @return how many
     */
    private int coldStartsDue(java.util.ArrayDeque<CycleLog.Row> colds, long fed, long nextTick) {
        int n = 0;
        while (!colds.isEmpty() && colds.peek().boardFrames() <= fed && colds.peek().cycle() < nextTick) {
            CycleLog.Row cold = colds.poll();
            ctx.progress.accept("cycle " + cold.cycle() + ": both replicas start cold, as the host's did");
            for (ReplicaHandle h : replicas.values()) {
                write(h, e -> messages.start(h.input.ring(), MessageTypes.START_COLD_LAND, e), 1);
            }
            n++;
        }
        return n;
    }

    private static int periodMs(CycleLog.Contents cycles) {
        String p = cycles.meta().get("periodMs");
        try {
            int ms = Integer.parseInt(p == null ? "" : p.trim());
            if (ms < 1 || ms > 1000) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the cycle sidecar has no valid #periodMs line (got '" + p + "')", e);
        }
    }

    /** The mission options the recorded replicas ran with (empty: the replicas' defaults). */
    public static List<String> recordedReplicaArgs(Path tlog) {
        String args = CycleLog.read(Tlog.cyclesFileOf(tlog)).meta().getOrDefault("replicaArgs", "").trim();
        return args.isEmpty() ? List.of() : List.of(args.split(" "));
    }

    /**
     * Splits the log into board frames (in order) and the host's outputs by cycle.
     * @return host frames that belong to no output (the manager's own commands, such as an abort)
     */
    static long groupHostOutputs(List<TlogReader.Record> records, List<TlogReader.Record> board, Map<Long, byte[]> expected,
                                 int periodMs) {
        long outside = 0;
        long currentCycle = -1;
        long currentUs = Long.MIN_VALUE;
        for (TlogReader.Record r : records) {
            if (!r.fromHost()) {
                board.add(r);
                continue;
            }
            if (r.messageId() == 82) {
                long timeBootMs = attitudeTimeBootMs(r.frame());
                if (timeBootMs % periodMs != 0) {
                    outside++;
                    currentCycle = -1;
                    continue;
                }
                currentCycle = timeBootMs / periodMs;
                currentUs = r.unixUs();
                expected.merge(currentCycle, r.frame(), FlightReplay::concat);
            } else if (currentCycle >= 0 && r.unixUs() == currentUs) {
                // Written in the same write as the cycle's setpoint: part of that output.
                expected.merge(currentCycle, r.frame(), FlightReplay::concat);
            } else {
                outside++;
            }
        }
        return outside;
    }

    /** The part of a cycle's output that the host wrote to the board, as {@code router} splits it. */
    private static byte[] toBoard(OutputRouter router, byte[] output) {
        byte[][] board = {new byte[0]};
        router.route(new UnsafeBuffer(output), 0, output.length, 0, (frames, offset, length) -> {
            board[0] = new byte[length];
            frames.getBytes(offset, board[0]);
        });
        return board[0];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** SET_ATTITUDE_TARGET's time_boot_ms: the first payload field, little-endian (MAVLink 2 may trim zeros). */
    static long attitudeTimeBootMs(byte[] frame) {
        boolean v2 = (frame[0] & 0xFF) == MavlinkCodec.STX_V2;
        int header = v2 ? 10 : 6;
        int payloadLength = frame[1] & 0xFF;
        byte[] four = new byte[4];
        System.arraycopy(frame, header, four, 0, Math.min(4, payloadLength));
        return ByteBuffer.wrap(four).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    private static String describe(byte[] output) {
        if (output == null) {
            return "nothing";
        }
        if (output.length == 0) {
            return "no frames (acceptance test refused the setpoint)";
        }
        StringBuilder sb = new StringBuilder();
        MavlinkCodec codec = new MavlinkCodec();
        int pos = 0;
        while (pos < output.length) {
            boolean v2 = (output[pos] & 0xFF) == MavlinkCodec.STX_V2;
            int len = (v2 ? 12 : 8) + (output[pos + 1] & 0xFF);
            if (pos + len > output.length) {
                sb.append(" +").append(output.length - pos).append(" stray bytes");
                break;
            }
            byte[] f = Arrays.copyOfRange(output, pos, pos + len);
            Object payload;
            try {
                payload = codec.decodePayload(f);
            } catch (RuntimeException e) {
                payload = "undecodable: " + e.getMessage();
            }
            sb.append(sb.length() == 0 ? "" : " | ").append("seq ").append(f[v2 ? 4 : 2] & 0xFF).append(' ').append(payload);
            pos += len;
        }
        return sb.toString();
    }

    @FunctionalInterface
    private interface RingWrite {
        boolean write(long value);
    }

    private void write(ReplicaHandle h, RingWrite w, long value) {
        long deadline = ctx.clock.nanoTime() + ctx.outputTimeoutNs;
        while (!w.write(value)) {
            checkAlive(h);
            if (ctx.clock.nanoTime() > deadline) {
                throw new IllegalStateException("replica " + h.slot + " does not read its input");
            }
            ctx.idle.idle();
        }
        ctx.idle.reset();
        h.input.doorbell().ring();
    }

    private void launchReplicas() {
        SharedFiles.privateDirectory(ctx.runDir);
        channels = new ChannelRegistry(ReplicaFiles.channelDirOf(ctx.runDir));
        for (Slot s : Slot.values()) {
            ReplicaFiles files = new ReplicaFiles(SharedFiles.privateDirectory(ctx.runDir.resolve(s + "-1")));
            ReplicaHandle h = ReplicaHandle.create(s, 1, files, channels);
            replicas.put(s, h);
            h.sandbox = ctx.launcher.launch(s, 1, files);
        }
        long deadline = ctx.clock.nanoTime() + ctx.startTimeoutNs;
        for (ReplicaHandle h : replicas.values()) {
            while (h.state() != ReplicaState.READY) {
                checkAlive(h);
                if (ctx.clock.nanoTime() > deadline) {
                    throw new IllegalStateException("replica " + h.slot + " not ready after "
                            + TimeUnit.NANOSECONDS.toSeconds(ctx.startTimeoutNs) + " s; see " + h.files.log());
                }
                ctx.idle.idle();
            }
            ctx.idle.reset();
        }
        ReplicaHandle.grantPeers(replicas, channels);
        for (ReplicaHandle h : replicas.values()) {
            ReplicaHandle peer = replicas.get(h.slot.other());
            write(h, e -> messages.role(h.input.ring(), e, h.slot == Slot.A, peer.incarnation, peer.address.toString()), 1);
            write(h, e -> messages.start(h.input.ring(), MessageTypes.START_FRESH, e), 1);
        }
        ctx.progress.accept("replicas A (pid " + replicas.get(Slot.A).pid() + ") and B (pid " + replicas.get(Slot.B).pid()
                + ") running in " + ctx.runDir);
    }

    private void awaitOutputs(long cycle) {
        outputs.clear();
        long deadline = ctx.clock.nanoTime() + ctx.outputTimeoutNs;
        while (outputs.size() < replicas.size()) {
            int work = 0;
            for (ReplicaHandle h : replicas.values()) {
                work += h.output.ring().read((type, buffer, index, length) -> {
                    if (type == MessageTypes.OUTPUT && buffer.getLong(index + Messages.OUTPUT_CYCLE) == cycle) {
                        byte[] frames = new byte[length - Messages.OUTPUT_FRAMES];
                        buffer.getBytes(index + Messages.OUTPUT_FRAMES, frames);
                        outputs.put(h.slot, frames);
                    }
                }, 16);
                if (!outputs.containsKey(h.slot)) {
                    checkAlive(h);
                }
            }
            if (ctx.clock.nanoTime() > deadline) {
                throw new IllegalStateException("no output for cycle " + cycle + " from replica(s) "
                        + replicas.keySet().stream().filter(s -> !outputs.containsKey(s)).toList() + " within "
                        + TimeUnit.NANOSECONDS.toMillis(ctx.outputTimeoutNs) + " ms");
            }
            if (work == 0) {
                ctx.idle.idle();
            }
        }
        ctx.idle.reset();
    }

    private static void checkAlive(ReplicaHandle h) {
        if (h.sandbox != null && !h.sandbox.isAlive()) {
            throw new IllegalStateException("replica " + h.slot + " exited; see " + h.files.log());
        }
    }

    @Override
    public void close() {
        for (ReplicaHandle h : replicas.values()) {
            if (h.sandbox != null && h.sandbox.isAlive()) {
                h.sandbox.kill();
            }
            h.close();
        }
        if (channels != null) {
            channels.close();
        }
    }
}
