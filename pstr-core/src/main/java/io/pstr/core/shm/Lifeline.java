package io.pstr.core.shm;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A word of shared memory that the kernel itself marks, and wakes its watcher on, when the thread that holds it
 * exits, however it goes: SIGKILL, a crash, an out-of-memory exit, the end of the process. The holder's thread
 * writes its thread id into the word and names it in its robust-futex list ({@code set_robust_list}); when a
 * thread exits, the kernel walks that list before it tears down the process's memory, sets
 * {@code FUTEX_OWNER_DIED} in each word the thread still holds and wakes one waiter (Linux's robust futexes, the
 * mechanism behind robust process-shared mutexes). A watcher in another process sets {@code FUTEX_WAITERS} in
 * the word and sleeps on it beside its other futex words ({@link Doorbell.Group#watch}).
 * <p>
 * The replica's agent thread holds its lifeline and the host's conductor watches it: a replica's death wakes the
 * conductor through the kernel within microseconds of its thread running its exit, where the conductor would
 * otherwise notice only on its next poll after the replica's heartbeat went quiet.
 * <p>
 * The list registered replaces the C library's own robust list for that one thread: a robust process-shared
 * pthread mutex locked by that thread would not be released by the kernel if it died (the JVM uses none).
 * Without the system call (not Linux, no JNA) {@link #hold} says so and the watcher polls as before.
 */
public final class Lifeline {

    /** Bytes the lifeline takes (one 32-bit futex word). */
    public static final int BYTES = 4;
    /** {@code FUTEX_WAITERS}: a watcher sleeps on the word (include/uapi/linux/futex.h). */
    static final int WAITERS = 0x8000_0000;
    /** {@code FUTEX_OWNER_DIED}: the kernel says the holder's thread exited. */
    static final int OWNER_DIED = 0x4000_0000;
    static final int TID_MASK = 0x3FFF_FFFF;
    /** What {@link #arm} returns when there is nothing to wait on. */
    public static final long NOT_ARMED = -1;

    private final UnsafeBuffer buffer;
    private final int offset;
    private final long address;

    /** The lifeline at {@code offset} (4-byte aligned) of a buffer over shared memory. */
    public Lifeline(UnsafeBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        this.address = Doorbell.wordAddress(buffer, offset, BYTES, "a lifeline");
    }

    /**
     * Holder: makes the calling thread the holder, for as long as it lives. Call once, on that thread. Returns false
     * (and leaves the word empty, so that nobody waits on it) where the kernel cannot do it.
     */
    public boolean hold() {
        if (!Futex.AVAILABLE) {
            return false;
        }
        int tid = Futex.gettid();
        if (tid <= 0 || (tid & ~TID_MASK) != 0) {
            return false;
        }
        buffer.putIntVolatile(offset, tid);
        if (!Futex.holdRobust(address)) {
            buffer.putIntVolatile(offset, 0);
            return false;
        }
        return true;
    }

    /** Whether a thread holds the word and has not died. */
    public boolean held() {
        int v = buffer.getIntVolatile(offset);
        return (v & TID_MASK) != 0 && (v & OWNER_DIED) == 0;
    }

    /** Whether the kernel marked the holder's thread as exited. */
    public boolean holderDied() {
        return (buffer.getIntVolatile(offset) & OWNER_DIED) != 0;
    }

    /**
     * Watcher: asks the kernel to wake it when the holder dies, and returns the word to sleep on while that has not
     * happened, or {@link #NOT_ARMED} when no live thread holds the word (nobody yet, or it died already), or the
     * holder changed it meanwhile (look again next time).
     */
    public long arm() {
        if (!Futex.AVAILABLE) {
            return NOT_ARMED;
        }
        int v = buffer.getIntVolatile(offset);
        if ((v & TID_MASK) == 0 || (v & OWNER_DIED) != 0) {
            return NOT_ARMED;
        }
        if ((v & WAITERS) != 0) {
            return v & 0xFFFF_FFFFL;
        }
        int armed = v | WAITERS;
        return buffer.compareAndSetInt(offset, v, armed) ? armed & 0xFFFF_FFFFL : NOT_ARMED;
    }

    /**
     * Wakes every thread asleep on the word (the kernel wakes only one when the holder dies: one watcher can pass it
     * on to the others).
     */
    public void wakeWatchers() {
        if (Futex.AVAILABLE) {
            Futex.wake(address, Integer.MAX_VALUE);
        }
    }

    long address() {
        return address;
    }
}
