package io.pstr.core.shm;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.LoggerFactory;

/**
 * Eight bytes of shared memory that let the one reader of a queue sleep until a writer in another process has
 * put something in it: a futex word and a "reader asleep" flag beside it. A writer {@link #ring() rings} after
 * each write; that costs a fence and a load while the reader is awake, and one {@code FUTEX_WAKE} (~15 µs here
 * when it really wakes someone) while it sleeps.
 * <p>
 * The reader's side, in this order (the flag is raised before the queue is looked at, so a write that lands
 * after the look sees the flag and wakes it):
 * <pre>
 *   int word = bell.prepareToSleep();
 *   if (queueIsEmpty()) bell.sleep(word, maxNs);
 *   bell.awake();
 * </pre>
 * Where there is no futex (not Linux, or neither pstr-core's JNI library nor JNA loads), {@link #sleep} parks for at
 * most 100 µs: the reader polls, as it would without a doorbell.
 */
public final class Doorbell {

    /** Bytes a doorbell takes: the word, then the flag. */
    public static final int BYTES = 8;
    private static final int WORD = 0;
    private static final int ASLEEP = 4;
    private static final long FALLBACK_POLL_NS = 100_000;

    private final UnsafeBuffer buffer;
    private final int offset;
    private final long address;
    /** The reader's own timespec, made on first sleep: a doorbell only rung never loads the native library. */
    private Futex.Timeout timeout;

    /** The doorbell at {@code offset} (4-byte aligned) of a buffer over shared memory. */
    public Doorbell(UnsafeBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        this.address = wordAddress(buffer, offset, BYTES, "a doorbell") + WORD;
    }

    /** The address of {@code bytes} at {@code offset} of {@code buffer}, which must be 4-byte aligned and inside it (futex words). */
    static long wordAddress(UnsafeBuffer buffer, int offset, int bytes, String what) {
        if ((offset & 3) != 0 || offset < 0 || offset + bytes > buffer.capacity()) {
            throw new IllegalArgumentException(what + " needs " + bytes + " aligned bytes inside the buffer, not offset "
                    + offset + " of " + buffer.capacity());
        }
        return buffer.addressOffset() + offset;
    }

    /**
     * Whether readers really sleep until rung (a futex), rather than polling every 100 µs. The first call loads the
     * native library (~100 ms in a fresh JVM): make it at start-up, not in a loop with a deadline.
     */
    public static boolean wakesSleepers() {
        return Futex.AVAILABLE;
    }

    /** Whether one sleep can wait on several doorbells at once ({@code futex_waitv}, Linux 5.16), rather than polling them. */
    public static boolean sleepsOnSeveral() {
        return Futex.WAITV_AVAILABLE;
    }

    /** Writer: call after the write is committed. Wakes the reader only if it is asleep. */
    public void ring() {
        VarHandle.fullFence();
        if (buffer.getIntVolatile(offset + ASLEEP) != 0 && Futex.AVAILABLE) {
            buffer.getAndAddInt(offset + WORD, 1);
            Futex.wake(address, 1);
        }
    }

    /** Reader: raises the flag; returns the word to hand to {@link #sleep}. Look at the queue after this. */
    public int prepareToSleep() {
        int word = buffer.getIntVolatile(offset + WORD);
        buffer.putIntVolatile(offset + ASLEEP, 1);
        return word;
    }

    /** Reader: sleeps until rung after {@link #prepareToSleep} returned {@code word}, or at most {@code maxNs}. */
    public void sleep(int word, long maxNs) {
        if (maxNs <= 0) {
            return;
        }
        if (!Futex.AVAILABLE) {
            LockSupport.parkNanos(Math.min(maxNs, FALLBACK_POLL_NS));
            return;
        }
        if (timeout == null) {
            timeout = new Futex.Timeout();
        }
        Futex.await(address, word, maxNs, timeout);
    }

    /** Reader: lowers the flag after a sleep (or after finding work instead). */
    public void awake() {
        buffer.putIntVolatile(offset + ASLEEP, 0);
    }

    /**
     * The reader of several queues, each with its doorbell (the host's conductor reading both replicas' output
     * rings), and the watcher of other processes' {@link Lifeline lifelines}: one sleep that any of them ends. Made
     * and used by one thread.
     */
    public static final class Group {
        /** The doorbell of each word, or null for a lifeline. */
        private final Doorbell[] bells;
        private final long[] addresses;
        private final int[] words;
        private final Futex.Waiters waiters;
        private final Futex.Timeout timeout;
        private int count;
        private boolean waitv = Futex.WAITV_AVAILABLE;

        /** A group of at most {@code capacity} doorbells and lifelines. */
        public Group(int capacity) {
            bells = new Doorbell[capacity];
            addresses = new long[capacity];
            words = new int[capacity];
            waiters = Futex.AVAILABLE ? new Futex.Waiters(capacity) : null;
            timeout = Futex.AVAILABLE ? new Futex.Timeout() : null;
        }

