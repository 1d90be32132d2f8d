package io.pstr.manager;

import io.pstr.core.link.ByteLink;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

/**
 * Writes the gate's outputs to the board no faster than the link's real rate (paper III.D): a
 * frame of n bytes occupies the wire for n × bits-per-byte / rate (start and stop bits included),
 * and the next may not start before. Records each frame's queueing delay. Single-threaded.
 * <p>
 * With a lead of L ns the next frame may be handed to the link up to L before the wire is free, the
 * way a UART's transmit FIFO is filled while it still sends: the wire never runs faster than the
 * rate, and a writer that is polled a little late does not lose wire time. The queue holds at most
 * one second of wire time; older outputs beyond that are dropped and counted, never the host's own frames.
 */
public final class PacedWriter {

    private record Pending(long cycle, Slot from, long epoch, byte[] bytes, long enqueuedNs) {
    }

    /** Where paced bytes go: returns the bytes put on the wire (signing may add some), or -1 if refused. */
    @FunctionalInterface
    public interface Sink {
        int write(byte[] bytes, int offset, int length, long nowNs);
    }

    private final Sink sink;
    private final long rateBitsPerSec;
    private final int bitsPerByte;
    private final FenceCheck fenced;
    private final long maxQueuedBytes;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Histogram queueDelayNs = new Histogram(3);
    private long leadNs;
    private long queuedBytes;
    private long linkFreeAtNs = Long.MIN_VALUE / 2;
    private long framesWritten;
    private long bytesWritten;
    private long writesRefused;
    private long bytesRefused;
    private long staleDropped;
    private long queueDrops;
    /** When the last control output (a replica's, not the host's own frame) went onto the link; MIN_VALUE none yet. */
    private long lastOutputNs = Long.MIN_VALUE;
    /** Largest interval between two consecutive control outputs since {@link #takeMaxOutputIntervalNs}; -1 none. */
    private long maxOutputIntervalNs = -1;
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
        this((b, o, l, now) -> link.write(b, o, l) ? l : -1, rateBitsPerSec, bitsPerByte, fenced);
    }

    public PacedWriter(Sink sink, long rateBitsPerSec, int bitsPerByte, FenceCheck fenced) {
        if (rateBitsPerSec <= 0 || bitsPerByte < 7) {
            throw new IllegalArgumentException("link rate must be positive and a byte at least 7 bits on the wire");
        }
        this.sink = sink;
        this.rateBitsPerSec = rateBitsPerSec;
        this.bitsPerByte = bitsPerByte;
        this.fenced = fenced;
        this.maxQueuedBytes = Math.max(1024, rateBitsPerSec / bitsPerByte);
    }

    public void listener(WriteListener l) {
        this.listener = l;
    }

    /** How long before the wire is free the next frame may be handed to the link (default 0). */
    public PacedWriter lead(long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("lead must be >= 0");
        }
        this.leadNs = ns;
        return this;
    }

    public void tap(WriteTap t) {
        this.tap = t;
    }

    public void offer(long cycle, Slot from, long epoch, DirectBuffer frames, int offset, int length, long nowNs) {
        byte[] bytes = new byte[length];
        frames.getBytes(offset, bytes);
        queue.addLast(new Pending(cycle, from, epoch, bytes, nowNs));
        queuedBytes += length;
        while (queuedBytes > maxQueuedBytes && queue.size() > 1 && dropOldestOutput()) {
            queueDrops++;
        }
        poll(nowNs);
    }

    /** Drops the oldest replica output queued; the host's own frames (an abort's land command) are never dropped. */
    private boolean dropOldestOutput() {
        for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.from() != null) {
                it.remove();
                queuedBytes -= p.bytes().length;
                return true;
            }
        }
        return false;
    }

    /**
     * A frame of the host's own (the operator's abort), not a replica's output: no fence applies to it.
     * It waits behind what is queued, as any frame on a serial line must.
     */
    public void offerOwn(byte[] frame, long nowNs) {
        queue.addLast(new Pending(-1, null, -1, frame.clone(), nowNs));
        queuedBytes += frame.length;
        poll(nowNs);
    }

    /** Writes what the link's rate allows by now. */
    public int poll(long nowNs) {
        int written = 0;
        while (!queue.isEmpty() && nowNs >= linkFreeAtNs - leadNs) {
            Pending p = queue.removeFirst();
            queuedBytes -= p.bytes().length;
            if (p.from() != null && fenced.isFenced(p.from(), p.epoch())) {
                // The holder changed while this waited for the wire: it must not reach the board.
                staleDropped++;
                continue;
            }
            int onWire = sink.write(p.bytes(), 0, p.bytes().length, nowNs);
            if (onWire >= 0) {
                framesWritten++;
                bytesWritten += onWire;
                queueDelayNs.recordValue(Math.max(0, nowNs - p.enqueuedNs()));
                tap.wrote(p.bytes(), p.bytes().length, nowNs);
                if (p.from() != null) {
                    if (lastOutputNs != Long.MIN_VALUE) {
                        maxOutputIntervalNs = Math.max(maxOutputIntervalNs, nowNs - lastOutputNs);
                    }
                    lastOutputNs = nowNs;
                    listener.written(p.cycle(), p.from(), p.epoch(), nowNs);
                }
            } else {
                writesRefused++;
                bytesRefused += p.bytes().length;
                onWire = p.bytes().length;
            }
            long wireNs = onWire * (long) bitsPerByte * 1_000_000_000L / rateBitsPerSec;
            linkFreeAtNs = Math.max(nowNs, linkFreeAtNs) + wireNs;
            written++;
        }
        return written;
    }

    /** When {@link #poll} will next hand something to the link: {@code Long.MAX_VALUE} while nothing waits. */
    public long nextHandOverNs() {
        return queue.isEmpty() ? Long.MAX_VALUE : linkFreeAtNs - leadNs;
    }

    /** Time each written output waited in the queue, ns. */
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

    /** Bytes of outputs the link refused (it was down): counted, not silently lost. */
    public long bytesRefused() {
        return bytesRefused;
    }

    /** Outputs whose epoch went stale while queued: dropped, never written. */
    public long staleDropped() {
        return staleDropped;
    }

    /** Outputs dropped because more than a second of wire time was queued. */
    public long queueDrops() {
        return queueDrops;
    }

    /**
     * When the last control output went onto the link (the time {@link #poll} was given), or
     * {@link Long#MIN_VALUE} when none has. Outputs the link refused and the host's own frames do not count.
     */
    public long lastOutputNs() {
        return lastOutputNs;
    }

    /**
     * The largest interval between two consecutive control outputs written since the last call (the command gap
     * at the link), or -1 when no interval ended since; starts the next measurement.
     */
    public long takeMaxOutputIntervalNs() {
        long max = maxOutputIntervalNs;
        maxOutputIntervalNs = -1;
        return max;
    }

    public int queued() {
        return queue.size();
    }
}
