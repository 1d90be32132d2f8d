package io.pstr.core.channel;

import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.SharedFiles;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.BitUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The shared-memory file of one endpoint in the run directory's channel directory. The registry creates it;
 * its owner receives through it; its granted senders map it to write into its queues.
 * <pre>
 *   0     magic, version, ring capacities, owner address, owner pid
 *   128   doorbell: futex word, "reader asleep" flag (receiver sleeps, senders wake it only when asleep)
 *   192   closed flag                               (owner closed, or registry withdrew the endpoint)
 *   256   phase log: sequence, then LOG_ENTRIES records (G, Q, P, T, source, late) written by the receiver
 *   4096  grants: version, count, (msb, lsb, task) × MAX_GRANTS        written by the registry
 *   5120  counters (Channel's slots)                                   written by the owner
 *   8192  fast queue: a ring that is the pre-mapped packet pool
 *   …     normal queue
 * </pre>
 * Rings are Agrona many-to-one ring buffers, so a receiver can unblock a record left half-written by a
 * sender that was killed mid-write.
 */
final class ShmEndpointFile implements AutoCloseable {

    static final long MAGIC = 0x5053_5452_4348_0001L;
    static final int MAGIC_OFFSET = 0;
    static final int FAST_CAPACITY = 8;
    static final int NORMAL_CAPACITY = 12;
    static final int OWNER_MSB = 16;
    static final int OWNER_LSB = 24;
    static final int OWNER_TASK = 32;
    static final int OWNER_PID = 40;
    static final int DOORBELL = 128;
    static final int CLOSED = 192;
    static final int LOG_SEQ = 256;
    static final int LOG_RECORDS = 320;
    static final int LOG_ENTRIES = 64;
    static final int LOG_G = 0;
    static final int LOG_Q = 8;
    static final int LOG_P = 16;
    static final int LOG_T = 24;
    static final int LOG_SRC_MSB = 32;
    static final int LOG_SRC_LSB = 40;
    /** Source task in the low 32 bits, late flag in bit 32. */
    static final int LOG_SRC_TASK_LATE = 48;
    static final int LOG_RECORD_BYTES = 56;
    static final int GRANT_VERSION = 4096;
    static final int GRANT_COUNT = 4104;
    static final int GRANT_ENTRIES = 4112;
    static final int GRANT_BYTES = 24;
    static final int MAX_GRANTS = 32;
    static final int COUNTERS = 5120;
    static final int HEADER_BYTES = 8192;

    /** Default fast queue: 64 KiB of pre-mapped packets. */
    static final int DEFAULT_FAST_BYTES = 1 << 16;
    /** Default normal queue: 1 MiB. */
    static final int DEFAULT_NORMAL_BYTES = 1 << 20;

    final Path path;
    private final MappedByteBuffer mapped;
    final UnsafeBuffer header;
    final RingBuffer fast;
    final RingBuffer normal;
    /** Rung by senders after each packet; the owner sleeps on it. */
    final Doorbell doorbell;

    private ShmEndpointFile(Path path, MappedByteBuffer mapped) {
        this.path = path;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_BYTES);
        this.doorbell = new Doorbell(header, DOORBELL);
        if (header.getLongVolatile(MAGIC_OFFSET) != MAGIC) {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(path + " is not a channel endpoint file");
        }
        int fastBytes = header.getInt(FAST_CAPACITY) + RingBufferDescriptor.TRAILER_LENGTH;
        int normalBytes = header.getInt(NORMAL_CAPACITY) + RingBufferDescriptor.TRAILER_LENGTH;
        if (HEADER_BYTES + (long) fastBytes + normalBytes != mapped.capacity()) {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(path + " has a bad layout");
        }
        this.fast = new ManyToOneRingBuffer(new UnsafeBuffer(mapped, HEADER_BYTES, fastBytes));
        this.normal = new ManyToOneRingBuffer(new UnsafeBuffer(mapped, HEADER_BYTES + fastBytes, normalBytes));
    }

    static Path pathOf(Path dir, ChannelAddress address) {
        return dir.resolve(address.fileName() + ".chan");
    }

    static ShmEndpointFile create(Path dir, ChannelAddress owner, int fastBytes, int normalBytes) {
        if (!BitUtil.isPowerOfTwo(fastBytes) || !BitUtil.isPowerOfTwo(normalBytes)) {
            throw new IllegalArgumentException("queue sizes " + fastBytes + ", " + normalBytes + " must be powers of two");
        }
        Path path = pathOf(dir, owner);
        MappedByteBuffer mapped = SharedFiles.createMapped(path,
                HEADER_BYTES + fastBytes + normalBytes + 2 * RingBufferDescriptor.TRAILER_LENGTH);
        UnsafeBuffer h = new UnsafeBuffer(mapped, 0, HEADER_BYTES);
        h.putInt(FAST_CAPACITY, fastBytes);
        h.putInt(NORMAL_CAPACITY, normalBytes);
        h.putLong(OWNER_MSB, owner.sandbox().getMostSignificantBits());
        h.putLong(OWNER_LSB, owner.sandbox().getLeastSignificantBits());
        h.putInt(OWNER_TASK, owner.taskId());
        h.putLongVolatile(MAGIC_OFFSET, MAGIC);
        return new ShmEndpointFile(path, mapped);
    }

    /** Maps an existing endpoint file; null when there is none. */
    static ShmEndpointFile openIfExists(Path dir, ChannelAddress address) {
        Path path = pathOf(dir, address);
        if (!Files.isRegularFile(path)) {
            return null;
        }
        ShmEndpointFile f = new ShmEndpointFile(path, SharedFiles.mapExisting(path));
        if (!address.is(f.header.getLong(OWNER_MSB), f.header.getLong(OWNER_LSB), f.header.getInt(OWNER_TASK))) {
            f.close();
            throw new IllegalStateException(path + " belongs to another address");
        }
        return f;
    }

    boolean closed() {
        return header.getIntVolatile(CLOSED) != 0;
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }

    /** One record of an endpoint's phase log, as {@link #readLog} hands it over. */
    interface LogRecordSink {
        /**
         * @param seq         the record's sequence number
         * @param srcTaskLate the source's task id in the low 32 bits, the late flag in bit 32
         */
        void record(long seq, long g, long q, long p, long t, long srcMsb, long srcLsb, long srcTaskLate);
    }

    /**
     * Reads the phase-log records {@code [from, to)} of the endpoint whose header is {@code h}, skipping any
     * the receiver overwrote while they were read (the log is a ring its owner writes without a lock).
     */
    static void readLog(UnsafeBuffer h, long from, long to, LogRecordSink sink) {
        for (long i = from; i < to; i++) {
            int at = LOG_RECORDS + (int) (i % LOG_ENTRIES) * LOG_RECORD_BYTES;
            long g = h.getLong(at + LOG_G);
            long q = h.getLong(at + LOG_Q);
            long p = h.getLong(at + LOG_P);
            long t = h.getLong(at + LOG_T);
            long msb = h.getLong(at + LOG_SRC_MSB);
            long lsb = h.getLong(at + LOG_SRC_LSB);
            long taskLate = h.getLong(at + LOG_SRC_TASK_LATE);
            VarHandle.loadLoadFence();
            if (h.getLongVolatile(LOG_SEQ) - i >= LOG_ENTRIES) {
                continue; // overwritten while we read it
            }
            sink.record(i, g, q, p, t, msb, lsb, taskLate);
        }
    }
}
