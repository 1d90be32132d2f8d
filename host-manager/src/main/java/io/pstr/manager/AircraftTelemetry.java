package io.pstr.manager;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.AircraftStatus;

/**
 * The aircraft as the board's telemetry shows it, for status and the ground station. Written on
 * the link's thread, read anywhere: each update replaces an immutable snapshot.
 */
public final class AircraftTelemetry {

    private static final int ATTITUDE = 30;
    private static final int LOCAL_POSITION_NED = 32;
    private static final int HEARTBEAT = 0;
    private static final int SYS_STATUS = 1;
    /** The mode before the first heartbeat and while the link is down. */
    public static final String UNKNOWN_MODE = "UNKNOWN";

    private final MavlinkCodec codec = new MavlinkCodec();
    private volatile AircraftStatus status = new AircraftStatus(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, UNKNOWN_MODE, Double.NaN, -1);
    private volatile long lastUpdateNs = Long.MIN_VALUE;
    private long decodeErrors;
    private boolean failsafe;

    /**
     * The board's mode as a heartbeat showed it changed.
     *
     * @param failsafe the heartbeat's system status is critical or emergency: the board is in a failsafe
     */
    public record ModeChange(String from, String to, boolean failsafe) {
        public String describe() {
            return "board mode " + to + (failsafe ? " (failsafe)" : "") + ", was " + from;
        }
    }

    /** Whether a frame's message id is one this view cares about (the others are not decoded). */
    public static boolean wanted(int messageId) {
        return messageId == ATTITUDE || messageId == LOCAL_POSITION_NED || messageId == HEARTBEAT || messageId == SYS_STATUS;
    }

    /** Takes one telemetry frame; returns the change when it is a heartbeat with another mode or failsafe state, else null. */
    public ModeChange onFrame(byte[] frame, long nowNs) {
        Object payload;
        try {
            payload = codec.decodePayload(frame);
        } catch (RuntimeException e) {
            decodeErrors++;
            return null;
        }
        ModeChange change = null;
        AircraftStatus s = status;
        if (payload instanceof LocalPositionNed p) {
            s = new AircraftStatus(-p.z(), p.x(), p.y(), Math.hypot(p.vx(), p.vy()), -p.vz(), s.rollRad(), s.pitchRad(),
                    s.yawRad(), s.armed(), s.mode(), s.batteryV(), 0);
        } else if (payload instanceof Attitude a) {
            s = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), a.roll(),
                    a.pitch(), a.yaw(), s.armed(), s.mode(), s.batteryV(), 0);
        } else if (payload instanceof Heartbeat h) {
            boolean armed = h.baseMode() != null && h.baseMode().flagsEnabled(MavModeFlag.MAV_MODE_FLAG_SAFETY_ARMED);
            String mode = modeName(h.autopilot() == null ? 0 : h.autopilot().value(), h.customMode());
            boolean nowFailsafe = h.systemStatus() != null && (h.systemStatus().entry() == MavState.MAV_STATE_CRITICAL
                    || h.systemStatus().entry() == MavState.MAV_STATE_EMERGENCY);
            if (!mode.equals(s.mode()) || nowFailsafe != failsafe) {
                change = new ModeChange(s.mode(), mode, nowFailsafe);
                failsafe = nowFailsafe;
            }
            s = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                    s.pitchRad(), s.yawRad(), armed, mode, s.batteryV(), 0);
        } else if (payload instanceof SysStatus st) {
            s = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                    s.pitchRad(), s.yawRad(), s.armed(), s.mode(), st.voltageBattery() / 1000.0, 0);
        } else {
            return null;
        }
        status = s;
        lastUpdateNs = nowNs;
        return change;
    }

    /**
     * The link to the board is down: its mode is not known until the next heartbeat (which then reports a change,
     * whatever the board did meanwhile). The other figures stay as last seen; their age says how old they are.
     */
    public void linkLost() {
        AircraftStatus s = status;
        status = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                s.pitchRad(), s.yawRad(), s.armed(), UNKNOWN_MODE, s.batteryV(), 0);
        failsafe = false;
    }

    /** MAV_AUTOPILOT_ARDUPILOTMEGA. */
    static final int ARDUPILOT = 3;
    /** ArduCopter's mode names by number (its custom_mode); null where it has none. */
    private static final String[] COPTER_MODES = {"STABILIZE", "ACRO", "ALT_HOLD", "AUTO", "GUIDED", "LOITER", "RTL", "CIRCLE",
        null, "LAND", null, "DRIFT", null, "SPORT", "FLIP", "AUTOTUNE", "POSHOLD", "BRAKE", "THROW", "AVOID_ADSB",
        "GUIDED_NOGPS", "SMART_RTL", "FLOWHOLD", "FOLLOW", "ZIGZAG", "SYSTEMID", "AUTOROTATE", "AUTO_RTL", "TURTLE"};

    /** The mode a heartbeat's custom_mode names, in the words of its autopilot: ArduCopter's, else PX4's. */
    static String modeName(int autopilot, long customMode) {
        if (autopilot == ARDUPILOT) {
            String name = customMode >= 0 && customMode < COPTER_MODES.length ? COPTER_MODES[(int) customMode] : null;
            return name != null ? name : "MODE_" + customMode;
        }
        return px4Mode(customMode);
    }

    /** PX4's custom mode: main mode in bits 16..23, AUTO sub-mode in bits 24..31. */
    static String px4Mode(long customMode) {
        int main = (int) (customMode >> 16) & 0xFF;
        int sub = (int) (customMode >> 24) & 0xFF;
        return switch (main) {
            case 1 -> "MANUAL";
            case 2 -> "ALTCTL";
            case 3 -> "POSCTL";
            case 4 -> switch (sub) {
                case 2 -> "AUTO.TAKEOFF";
                case 3 -> "AUTO.LOITER";
                case 5 -> "AUTO.RTL";
                case 6 -> "AUTO.LAND";
                default -> "AUTO";
            };
            case 6 -> "OFFBOARD";
            default -> "MODE_" + main;
        };
    }

    public AircraftStatus snapshot(long nowNs) {
        AircraftStatus s = status;
        long age = lastUpdateNs == Long.MIN_VALUE ? -1 : (nowNs - lastUpdateNs) / 1_000_000;
        return new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                s.pitchRad(), s.yawRad(), s.armed(), s.mode(), s.batteryV(), age);
    }
}
