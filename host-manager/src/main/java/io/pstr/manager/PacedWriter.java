package io.pstr.manager;

import io.pstr.core.link.ByteLink;
import java.util.ArrayDeque;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

/**
 * Writes the gate's outputs to the board no faster than the link's real rate (paper III.D): a
 * frame of n bytes occupies the wire for n × bits-per-byte / rate (start and stop bits included),
 * and the next may not start before. Records each frame's queueing delay. Single-threaded.
 */
public final class PacedWriter {

    private record Pending(long cycle, Slot from, long epoch, byte[] bytes, long enqueuedNs) {
    }

    private final ByteLink link;
    private final long rateBitsPerSec;
    private final int bitsPerByte;
    private final FenceCheck fenced;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Histogram queueDelayNs = new Histogram(3);
    private long linkFreeAtNs = Long.MIN_VALUE;
    private long framesWritten;
    private long bytesWritten;
    private long writesRefused;
    private long staleDropped;
    private WriteListener listener = (cycle, from, epoch, nowNs) -> { };
    private WriteTap tap = (bytes, length, nowNs) -> { };

    /** Told of every output that went onto the link. */
    @FunctionalInterface
    public interface WriteListener {
        void written(long cycle, Slot from, long epoch, long nowNs);
    }

    /** Sees the bytes of every write the link took (the flight log). */
    @FunctionalInterface
    public interface WriteTap {
        void wrote(byte[] bytes, int length, long nowNs);
    }

    /** Whether an output of a slot and epoch is fenced now. */
    @FunctionalInterface
    public interface FenceCheck {
        boolean isFenced(Slot from, long epoch);
    }

    public PacedWriter(ByteLink link, long rateBitsPerSec, int bitsPerByte, FenceCheck fenced) {
        if (rateBitsPerSec <= 0 || bitsPerByte < 8) {
            throw new IllegalArgumentException("link rate must be positive and a byte at least 8 bits on the wire");
        }
        this.link = link;
        this.rateBitsPerSec = rateBitsPerSec;
        this.bitsPerByte = bitsPerByte;
        this.fenced = fenced;
    }

    public void listener(WriteListener l) {
        this.listener = l;
    }

    public void tap(WriteTap t) {
        this.tap = t;
    }

    public void offer(long cycle, Slot from, long epoch, DirectBuffer frames, int offset, int length, long nowNs) {
        byte[] bytes = new byte[length];
        frames.getBytes(offset, bytes);
        queue.addLast(new Pending(cycle, from, epoch, bytes, nowNs));
        poll(nowNs);
    }

    /**
     * A frame of the host's own (the operator's abort), not a replica's output: no fence applies to it.
     * It waits behind what is queued, as any frame on a serial line must.
     */
    public void offerOwn(byte[] frame, long nowNs) {
        queue.addLast(new Pending(-1, null, -1, frame.clone(), nowNs));
        poll(nowNs);
    }

    /** Writes what the link's rate allows by now. */
    public int poll(long nowNs) {
        int written = 0;
        while (!queue.isEmpty() && nowNs >= linkFreeAtNs) {
            Pending p = queue.removeFirst();
            if (p.from() != null && fenced.isFenced(p.from(), p.epoch())) {
                // The holder changed while this waited for the wire: it must not reach the board.
                staleDropped++;
                continue;
            }
            if (link.write(p.bytes(), 0, p.bytes().length)) {
                framesWritten++;
                bytesWritten += p.bytes().length;
                queueDelayNs.recordValue(Math.max(0, nowNs - p.enqueuedNs()));
                tap.wrote(p.bytes(), p.bytes().length, nowNs);
                if (p.from() != null) {
                    listener.written(p.cycle(), p.from(), p.epoch(), nowNs);
                }
            } else {
                writesRefused++;
            }
            long wireNs = p.bytes().length * (long) bitsPerByte * 1_000_000_000L / rateBitsPerSec;
            linkFreeAtNs = Math.max(nowNs, linkFreeAtNs) + wireNs;
            written++;
        }
        return written;
    }

    public Histogram queueDelayNs() {
        return queueDelayNs;
    }

    public long framesWritten() {
        return framesWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public long writesRefused() {
        return writesRefused;
    }

    /** Outputs whose epoch went stale while queued: dropped, never written. */
    public long staleDropped() {
        return staleDropped;
    }
}
