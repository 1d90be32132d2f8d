package io.pstr.core.rt;

import com.sun.jna.LastErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and continues a process with {@code kill(2)}, through JNA: Java sends only SIGTERM and SIGKILL, and starting
 * {@code kill(1)} for the others costs a process (milliseconds, on the thread that asks). {@link #available()} is
 * false where the C library cannot be bound; the caller then falls back to {@code kill(1)}.
 */
public final class Signals {

    /** The numbers are the same on Linux x86_64 and arm64 (the generic table). */
    public enum Signal {
        STOP(19), CONT(18);

        final int number;

        Signal(int number) {
            this.number = number;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    private static final int ESRCH = 3;
    private static final boolean AVAILABLE;

    static {
        AVAILABLE = Libc.bind(Signals.class, LOG, "kill(2) through JNA", "stop and continue will start kill(1)");
    }

    private Signals() {
    }

    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Sends {@code signal} to process {@code pid}.
     *
     * @throws IllegalStateException naming the process and the reason (no such process, not permitted)
     */
    public static void send(long pid, Signal signal) {
        if (!AVAILABLE) {
            throw new IllegalStateException("kill(2) is not available here");
        }
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("no process can have pid " + pid);
        }
        try {
            kill((int) pid, signal.number);
        } catch (LastErrorException e) {
            throw new IllegalStateException("SIG" + signal + " to pid " + pid + " failed: "
                    + (e.getErrorCode() == ESRCH ? "no such process" : "errno " + e.getErrorCode()), e);
        }
    }

    private static native int kill(int pid, int sig) throws LastErrorException;
}
