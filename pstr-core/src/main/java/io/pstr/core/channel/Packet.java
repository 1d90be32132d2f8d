package io.pstr.core.channel;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header every packet carries (little-endian), and a reusable read-only view of a delivered packet.
 * <p>
 * Phase timestamps ({@link System#nanoTime()} of the host; across hosts only G is meaningful unless the
 * clocks agree):
 * <ul>
 *   <li>{@code GEN_NS}: the sender entered {@code send} — the generation phase begins;</li>
 *   <li>{@code QUEUED_NS}: the packet was complete in the destination's queue: G = QUEUED − GEN;</li>
 *   <li>noticed: the receiver began the pass that found it (woken, or polling): T = noticed − QUEUED,
 *       0 if the receiver was already draining;</li>
 *   <li>dequeued: the receiver took it off the queue: Q = dequeued − max(noticed, QUEUED), the wait
 *       behind packets ahead of it;</li>
 *   <li>delivery: the task's handler got it: P = delivery − dequeued, the channel's own processing.</li>
 * </ul>
 * The receiver's three stamps stay in the view, not in the queue: the packet's bytes in shared memory are the
 * sender's, and a receiver writing into them would pull their cache lines back from the sender's CPU before
 * handing the packet on.
 */
public final class Packet {

    public static final int TYPE = 0;
    public static final int FLAGS = 4;
    public static final int SRC_MSB = 8;
    public static final int SRC_LSB = 16;
    public static final int SRC_TASK = 24;
    public static final int REQUESTED_NS = 32;
    public static final int GEN_NS = 40;
    public static final int QUEUED_NS = 48;
    public static final int HEADER_BYTES = 56;

    /** Took the fast path. */
    public static final int FLAG_FAST = 1;
    /** Sent with a HARD deadline. */
    public static final int FLAG_HARD = 2;
    /** A phase report (channel-internal, never handed to a task). */
    public static final int FLAG_REPORT = 4;

    private DirectBuffer buffer;
    private int index;
    private int length;
    private long noticedNs;
    private long dequeuedNs;
    private long deliveredNs;

    void wrap(DirectBuffer buffer, int index, int length, long noticedNs, long dequeuedNs, long deliveredNs) {
        this.buffer = buffer;
        this.index = index;
        this.length = length;
        this.noticedNs = noticedNs;
        this.dequeuedNs = dequeuedNs;
        this.deliveredNs = deliveredNs;
    }

    static void writeHeader(MutableDirectBuffer b, int at, int type, int flags, ChannelAddress source, long requestedNs,
            long genNs) {
        b.putInt(at + TYPE, type);
        b.putInt(at + FLAGS, flags);
        b.putLong(at + SRC_MSB, source.sandbox().getMostSignificantBits());
        b.putLong(at + SRC_LSB, source.sandbox().getLeastSignificantBits());
        b.putInt(at + SRC_TASK, source.taskId());
        b.putLong(at + REQUESTED_NS, requestedNs);
        b.putLong(at + GEN_NS, genNs);
        b.putLong(at + QUEUED_NS, 0);
    }

    /** The task's message type. */
    public int type() {
        return buffer.getInt(index + TYPE);
    }

    public boolean fast() {
        return (buffer.getInt(index + FLAGS) & FLAG_FAST) != 0;
    }

    /** Sent with a HARD deadline. */
    public boolean hard() {
        return (buffer.getInt(index + FLAGS) & FLAG_HARD) != 0;
    }

    public long sourceMsb() {
        return buffer.getLong(index + SRC_MSB);
    }

    public long sourceLsb() {
        return buffer.getLong(index + SRC_LSB);
    }

    public int sourceTask() {
        return buffer.getInt(index + SRC_TASK);
    }

    /** True when the packet came from {@code address} (no allocation). */
    public boolean from(ChannelAddress address) {
        return address != null && address.is(sourceMsb(), sourceLsb(), sourceTask());
    }

    public long requestedNs() {
        return buffer.getLong(index + REQUESTED_NS);
    }

    public long genNs() {
        return buffer.getLong(index + GEN_NS);
    }

    public long queuedNs() {
        return buffer.getLong(index + QUEUED_NS);
    }

    public long noticedNs() {
        return noticedNs;
    }

    public long dequeuedNs() {
        return dequeuedNs;
    }

    public long deliveredNs() {
        return deliveredNs;
    }

    /** The buffer holding the payload: valid only inside the handler. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return index + HEADER_BYTES;
    }

    public int payloadLength() {
        return length - HEADER_BYTES;
    }
}