        /** Raises the flag of {@code bell} (as {@link #prepareToSleep}); look at its queue after this. */
        public void prepare(Doorbell bell) {
            add(bell, bell.address, bell.prepareToSleep());
        }

        /**
         * Wakes this group's sleep when the holder of {@code lifeline} dies (see {@link Lifeline#arm}); nothing when no
         * live thread holds it. Look at whether it died after this, as at a queue after {@link #prepare}.
         */
        public void watch(Lifeline lifeline) {
            long word = lifeline.arm();
            if (word != Lifeline.NOT_ARMED) {
                add(null, lifeline.address(), (int) word);
            }
        }

        private void add(Doorbell bell, long address, int word) {
            if (count == bells.length) {
                throw new IllegalStateException("a doorbell group of " + bells.length + " is full");
            }
            bells[count] = bell;
            addresses[count] = address;
            words[count] = word;
            count++;
        }

        /**
         * Sleeps until one of the prepared doorbells rings, a watched lifeline's holder dies, or {@code maxNs} has
         * passed, then lowers every flag and empties the group. Without a futex, or without {@code futex_waitv}
         * (Linux before 5.16) and more than one word, it parks {@code maxNs}: a poll, as before doorbells.
         */
        public void sleep(long maxNs) {
            try {
                if (maxNs <= 0) {
                    return;
                }
                if (count == 0 || waiters == null) {
                    // Nothing to wait on (no replica attached yet), or no futex: a plain timed sleep, never a spin.
                    LockSupport.parkNanos(count == 0 ? maxNs : Math.min(maxNs, FALLBACK_POLL_NS));
                } else if (count == 1) {
                    Futex.await(addresses[0], words[0], maxNs, timeout);
                } else if (waitv) {
                    for (int i = 0; i < count; i++) {
                        waiters.set(i, addresses[i], words[i]);
                    }
                    if (!Futex.awaitAny(waiters, count, System.nanoTime() + maxNs)) {
                        waitv = false;
                        LoggerFactory.getLogger(Doorbell.class).warn("futex_waitv failed: this reader of {} queues sleeps "
                                + "its cap ({} µs) between polls from now on", count, maxNs / 1000);
                        LockSupport.parkNanos(maxNs);
                    }
                } else {
                    // As a reader without doorbells would: the caller's cap is its polling interval.
                    LockSupport.parkNanos(maxNs);
                }
            } finally {
                awake();
            }
        }

        /** Lowers every prepared flag and empties the group (when work turned up instead of a sleep). */
        public void awake() {
            for (int i = 0; i < count; i++) {
                if (bells[i] != null) {
                    bells[i].awake();
                    bells[i] = null;
                }
            }
            count = 0;
        }
    }

    /** What an idle reader does before it sleeps: prepares each queue's doorbell, says whether any holds work already. */
    public interface Watch {
        boolean prepareAndLook(Group group);
    }

    /**
     * An Agrona idle strategy for a reader of up to {@code capacity} queues: after a duty cycle that did nothing,
     * {@code watch} prepares their doorbells; unless a queue already holds work, the reader sleeps until one rings
     * or {@code maxSleepNs} passes. The cap bounds whatever else the reader does in its duty cycle.
     */
    public static IdleStrategy idleStrategy(int capacity, long maxSleepNs, Watch watch) {
        if (maxSleepNs <= 0) {
            throw new IllegalArgumentException("a reader's longest sleep must be positive, not " + maxSleepNs + " ns");
        }
        return idleStrategy(capacity, () -> maxSleepNs, watch);
    }

    /**
     * As {@link #idleStrategy(int, long, Watch)}, with the longest sleep asked of {@code sleepNs} before each sleep: a
     * reader that also keeps deadlines of its own (a tick, a paced write) sleeps until the next one and no longer. A
     * budget of zero or less is no sleep at all.
     */
    public static IdleStrategy idleStrategy(int capacity, java.util.function.LongSupplier sleepNs, Watch watch) {
        Group group = new Group(capacity);
        return new IdleStrategy() {
            @Override
            public void idle(int workCount) {
                if (workCount <= 0) {
                    idle();
                }
            }

            @Override
            public void idle() {
                if (watch.prepareAndLook(group)) {
                    group.awake();
                } else {
                    group.sleep(sleepNs.getAsLong());
                }
            }

            @Override
            public void reset() {
            }

            @Override
            public String alias() {
                return "doorbell";
            }
        };
    }

    /** Whether the reader says it is asleep (for tests and status). */
    public boolean readerAsleep() {
        return buffer.getIntVolatile(offset + ASLEEP) != 0;
    }
}
