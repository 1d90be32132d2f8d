package io.pstr.core.shm;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;

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
 * Where there is no futex (not Linux, or JNA cannot load), {@link #sleep} parks for at most 100 µs: the
 * reader polls, as it would without a doorbell.
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
        if ((offset & 3) != 0 || offset < 0 || offset + BYTES > buffer.capacity()) {
            throw new IllegalArgumentException("a doorbell needs " + BYTES + " aligned bytes inside the buffer, not offset "
                    + offset + " of " + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        this.address = buffer.addressOffset() + offset + WORD;
    }

    /**
     * Whether readers really sleep until rung (a futex), rather than polling every 100 µs. The first call loads the
     * native library (~100 ms in a fresh JVM): make it at start-up, not in a loop with a deadline.
     */
    public static boolean wakesSleepers() {
        return Futex.AVAILABLE;
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

    /** Whether the reader says it is asleep (for tests and status). */
    public boolean readerAsleep() {
        return buffer.getIntVolatile(offset + ASLEEP) != 0;
    }
}
