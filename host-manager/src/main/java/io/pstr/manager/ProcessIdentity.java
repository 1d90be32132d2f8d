package io.pstr.manager;

import io.pstr.core.rt.ProcStat;

import java.util.Optional;

/**
 * A process as the kernel names it for good: its pid and its start time ({@code /proc/PID/stat} field 22, in
 * clock ticks since boot). A pid alone can be reused by an unrelated process once the first one is gone; the
 * pair cannot, so a host manager that re-attaches to a replica checks both.
 */
public record ProcessIdentity(long pid, long startTicks) {

    /** Field 22 of {@code /proc/PID/stat}, counted from the state (field 3) after the command's closing parenthesis. */
    private static final int START_TIME = 22 - 3;

    public ProcessIdentity {
        if (pid <= 1) {
            throw new IllegalArgumentException("pid " + pid + " is not a replica's");
        }
        if (startTicks < 0) {
            throw new IllegalArgumentException("start time " + startTicks + " is negative");
        }
    }

    /** The process with this pid now, or empty when there is none (or it is a zombie). */
    public static Optional<ProcessIdentity> of(long pid) {
        if (pid <= 1) {
            return Optional.empty();
        }
        String stat = ProcStat.read(pid);
        if (stat == null) {
            return Optional.empty();
        }
        String[] f = ProcStat.fields(stat);
        long ticks = startTicks(f);
        if (ticks < 0 || ProcStat.exited(ProcStat.state(f))) {
            return Optional.empty();
        }
        return Optional.of(new ProcessIdentity(pid, ticks));
    }

    /** True while this very process (not a later one with the same pid) exists and has not exited. */
    public boolean alive() {
        return of(pid).map(now -> now.startTicks == startTicks).orElse(false);
    }

    /** The start time from one {@code /proc/PID/stat} line, or -1 when the line cannot be read. */
    static long startTicks(String stat) {
        return startTicks(ProcStat.fields(stat));
    }

    private static long startTicks(String[] f) {
        if (f.length <= START_TIME) {
            return -1;
        }
        try {
            return Long.parseLong(f[START_TIME]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
