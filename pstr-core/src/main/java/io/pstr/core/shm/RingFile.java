package io.pstr.core.shm;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.BitUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * An Agrona ring buffer laid over a shared file: one reader process, writers in other processes.
 * <p>
 * Many-to-one, so that a reader can {@link RingBuffer#unblock() unblock} a record left half-written
 * by a writer that was killed mid-write.
 */
public final class RingFile implements AutoCloseable {

    private final Path path;
    private final MappedByteBuffer mapped;
    private final RingBuffer ring;

    private RingFile(Path path, MappedByteBuffer mapped) {
        this.path = path;
        this.mapped = mapped;
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(mapped));
    }

    /** Creates a new ring file with {@code capacityBytes} of data (a power of two). */
    public static RingFile create(Path file, int capacityBytes) {
        if (!BitUtil.isPowerOfTwo(capacityBytes)) {
            throw new IllegalArgumentException("ring capacity " + capacityBytes + " is not a power of two");
        }
        return new RingFile(file, SharedFiles.createMapped(file, capacityBytes + RingBufferDescriptor.TRAILER_LENGTH));
    }

    /** Maps a ring file another process created. */
    public static RingFile open(Path file) {
        return new RingFile(file, SharedFiles.mapExisting(file));
    }

    public RingBuffer ring() {
        return ring;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
