package io.pstr.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String stat;
        try {
            stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return Optional.empty();
        }
        long ticks = startTicks(stat);
        char state = state(stat);
        if (ticks < 0 || state == 'Z' || state == 'X' || state == 'x') {
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
        String[] f = fields(stat);
        if (f.length <= START_TIME) {
            return -1;
        }
        try {
            return Long.parseLong(f[START_TIME]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static char state(String stat) {
        String[] f = fields(stat);
        return f.length == 0 || f[0].isEmpty() ? '?' : f[0].charAt(0);
    }

    private static String[] fields(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return new String[0];
        }
        return stat.substring(close + 2).trim().split(" ");
    }
}
