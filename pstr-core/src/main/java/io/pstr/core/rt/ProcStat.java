package io.pstr.core.rt;

/**
 * One line of {@code /proc/PID/stat}, split after the command name (which may hold spaces and parentheses):
 * element 0 is the state (field 3), element {@code n - 3} is field {@code n}.
 */
public final class ProcStat {

    private ProcStat() {
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
}
