package io.pstr.manager;

import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.RingFile;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The distribution module's fan-out (paper III.C): every board frame gets a host sequence number and
 * its arrival times and is copied into each attached replica's input ring; cycle ticks and control
 * messages go through the same door.
 * <p>
 * One lock orders everything written to the rings, so both replicas see frames, ticks and control
 * messages in exactly the same order: the condition for their steps to be identical. A ring that
 * cannot take a message (a slow or dead replica) never blocks the other or the board: the message
 * is counted against that replica and the manager resynchronises it.
 */
public final class Distributor {

    private final Object lock = new Object();
    private final EnumMap<Slot, RingFile> rings = new EnumMap<>(Slot.class);
    private final Messages messages = new Messages();
    private final UnsafeBuffer frameView = new UnsafeBuffer(new byte[0]);
    private final AtomicLongArray drops = new AtomicLongArray(Slot.values().length);
    private final AtomicLongArray delivered = new AtomicLongArray(Slot.values().length);
    private volatile boolean distributing;
    private Tap tap = Tap.NONE;
    private volatile Slot holder;
    private long holderDrops;
    private long hostSeq;
    private long framesIn;
    private long framesBeforeStart;

    /** Sees board frames, the start of distribution and ticks in exactly the order the replicas do (the flight log). */
    public interface Tap {
        Tap NONE = new Tap() { };

        default void boardFrame(byte[] bytes, int offset, int length, long rxNs) {
        }

        /** A frame from the ground-station link, in order with the board's. */
        default void gcsFrame(byte[] bytes, int offset, int length, long rxNs) {
            boardFrame(bytes, offset, length, rxNs);
        }

        default void distributionStarted(long nowNs) {
        }

        default void tick(long cycle, long nowNs) {
        }

        /** A replica was started cold after cycle {@code cycle}, in order with the frames and ticks. */
        default void coldStart(long cycle, long nowNs) {
        }
    }

    public void tap(Tap t) {
        synchronized (lock) {
            tap = t;
        }
    }

    public void attach(Slot slot, RingFile ring) {
        synchronized (lock) {
            rings.put(slot, ring);
        }
    }

    public void detach(Slot slot) {
        synchronized (lock) {
            rings.remove(slot);
        }
    }

    /** Frames are fanned out only once the mission has started; before that they are counted. */
    public void distributing(boolean on, long nowNs) {
        synchronized (lock) {
            if (on && !distributing) {
                tap.distributionStarted(nowNs);
            }
            distributing = on;
        }
    }

    /**
     * A whole frame from the board (called on the link's thread).
     * @return false when the mission has not started and the frame was only counted
     */
    public boolean frame(byte[] bytes, int offset, int length, long firstNs, long lastNs) {
        return frame(bytes, offset, length, firstNs, lastNs, false);
    }

    /**
     * A whole frame from the board or, {@code fromGcs}, the ground station (called on that link's thread).
     * @return false when the mission has not started and the frame was only counted
     */
    public boolean frame(byte[] bytes, int offset, int length, long firstNs, long lastNs, boolean fromGcs) {
        synchronized (lock) {
            framesIn++;
            if (fromGcs) {
                tap.gcsFrame(bytes, offset, length, lastNs);
            } else {
                tap.boardFrame(bytes, offset, length, lastNs);
            }
            if (!distributing) {
                framesBeforeStart++;
                return false;
            }
            hostSeq++;
            frameView.wrap(bytes, offset, length);
            for (var e : rings.entrySet()) {
                if (messages.frame(e.getValue().ring(), hostSeq, firstNs, lastNs, frameView, 0, length)) {
                    delivered.incrementAndGet(e.getKey().ordinal());
                } else {
                    drops.incrementAndGet(e.getKey().ordinal());
                    if (e.getKey() == holder) {
                        holderDrops++;
                    }
                }
            }
            wakeReaders();
            return true;
        }
    }

    /** The replica whose lost inputs count as lost to the aircraft. */
    public void holder(Slot slot) {
        holder = slot;
    }

    /** Frames the I/O holder's ring could not take. */
    public long holderDrops() {
        synchronized (lock) {
            return holderDrops;
        }
    }

    /** The end of a cycle's inputs, to every attached replica. */
    public void tick(long cycle, long nowNs, int periodMs) {
        synchronized (lock) {
            tap.tick(cycle, nowNs);
            for (var e : rings.entrySet()) {
                if (!messages.tick(e.getValue().ring(), cycle, nowNs, periodMs)) {
                    drops.incrementAndGet(e.getKey().ordinal());
                }
            }
            wakeReaders();
        }
    }

    /** Tells every attached replica the board link went down or came back, in order with the frames. */
    public void link(boolean up, long nowNs) {
        synchronized (lock) {
            for (var e : rings.entrySet()) {
                if (!messages.link(e.getValue().ring(), up, nowNs)) {
                    drops.incrementAndGet(e.getKey().ordinal());
                }
            }
            wakeReaders();
        }
    }

    /** A control message to one replica, in order with its frames and ticks. */
    public boolean control(Slot slot, java.util.function.BiPredicate<Messages, RingBuffer> write) {
        synchronized (lock) {
            RingFile ring = rings.get(slot);
            if (ring == null || !write.test(messages, ring.ring())) {
                return false;
            }
            ring.doorbell().ring();
            return true;
        }
    }

    /**
     * Wakes the replicas asleep on their input rings, once every ring has its message (waking one stalls this
     * thread ~15 µs here: the other's message must not wait behind it). A replica that is awake costs a load.
     */
    private void wakeReaders() {
        for (RingFile ring : rings.values()) {
            ring.doorbell().ring();
        }
    }

    /** Notes a cold start for the flight log; under {@link #locked}, where the start message is sent. */
    public void coldStart(long cycle, long nowNs) {
        synchronized (lock) {
            tap.coldStart(cycle, nowNs);
        }
    }

    /** Runs something under the fan-out lock (a consistent view across both rings). */
    public void locked(Consumer<Distributor> action) {
        synchronized (lock) {
            action.accept(this);
        }
    }

    /** Messages a replica's ring could not take, since it was attached. */
    public long drops(Slot slot) {
        return drops.get(slot.ordinal());
    }

    public long delivered(Slot slot) {
        return delivered.get(slot.ordinal());
    }

    public long framesIn() {
        synchronized (lock) {
            return framesIn;
        }
    }

    public long hostSeq() {
        synchronized (lock) {
            return hostSeq;
        }
    }
}
