package io.pstr.manager;

import io.pstr.core.rt.ProcStat;


/**
 * Early crash detection from {@code /proc/PID/stat}. A killed JVM takes the kernel several milliseconds
 * to tear down (its address space goes before its exit is reported to the parent), and the JDK's process
 * reaper hears of it only at the end. But the kernel marks the process doomed at once: a fatal signal
 * puts SIGKILL in every thread's pending set before {@code kill()} returns, and a thread that starts
 * exiting carries {@code PF_EXITING}. Reading the main thread's state, flags and pending signals
 * sees the death within microseconds of the signal, whoever sent it (an OOM exit, a crash, an operator).
 */
public final class ProcessExit {

    /** {@code PF_EXITING} in the task flags (include/linux/sched.h). */
    static final long PF_EXITING = 0x4;
    /** SIGKILL's bit in a pending-signal mask (signal 9 is bit 8). */
    static final long SIGKILL_BIT = 1L << 8;
    private static final int FLAGS = 6;
    private static final int PENDING = 28;

    private ProcessExit() {
    }

    /** True when the process is gone, a zombie, exiting, or has SIGKILL pending; false when it runs, sleeps or is stopped. */
    public static boolean dying(long pid) {
        String stat = ProcStat.read(pid);
        return stat == null || dying(stat);
    }

    /** Parses one {@code /proc/PID/stat} line; an unreadable line says nothing (false). */
    static boolean dying(String stat) {
        String[] f = ProcStat.fields(stat);
        if (f.length <= PENDING) {
            return false;
        }
        if (ProcStat.exited(ProcStat.state(f))) {
            return true;
        }
        try {
            long flags = Long.parseLong(f[FLAGS]);
            long pending = Long.parseUnsignedLong(f[PENDING]);
            return (flags & PF_EXITING) != 0 || (pending & SIGKILL_BIT) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
