package io.pstr.core.shm;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.pstr.core.rt.Syscall;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux futex on a word of shared memory, through pstr-core's JNI library ({@link Syscall}) where the build has it,
 * otherwise a direct-mapped JNA {@code syscall} (an interface-mapped varargs call costs ~2 µs, direct mapping
 * ~0.3 µs hot and about a microsecond more than JNI on a cold wake-up path). Shared (not {@code FUTEX_PRIVATE}) so it
 * works across processes that map the same file. Used through {@link Doorbell}.
 */
final class Futex {

    private static final Logger LOG = LoggerFactory.getLogger(Futex.class);
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final long SYS_FUTEX;
    private static final long SYS_GETTID;
    private static final long SYS_SET_ROBUST_LIST;
    /** {@code struct robust_list_head}: the list's first entry, the offset from an entry to its word, the pending entry. */
    private static final int ROBUST_HEAD_BYTES = 24;
    /** {@code futex_waitv} (Linux 5.16): one sleep on several words. The same number on x86-64 and arm64. */
    private static final long SYS_FUTEX_WAITV = 449;
    private static final int FUTEX2_SIZE_U32 = 0x02;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int EAGAIN = 11;
    private static final int ETIMEDOUT = 110;
    static final boolean AVAILABLE;
    /** Whether {@link #awaitAny} sleeps on all its words; without it, callers fall back to a timed sleep. */
    static final boolean WAITV_AVAILABLE;

    static {
        long nr = -1;
        long gettid = -1;
        long robust = -1;
        if (Platform.isLinux()) {
            switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> {
                    nr = 202;
                    gettid = 186;
                    robust = 273;
                }
                case "aarch64" -> {
                    nr = 98;
                    gettid = 178;
                    robust = 99;
                }
                default -> {
                }
            }
        }
        boolean ok = false;
        if (nr > 0) {
            ok = Syscall.AVAILABLE || io.pstr.core.rt.Libc.bind(Futex.class, LOG, "futex", "sleeping receivers poll instead");
        } else {
            LOG.warn("futex unavailable on {} {}: sleeping receivers poll instead", System.getProperty("os.name"),
                    System.getProperty("os.arch"));
        }
        SYS_FUTEX = nr;
        SYS_GETTID = gettid;
        SYS_SET_ROBUST_LIST = robust;
        AVAILABLE = ok;
        WAITV_AVAILABLE = ok && probeWaitv();
    }

    /** One futex_waitv on a word that does not hold the expected value: EAGAIN at once where the call exists. */
    private static boolean probeWaitv() {
        Waiters w = new Waiters(1);
        Memory word = new Memory(4);
        word.setInt(0, 1);
        w.set(0, Pointer.nativeValue(word), 0);
        long r = call(SYS_FUTEX_WAITV, w.address, 1, 0, 0, 0, 0);
        if (r == -EAGAIN) {
            return true;
        }
        LOG.info("futex_waitv unavailable (returned {}): a reader of several rings sleeps its cap between polls", r);
        return false;
    }

    private Futex() {
    }

    private static native long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    /**
     * System call {@code number}: its result, or minus {@code errno}. Through pstr-core's JNI library where the build
     * has it ({@link Syscall}: about a microsecond less per call on a reader's wake-up path), otherwise JNA.
     */
    private static long call(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        if (Syscall.AVAILABLE) {
            return Syscall.invoke(number, a1, a2, a3, a4, a5, a6);
        }
        long r = syscall(number, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -Native.getLastError() : r;
    }

    /** A thread's own timespec for {@link #await}. */
    static final class Timeout {
        private final Memory timespec = new Memory(16);
        private final long address = Pointer.nativeValue(timespec);
    }

    /** Sleeps while the word at {@code address} holds {@code expected}, at most {@code timeoutNs}. */
    static void await(long address, int expected, long timeoutNs, Timeout timeout) {
        timeout.timespec.setLong(0, timeoutNs / 1_000_000_000L);
        timeout.timespec.setLong(8, timeoutNs % 1_000_000_000L);
        call(SYS_FUTEX, address, FUTEX_WAIT, expected, timeout.address, 0, 0);
    }

    /** The array of {@code struct futex_waitv} (value, address, flags, reserved: 24 bytes each) for {@link #awaitAny}. */
    static final class Waiters {
        private static final int BYTES = 24;
        private final Memory memory;
        private final long address;
        private final Memory timespec = new Memory(16);
        private final long timespecAddress = Pointer.nativeValue(timespec);

        Waiters(int capacity) {
            this.memory = new Memory((long) BYTES * capacity);
            this.address = Pointer.nativeValue(memory);
        }

        void set(int i, long wordAddress, int expected) {
            long at = (long) i * BYTES;
            memory.setLong(at, expected & 0xFFFF_FFFFL);
            memory.setLong(at + 8, wordAddress);
            memory.setInt(at + 16, FUTEX2_SIZE_U32);
            memory.setInt(at + 20, 0);
        }
    }

    /**
     * Sleeps while each of the first {@code count} words of {@code waiters} holds its expected value, until
     * {@code deadlineNs} on the monotonic clock ({@link System#nanoTime()}'s on Linux). Returns false if the call
     * failed for any reason but a changed word or the deadline (the caller should stop using it).
     */
    static boolean awaitAny(Waiters waiters, int count, long deadlineNs) {
        waiters.timespec.setLong(0, deadlineNs / 1_000_000_000L);
        waiters.timespec.setLong(8, deadlineNs % 1_000_000_000L);
        long r = call(SYS_FUTEX_WAITV, waiters.address, count, 0, waiters.timespecAddress, CLOCK_MONOTONIC, 0);
        if (r >= 0) {
            return true;
        }
        long errno = -r;
        // 4: EINTR; 14: EFAULT, a word another thread unmapped meanwhile (a retired replica's file): look again
        return errno == EAGAIN || errno == ETIMEDOUT || errno == 4 || errno == 14;
    }

    /** The calling thread's id, as its own pid namespace numbers it (what the kernel compares a robust word with). */
    static int gettid() {
        return (int) call(SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    /** Robust lists registered, kept reachable for the life of the process: the kernel reads them when a thread exits. */
    private static final List<Memory> ROBUST_LISTS = new CopyOnWriteArrayList<>();

    /**
     * Registers, for the calling thread, a robust-futex list of one entry: the word at {@code wordAddress}. When the
     * thread exits the kernel marks the word {@code FUTEX_OWNER_DIED} if it still holds the thread's id, and wakes a
     * waiter that set {@code FUTEX_WAITERS}. Replaces the C library's list for this thread.
     */
    static boolean holdRobust(long wordAddress) {
        Memory list = new Memory(ROBUST_HEAD_BYTES + 8);
        long head = Pointer.nativeValue(list);
        long entry = head + ROBUST_HEAD_BYTES;
        list.setLong(0, entry);
        list.setLong(8, wordAddress - entry);
        list.setLong(16, 0);
        list.setLong(ROBUST_HEAD_BYTES, head);
        long r = call(SYS_SET_ROBUST_LIST, head, ROBUST_HEAD_BYTES, 0, 0, 0, 0);
        if (r != 0) {
            LOG.warn("set_robust_list failed (errno {}): this thread's death is noticed by polling only", -r);
            return false;
        }
        ROBUST_LISTS.add(list);
        return true;
    }

    /** Wakes up to {@code count} threads sleeping on the word at {@code address}. */
    static void wake(long address, int count) {
        call(SYS_FUTEX, address, FUTEX_WAKE, count, 0, 0, 0);
    }
}
