package io.pstr.core.record;

/**
 * One row of the virtual board's record: what it accepted and its true state. All rows carry
 * {@code monoNs}, the board's {@link System#nanoTime()} (CLOCK_MONOTONIC, comparable across processes
 * on one machine). Absent values are NaN. See {@link BoardRecordWriter} for the CSV encoding.
 */
public sealed interface BoardRecord {

    long monoNs();

    /** A SET_ATTITUDE_TARGET (82) or SET_POSITION_TARGET_LOCAL_NED (84) the board accepted. */
    record Setpoint(long monoNs, long timeBootMs, int msgId, int seq, int sysId, int compId, String mode,
                    double x, double y, double z, double roll, double pitch, double yaw, double thrust)
            implements BoardRecord {
    }

    /** A COMMAND_LONG and the board's answer ({@code result}: ACCEPTED, DENIED, UNSUPPORTED...). */
    record Command(long monoNs, int command, int seq, int sysId, int compId, String result,
                   double param1, double param2, double param7) implements BoardRecord {
    }

    /** True state, NED metres and radians, {@code framesSent} = MAVLink frames the board sent so far. */
    record State(long monoNs, long timeBootMs, String mode, boolean armed,
                 double x, double y, double z, double vx, double vy, double vz,
                 double roll, double pitch, double yaw, double thrust, long framesSent) implements BoardRecord {
    }

    /** The board changed mode (by command, on its own or in failsafe). */
    record ModeChange(long monoNs, long timeBootMs, String mode, boolean armed) implements BoardRecord {
    }
}
