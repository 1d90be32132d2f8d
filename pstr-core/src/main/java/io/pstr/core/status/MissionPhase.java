package io.pstr.core.status;

/**
 * Phases of the flight mission. The numeric codes are published: they travel in the ODS checkpoint and
 * in status messages, so they never change meaning once released.
 */
public enum MissionPhase {
    /** Stream neutral setpoints, then request OFFBOARD, then arm; each command resent until the heartbeat shows it. */
    PREFLIGHT(1),
    /** Climb to the take-off altitude above the take-off point. */
    TAKEOFF(2),
    /** Fly to the current waypoint. */
    WAYPOINT(3),
    /** Hold position at the current target for a number of cycles. */
    HOLD(4),
    /** Descend at the landing speed until touchdown is detected. */
    LAND(5),
    /** On the ground: disarm, then keep streaming neutral setpoints. */
    LANDED(6),
    /** On the ground and disarmed with nothing to do (cold start on the ground). */
    IDLE(7);

    private static final MissionPhase[] BY_CODE = new MissionPhase[8];

    static {
        for (MissionPhase phase : values()) {
            BY_CODE[phase.code] = phase;
        }
    }

    private final int code;

    MissionPhase(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for a code no phase publishes */
    public static MissionPhase fromCode(int code) {
        MissionPhase phase = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (phase == null) {
            throw new IllegalArgumentException("unknown mission phase code " + code);
        }
        return phase;
    }
}
