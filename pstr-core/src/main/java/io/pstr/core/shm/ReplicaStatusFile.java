package io.pstr.core.shm;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A replica's counters in shared memory: the replica writes them, the host manager reads them
 * (like Aeron's counters file, so an outside tool can read them too). One writer per field.
 */
public final class ReplicaStatusFile implements AutoCloseable {

    /** File layout version; the first long of the file. */
    public static final long MAGIC = 0x5053_5452_0001L;
    public static final int LENGTH_BYTES = 4096;
    /**
     * Where the replica's agent thread keeps its {@link Lifeline}, after the fields (a file of an older layout has
     * zero there: no lifeline, its death is noticed by polling).
     */
    public static final int LIFELINE_OFFSET = 2048;

    /** The fields, each a long at {@code ordinal * 8}. */
    public enum Field {
        MAGIC_FIELD,
        PID,
        /** Replica's {@link System#nanoTime()} at its last duty cycle: its heartbeat. */
        HEARTBEAT_NS,
        /** {@link ReplicaState} code. */
        STATE,
        /** Last cycle whose step ran. */
        LAST_CYCLE,
        /** Epoch the replica last heard from the host. */
        EPOCH,
        /** 1 when the replica believes it holds the I/O. */
        HOLDER,
        CYCLES_RUN,
        /** Steps that finished after their cycle's period had passed. */
        DEADLINE_MISSES,
        ACCEPTANCE_FAILURES,
        CHECKPOINTS_SENT,
        CHECKPOINTS_APPLIED,
        INPUT_FRAMES,
        BAD_INPUT_FRAMES,
        OUTPUTS_WRITTEN,
        /** Outputs the output ring could not take. */
        OUTPUT_RING_FULL,
        LAST_OUTPUT_HASH,
        LAST_ODS_HASH,
        STEP_NS_MAX,
        MISSION_PHASE,
        /** Takeover requests the replica raised after missing its peer's heartbeats. */
        TAKEOVER_REQUESTS,
        PEER_HEARTBEATS,
        /** Messages to the peer's mailbox that it could not take. */
        MAILBOX_FULL,
        /** 1 while the host last said the board link is up, 0 after it said down. */
        BOARD_LINK_UP,
        /** Board-link-down notices received from the host. */
        BOARD_LINK_DOWNS,
        /** Messages to the peer the direct channel did not take (full, closed, unreachable, refused). */
        PEER_SEND_FAILED,
        /** Client requests executed, from the ODS (carried by checkpoints, so a restarted replica continues it). */
        REQUESTS_EXECUTED,
        /** Request notices sent to the peer while holding the I/O. */
        REQUEST_NOTICES_SENT,
        /** The peer's notices this replica checked against its own execution and found equal. */
        REQUESTS_CONFIRMED,
        /** The peer's notices that disagreed with this replica's own execution (id, cycle or result). */
        REQUEST_MISMATCHES;

        public int offset() {
            return ordinal() * Long.BYTES;
        }
    }

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;

    private final Lifeline lifeline;

    private ReplicaStatusFile(MappedByteBuffer mapped) {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.lifeline = new Lifeline(buffer, LIFELINE_OFFSET);
    }

    public static ReplicaStatusFile create(Path file) {
        ReplicaStatusFile f = new ReplicaStatusFile(SharedFiles.createMapped(file, LENGTH_BYTES));
        f.buffer.putLongVolatile(Field.MAGIC_FIELD.offset(), MAGIC);
        f.buffer.putLongVolatile(Field.HEARTBEAT_NS.offset(), Long.MIN_VALUE);
        return f;
    }

    public static ReplicaStatusFile open(Path file) {
        ReplicaStatusFile f = new ReplicaStatusFile(SharedFiles.mapExisting(file));
        long magic = f.buffer.getLongVolatile(Field.MAGIC_FIELD.offset());
        if (magic != MAGIC) {
            f.close();
            throw new IllegalStateException(String.format("%s is not a replica status file (magic %x)", file, magic));
        }
        return f;
    }

    public long get(Field field) {
        return buffer.getLongVolatile(field.offset());
    }

    public void set(Field field, long value) {
        buffer.putLongOrdered(field.offset(), value);
    }

    /** Single-writer increment. */
    public void increment(Field field) {
        buffer.putLongOrdered(field.offset(), buffer.getLong(field.offset()) + 1);
    }

    public void max(Field field, long value) {
        if (value > buffer.getLong(field.offset())) {
            buffer.putLongOrdered(field.offset(), value);
        }
    }

    /** The replica agent thread's lifeline: it holds it, the host watches it. */
    public Lifeline lifeline() {
        return lifeline;
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
