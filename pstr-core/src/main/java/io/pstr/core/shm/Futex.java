package io.pstr.core.shm;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux futex on a word of shared memory, through a direct-mapped JNA {@code syscall} (an interface-mapped
 * varargs call costs ~2 µs, direct mapping ~0.3 µs). Shared (not {@code FUTEX_PRIVATE}) so it works across
 * processes that map the same file. Used through {@link Doorbell}.
 */
final class Futex {

    private static final Logger LOG = LoggerFactory.getLogger(Futex.class);
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final long SYS_FUTEX;
    static final boolean AVAILABLE;

    static {
        long nr = -1;
        if (Platform.isLinux()) {
            nr = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> 202;
                case "aarch64" -> 98;
                default -> -1;
            };
        }
        boolean ok = false;
        if (nr > 0) {
            try {
                Native.register(Futex.class, Platform.C_LIBRARY_NAME);
                ok = true;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOG.warn("futex unavailable ({}): sleeping receivers poll instead", e.getMessage());
            }
        } else {
            LOG.warn("futex unavailable on {} {}: sleeping receivers poll instead", System.getProperty("os.name"),
                    System.getProperty("os.arch"));
        }
        SYS_FUTEX = nr;
        AVAILABLE = ok;
    }

    private Futex() {
    }

    private static native long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    /** A thread's own timespec for {@link #await}. */
    static final class Timeout {
        private final Memory timespec = new Memory(16);
        private final long address = Pointer.nativeValue(timespec);
    }

    /** Sleeps while the word at {@code address} holds {@code expected}, at most {@code timeoutNs}. */
    static void await(long address, int expected, long timeoutNs, Timeout timeout) {
        timeout.timespec.setLong(0, timeoutNs / 1_000_000_000L);
        timeout.timespec.setLong(8, timeoutNs % 1_000_000_000L);
        syscall(SYS_FUTEX, address, FUTEX_WAIT, expected, timeout.address, 0, 0);
    }

    /** Wakes up to {@code count} threads sleeping on the word at {@code address}. */
    static void wake(long address, int count) {
        syscall(SYS_FUTEX, address, FUTEX_WAKE, count, 0, 0, 0);
    }
}
