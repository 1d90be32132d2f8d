package io.pstr.core.rt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One line of {@code /proc/PID/stat}, split after the command name (which may hold spaces and parentheses):
 * element 0 is the state (field 3), element {@code n - 3} is field {@code n}.
 */
public final class ProcStat {

    private ProcStat() {
    }

    /** The {@code /proc/PID/stat} line of process {@code pid}, or null when there is none (the process is gone). */
    public static String read(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    /** The fields from the state on; empty when the line cannot be read. */
    public static String[] fields(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return new String[0];
        }
        return stat.substring(close + 2).trim().split(" ");
    }

    /** The state letter of {@link #fields}, or '?' when there is none. */
    public static char state(String[] fields) {
        return fields.length == 0 || fields[0].isEmpty() ? '?' : fields[0].charAt(0);
    }

    /** A zombie or a dead task: its process has exited. */
    public static boolean exited(char state) {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** Whether process {@code pid} has exited: reaped (no /proc entry) or a zombie. */
    public static boolean exited(long pid) {
        String stat = read(pid);
        return stat == null || exited(state(fields(stat)));
    }

    /**
     * Whether thread {@code tid} of process {@code pid} has exited: with its process, or on its own (a killed process's
     * threads go one by one before it is a zombie).
     */
    public static boolean exited(long pid, long tid) {
        return exited(pid) || !Files.exists(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid)));
    }
}
