package io.pstr.core.shm;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.BitUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * An Agrona ring buffer laid over a shared file: one reader process, writers in other processes.
 * <p>
 * Many-to-one, so that a reader can {@link RingBuffer#unblock() unblock} a record left half-written
 * by a writer that was killed mid-write. After the ring's own trailer comes a {@link Doorbell}: writers
 * ring it after a write, and a reader that ran out of work can sleep until then instead of polling
 * ({@link #idleStrategy}).
 * <pre>
 *   0                      ring data (capacity, a power of two)
 *   capacity               Agrona's trailer (head, tail, correlation counter)
 *   capacity + trailer     doorbell, in a cache line of its own
 * </pre>
 */
public final class RingFile implements AutoCloseable {

    private static final int DOORBELL_REGION = 64;

    private final Path path;
    private final MappedByteBuffer mapped;
    private final RingBuffer ring;
    private final Doorbell doorbell;

    private RingFile(Path path, MappedByteBuffer mapped) {
        this.path = path;
        this.mapped = mapped;
        int ringBytes = mapped.capacity() - DOORBELL_REGION;
        if (ringBytes <= RingBufferDescriptor.TRAILER_LENGTH
                || !BitUtil.isPowerOfTwo(ringBytes - RingBufferDescriptor.TRAILER_LENGTH)) {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(path + " is not a ring file (" + mapped.capacity() + " bytes: not a power of two "
                    + "plus the ring's trailer and a doorbell)");
        }
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(mapped, 0, ringBytes));
        this.doorbell = new Doorbell(new UnsafeBuffer(mapped, ringBytes, DOORBELL_REGION), 0);
    }

    /** Creates a new ring file with {@code capacityBytes} of data (a power of two). */
    public static RingFile create(Path file, int capacityBytes) {
        if (!BitUtil.isPowerOfTwo(capacityBytes)) {
            throw new IllegalArgumentException("ring capacity " + capacityBytes + " is not a power of two");
        }
        return new RingFile(file, SharedFiles.createMapped(file, capacityBytes + RingBufferDescriptor.TRAILER_LENGTH + DOORBELL_REGION));
    }

    /** Maps a ring file another process created. */
    public static RingFile open(Path file) {
        return new RingFile(file, SharedFiles.mapExisting(file));
    }

    public RingBuffer ring() {
        return ring;
    }

    /** Writers ring it after each write (see {@link Doorbell#ring()}). */
    public Doorbell doorbell() {
        return doorbell;
    }

    /**
     * The reader's idle strategy: after a duty cycle that did nothing, sleeps until a writer rings or
     * {@code maxSleepNs} has passed, whichever comes first. The cap keeps whatever else the reader does
     * in its duty cycle (heartbeats, other queues) at least that fresh.
     */
    public IdleStrategy idleStrategy(long maxSleepNs) {
        return Doorbell.idleStrategy(1, maxSleepNs, this::prepareAndLook);
    }

    /** The reader's side of one sleep of a {@link Doorbell.Group}: raises this ring's flag, says whether it holds work already. */
    public boolean prepareAndLook(Doorbell.Group group) {
        group.prepare(doorbell);
        return readable(ring);
    }

    /** Whether a read would find a record now (see {@link #readable(RingBuffer)}). */
    public boolean readable() {
        return readable(ring);
    }

    /**
     * Whether the record at the reader's position is committed, so that a read finds it now. Not the ring's size: a
     * record a writer has claimed but not yet committed counts in the size, and a reader that took that for work would
     * spin until the writer commits, on the CPU the writer may need to commit (traced here: a conductor spinning for
     * 3 ms at a time behind a replica preempted mid-write, and for 17 ms under its failover boost). Such a record ends
     * a reader's sleep when its writer commits and rings.
     */
    public static boolean readable(RingBuffer ring) {
        int index = (int) ring.consumerPosition() & (ring.capacity() - 1);
        return ring.buffer().getIntVolatile(RecordDescriptor.lengthOffset(index)) > 0;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
