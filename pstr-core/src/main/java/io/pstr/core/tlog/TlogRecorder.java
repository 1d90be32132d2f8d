package io.pstr.core.tlog;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a board link to a {@code .tlog} and its cycle sidecar without ever blocking the caller.
 * <p>
 * The link and conductor threads copy each frame (and each cycle boundary) into an Agrona many-to-one
 * ring; a writer thread of its own drains it to the files, flushing every 200 ms and on {@link #close()}.
 * When the ring is full the record is dropped and counted ({@link #dropped()}), never waited for.
 * Times come in as monotonic nanoseconds and are written as Unix-epoch microseconds through one offset
 * taken at start, so a wall-clock step during the flight does not reorder the log.
 */
public final class TlogRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlogRecorder.class);
    static final int TYPE_BOARD_FRAME = 1;
    static final int TYPE_HOST_FRAME = 2;
    static final int TYPE_TICK = 3;
    static final int TYPE_START = 4;
    static final int TYPE_GCS_FRAME = 5;
    static final int TYPE_COLD = 6;
    static final long FLUSH_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** 1 MiB: several seconds of a 921600 bit/s link, far more of 115200. */
    public static final int DEFAULT_CAPACITY_BYTES = 1 << 20;

    private final Path tlogFile;
    private final Path cyclesFile;
    private final RingBuffer ring;
    private final NanoClock monoClock;
    private final long epochMinusMonoNs;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong boardFramesWritten = new AtomicLong();
    private final AtomicLong hostFramesWritten = new AtomicLong();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[16]);
    private final AgentRunner runner;
    private volatile IOException failure;

    /**
     * @param tlogFile    the log; its sidecar is {@link Tlog#cyclesFileOf}
     * @param monoClock   the clock that stamped the frames (the links' {@code System.nanoTime()})
     * @param epochClock  wall time, read once to place the log in real time
     * @param meta        written at the top of the sidecar as {@code #key=value} lines
     */
    public TlogRecorder(Path tlogFile, int capacityBytes, NanoClock monoClock, EpochNanoClock epochClock,
                        java.util.Map<String, String> meta) {
        this.tlogFile = tlogFile;
        this.cyclesFile = Tlog.cyclesFileOf(tlogFile);
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.monoClock = monoClock;
        this.epochMinusMonoNs = epochClock.nanoTime() - monoClock.nanoTime();
        OutputStream tlog;
        Writer cycles;
        try {
            Path parent = tlogFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // FileOutputStream, not Files.newOutputStream: a channel closes itself when the writer thread is
            // interrupted (as AgentRunner.close may do), which would lose the tail of the log.
            tlog = new BufferedOutputStream(new FileOutputStream(tlogFile.toFile()), 1 << 16);
            cycles = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(cyclesFile.toFile()), StandardCharsets.UTF_8));
            for (var e : meta.entrySet()) {
                if (e.getKey().contains("=") || e.getKey().contains("\n") || e.getValue().contains("\n")) {
                    throw new IllegalArgumentException("flight log metadata must be single-line key=value: " + e);
                }
                cycles.write('#' + e.getKey() + '=' + e.getValue() + '\n');
            }
            cycles.write(CycleLog.HEADER);
            cycles.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create flight log " + tlogFile + ": " + e.getMessage(), e);
        }
        this.runner = new AgentRunner(new SleepingMillisIdleStrategy(2), e -> LOG.error("flight log writer failed", e),
                null, new Drain(tlog, cycles));
        AgentRunner.startOnThread(runner);
    }

    /** A recorder with the system clocks and the default capacity. */
    public static TlogRecorder open(Path tlogFile, java.util.Map<String, String> meta) {
        return new TlogRecorder(tlogFile, DEFAULT_CAPACITY_BYTES, System::nanoTime, new OffsetEpochNanoClock(), meta);
    }

    /** A frame the board sent, stamped with its arrival time. Never blocks. */
    public void boardFrame(byte[] frame, int offset, int length, long rxNs) {
        if (!ring.write(TYPE_BOARD_FRAME, wrap(frame, offset, length, rxNs), 0, 8 + length)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * A frame that came in on the ground-station link and went to the replicas with the board's: logged among the
     * board's frames, and marked in the sidecar (a {@code gcs} row), since the acknowledgement of a request that
     * came this way goes back there and not to the board. Never blocks.
     */
    public void gcsFrame(byte[] frame, int offset, int length, long rxNs) {
        if (!ring.write(TYPE_GCS_FRAME, wrap(frame, offset, length, rxNs), 0, 8 + length)) {
            dropped.incrementAndGet();
        }
    }

    /** A frame the host wrote to the board, stamped with the write time. Never blocks. */
    public void hostFrame(byte[] frame, int offset, int length, long txNs) {
        if (!ring.write(TYPE_HOST_FRAME, wrap(frame, offset, length, txNs), 0, 8 + length)) {
            dropped.incrementAndGet();
        }
    }

    /** The end of cycle {@code cycle}'s inputs. Call it in the same order as the frames reach the replicas. */
    public void tick(long cycle, long nowNs) {
        marker(TYPE_TICK, cycle, nowNs);
    }

    /**
     * After cycle {@code cycle} a replica was started cold (a new mission that lands where the aircraft is). Call it in
     * the same order as the frames reach the replicas.
     */
    public void coldStart(long cycle, long nowNs) {
        marker(TYPE_COLD, cycle, nowNs);
    }

    /** The sidecar row of a marker record. */
    private static CycleLog.Kind sidecarKind(int markerType) {
        return switch (markerType) {
            case TYPE_TICK -> CycleLog.Kind.TICK;
            case TYPE_START -> CycleLog.Kind.START;
            case TYPE_COLD -> CycleLog.Kind.COLD;
            default -> throw new IllegalArgumentException("not a sidecar marker: " + markerType);
        };
    }

    /** The host began handing board frames to the replicas. */
    public void distributionStarted(long nowNs) {
        marker(TYPE_START, 0, nowNs);
    }

    private synchronized void marker(int type, long cycle, long nowNs) {
        scratch.putLong(0, nowNs);
        scratch.putLong(8, cycle);
        if (!ring.write(type, scratch, 0, 16)) {
            dropped.incrementAndGet();
        }
    }

    // Each caller thread gets its own copy buffer: board frames come from the link thread, host frames
    // from the conductor; a thread-local avoids a lock on the hot path.
    private final ThreadLocal<UnsafeBuffer> copies = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[8 + 512]));

    private DirectBuffer wrap(byte[] frame, int offset, int length, long ns) {
        UnsafeBuffer b = copies.get();
        if (b.capacity() < 8 + length) {
            b = new UnsafeBuffer(new byte[8 + length]);
            copies.set(b);
        }
        b.putLong(0, ns);
        b.putBytes(8, frame, offset, length);
        return b;
    }

    /** Records the ring could not take: the log misses them. */
    public long dropped() {
        return dropped.get();
    }

    public long boardFramesWritten() {
        return boardFramesWritten.get();
    }

    public long hostFramesWritten() {
        return hostFramesWritten.get();
    }

    public Path file() {
        return tlogFile;
    }

    public Path cyclesFile() {
        return cyclesFile;
    }

    /** Writes what is queued, flushes and closes the files; the writer thread ends. */
    @Override
    public void close() {
        runner.close();
        if (failure != null) {
            LOG.error("flight log {} is incomplete: {}", tlogFile, failure.getMessage());
        }
        LOG.info("flight log {}: {} board frames, {} host frames, {} dropped", tlogFile, boardFramesWritten.get(),
                hostFramesWritten.get(), dropped.get());
    }

    private long unixUs(long monoNs) {
        return (monoNs + epochMinusMonoNs) / 1000;
    }

    /** The writer thread. */
    private final class Drain implements Agent {
        private final OutputStream tlog;
        private final Writer cycles;
        private final byte[] record = new byte[8 + 512];
        private long nextFlushNs;

        Drain(OutputStream tlog, Writer cycles) {
            this.tlog = tlog;
            this.cycles = cycles;
        }

        @Override
        public int doWork() throws IOException {
            int n = ring.read(this::onRecord, 256);
            long now = monoClock.nanoTime();
            if (now - nextFlushNs >= 0 && failure == null) {
                nextFlushNs = now + FLUSH_PERIOD_NS;
                try {
                    tlog.flush();
                    cycles.flush();
                } catch (IOException e) {
                    fail(e);
                }
            }
            return n;
        }

        private void onRecord(int type, org.agrona.MutableDirectBuffer buffer, int index, int length) {
            if (failure != null) {
                dropped.incrementAndGet();
                return;
            }
            long ns = buffer.getLong(index);
            try {
                switch (type) {
                    case TYPE_BOARD_FRAME, TYPE_HOST_FRAME, TYPE_GCS_FRAME -> {
                        int frameLength = length - 8;
                        if (frameLength > record.length - 8) {
                            dropped.incrementAndGet();
                            return;
                        }
                        long us = unixUs(ns);
                        for (int i = 7; i >= 0; i--) {
                            record[i] = (byte) us;
                            us >>>= 8;
                        }
                        buffer.getBytes(index + 8, record, 8, frameLength);
                        tlog.write(record, 0, 8 + frameLength);
                        long frames = (type == TYPE_HOST_FRAME ? hostFramesWritten : boardFramesWritten).incrementAndGet();
                        if (type == TYPE_GCS_FRAME) {
                            cycles.write(CycleLog.format(new CycleLog.Row(CycleLog.Kind.GCS, 0, frames, dropped.get(),
                                    unixUs(ns))));
                        }
                    }
                    case TYPE_TICK, TYPE_START, TYPE_COLD -> cycles.write(CycleLog.format(new CycleLog.Row(sidecarKind(type),
                            buffer.getLong(index + 8), boardFramesWritten.get(), dropped.get(), unixUs(ns))));
                    default -> dropped.incrementAndGet();
                }
            } catch (IOException e) {
                dropped.incrementAndGet();
                fail(e);
            }
        }

        private void fail(IOException e) {
            failure = e;
            LOG.error("cannot write flight log {}: {}; further records are counted as dropped", tlogFile, e.getMessage());
        }

        @Override
        public void onClose() {
            // Drain what the link and conductor queued before close (counted as dropped after a failure). A read
            // that meets the padding at the ring's end returns 0 with records still queued after the wrap.
            for (int empty = 0; empty < 3 && ring.consumerPosition() != ring.producerPosition(); ) {
                if (ring.read(this::onRecord, 1024) == 0) {
                    empty++;
                }
            }
            try (tlog; cycles) {
                tlog.flush();
                cycles.flush();
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        public String roleName() {
            return "tlog-writer";
        }
    }
}
