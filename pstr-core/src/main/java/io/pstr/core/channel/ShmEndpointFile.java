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
 *   256   grants: version, count, (msb, lsb, task) × MAX_GRANTS        written by the registry
 *   1088  counters (Channel's slots)                                   written by the owner
 *   4096  phase log: LOG_ENTRIES records of one cache line each         written by the receiver
 *         (record number, G, Q, P, T, source, late)
 *   8192  fast queue: a ring that is the pre-mapped packet pool
 *   …     normal queue
 * </pre>
 * Rings are Agrona many-to-one ring buffers, so a receiver can unblock a record left half-written by a
 * sender that was killed mid-write.
 * <p>
 * A phase-log record carries its own number and fills one cache line: a sender taking in the receiver's
 * report of its last packet moves that one line from the receiver's CPU to its own, and nothing else (a log
 * sequence word beside the records cost one more line each way, on the sender's path to its next packet).
 */
final class ShmEndpointFile implements AutoCloseable {

    /** Magic and layout version: an endpoint file of an older layout is refused, not misread. */
    static final long MAGIC = 0x5053_5452_4348_0002L;
    static final int MAGIC_OFFSET = 0;
    static final int FAST_CAPACITY = 8;
    static final int NORMAL_CAPACITY = 12;
    static final int OWNER_MSB = 16;
    static final int OWNER_LSB = 24;
    static final int OWNER_TASK = 32;
    static final int OWNER_PID = 40;
    static final int DOORBELL = 128;
    static final int CLOSED = 192;
    static final int GRANT_VERSION = 256;
    static final int GRANT_COUNT = 264;
    static final int GRANT_ENTRIES = 272;
    static final int GRANT_BYTES = 24;
    static final int MAX_GRANTS = 32;
    static final int COUNTERS = 1088;
    static final int LOG_RECORDS = 4096;
    /** A power of two: a record's slot is its number's low bits. */
    static final int LOG_ENTRIES = 64;
    static final int LOG_RECORD_BYTES = 64;
    /**
     * The record's number (from 1) once it is complete; its negative while the receiver writes it; 0 in a slot
     * never written.
     */
    static final int LOG_NUMBER = 0;
    static final int LOG_G = 8;
    static final int LOG_Q = 16;
    static final int LOG_P = 24;
    static final int LOG_T = 32;
    static final int LOG_SRC_MSB = 40;
    static final int LOG_SRC_LSB = 48;
    /** Source task in the low 32 bits, late flag in bit 32. */
    static final int LOG_SRC_TASK_LATE = 56;
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
        long magic = header.getLongVolatile(MAGIC_OFFSET);
        if (magic != MAGIC) {
            IoUtil.unmap(mapped);
            if ((magic & ~0xFFFFL) == (MAGIC & ~0xFFFFL)) {
                throw new IllegalStateException(path + " is a channel endpoint of layout version " + (magic & 0xFFFF)
                        + ", written by another build; this build reads version " + (MAGIC & 0xFFFF)
                        + ": start the replicas and the host manager from the same build");
            }
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

    /** One record of an endpoint's phase log, as {@link #readLogAfter} hands it over. */
    interface LogRecordSink {
        /**
         * @param number      the record's number (from 1)
         * @param srcTaskLate the source's task id in the low 32 bits, the late flag in bit 32
         */
        void record(long number, long g, long q, long p, long t, long srcMsb, long srcLsb, long srcTaskLate);
    }

    private static int logSlot(long number) {
        return LOG_RECORDS + (int) (number & (LOG_ENTRIES - 1)) * LOG_RECORD_BYTES;
    }

    /** The number of the newest record the log of the endpoint whose header is {@code h} holds (0 when none). */
    static long newestLogRecord(UnsafeBuffer h) {
        long newest = 0;
        for (int i = 0; i < LOG_ENTRIES; i++) {
            newest = Math.max(newest, Math.abs(h.getLongVolatile(logSlot(i) + LOG_NUMBER)));
        }
        return newest;
    }

    /**
     * For an owner opening its endpoint: a record its previous owner left half-written (a process killed between the
     * record's first and last store) is closed as a record of no sender, which no sender takes as its own. Without
     * this, readers would wait at it for good. Returns the number of the newest record.
     */
    static long settleLog(UnsafeBuffer h) {
        long newest = newestLogRecord(h);
        for (int i = 0; i < LOG_ENTRIES; i++) {
            long number = h.getLongVolatile(logSlot(i) + LOG_NUMBER);
            if (number < 0) {
                writeLog(h, -number, 0, 0, 0, 0, 0, 0, 0);
            }
        }
        return newest;
    }

    /**
     * Writes record {@code number} (one past the last written) into the log whose header is {@code h}. The
     * endpoint's owner is its one writer; readers see the record only once it is complete.
     */
    static void writeLog(UnsafeBuffer h, long number, long g, long q, long p, long t, long srcMsb, long srcLsb,
            long srcTaskLate) {
        int at = logSlot(number);
        h.putLongRelease(at + LOG_NUMBER, -number);
        VarHandle.storeStoreFence();
        h.putLong(at + LOG_G, g);
        h.putLong(at + LOG_Q, q);
        h.putLong(at + LOG_P, p);
        h.putLong(at + LOG_T, t);
        h.putLong(at + LOG_SRC_MSB, srcMsb);
        h.putLong(at + LOG_SRC_LSB, srcLsb);
        h.putLong(at + LOG_SRC_TASK_LATE, srcTaskLate);
        h.putLongRelease(at + LOG_NUMBER, number);
    }

    /**
     * Hands over the complete records after record {@code seen}, oldest first, of the log whose header is
     * {@code h}, and returns the number of the last one it got past. Records the receiver overwrote before
     * they were read (the log is a ring its owner writes without waiting for anyone) are skipped; a record being
     * written ends the read, to be taken next time.
     */
    static long readLogAfter(UnsafeBuffer h, long seen, LogRecordSink sink) {
        // Bounded: a receiver writing as fast as this reads cannot keep the sender here.
        for (int i = 0; i < 2 * LOG_ENTRIES; i++) {
            long want = seen + 1;
            int at = logSlot(want);
            long number = h.getLongVolatile(at + LOG_NUMBER);
            if (number == want) {
                long g = h.getLong(at + LOG_G);
                long q = h.getLong(at + LOG_Q);
                long p = h.getLong(at + LOG_P);
                long t = h.getLong(at + LOG_T);
                long msb = h.getLong(at + LOG_SRC_MSB);
                long lsb = h.getLong(at + LOG_SRC_LSB);
                long taskLate = h.getLong(at + LOG_SRC_TASK_LATE);
                VarHandle.loadLoadFence();
                if (h.getLongVolatile(at + LOG_NUMBER) == want) {
                    sink.record(want, g, q, p, t, msb, lsb, taskLate);
                }
                seen = want; // taken, or overwritten while it was read
            } else if (Math.abs(number) > want) {
                // Lapped: this slot holds a newer record. The log holds the newest LOG_ENTRIES records at most;
                // go on from the oldest of those.
                seen = Math.max(want, newestLogRecord(h) - LOG_ENTRIES);
            } else {
                break; // not written yet, or being written
            }
        }
        return seen;
    }
}
