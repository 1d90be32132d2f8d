package io.pstr.manager;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.ardupilotmega.CopterMode;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.AircraftStatus;

/**
 * The aircraft as the board's telemetry shows it, for status and the ground station. Written on the link's thread,
 * read anywhere. A heartbeat is decoded as it comes (a change of mode is journalled at once); the frequent messages
 * (ATTITUDE, LOCAL_POSITION_NED, SYS_STATUS: 100 a second and more) are only copied as they come, the latest of each,
 * and decoded when a snapshot is asked for: a decode costs the link's thread about 5 µs here, and the replicas it has
 * just woken wait that long for its CPU when the kernel queued them there.
 */
public final class AircraftTelemetry {

    static final int ATTITUDE = 30;
    static final int LOCAL_POSITION_NED = 32;
    static final int HEARTBEAT = 0;
    static final int SYS_STATUS = 1;
    /** The mode before the first heartbeat and while the link is down. */
    public static final String UNKNOWN_MODE = "UNKNOWN";

    private final MavlinkCodec codec = new MavlinkCodec();
    /** Guards the latest frames, {@link #status}'s updates and the counters. */
    private final Object lock = new Object();
    /** Held by whoever decodes the latest frames (snapshots, on the API's threads), one at a time. */
    private final Object decoding = new Object();
    /** The snapshots' own codec: a codec is used by one thread at a time. */
    private final MavlinkCodec decoder = new MavlinkCodec();
    private final Latest attitude = new Latest();
    private final Latest position = new Latest();
    private final Latest sysStatus = new Latest();
    private volatile AircraftStatus status = new AircraftStatus(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, UNKNOWN_MODE, Double.NaN, -1);
    private volatile long lastUpdateNs = Long.MIN_VALUE;
    private long decodeErrors;
    private boolean failsafe;

    /** The latest frame of one message, not decoded yet while {@link #fresh}. */
    private static final class Latest {
        final byte[] frame = new byte[MavlinkCodec.MAX_FRAME_LENGTH];
        int length;
        boolean fresh;
    }

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

    /** {@link #onFrame(byte[], int, int, long)} of a whole array. */
    public ModeChange onFrame(byte[] frame, long nowNs) {
        return onFrame(frame, 0, frame.length, nowNs);
    }

    /**
     * Takes one telemetry frame, {@code [offset, offset + length)} of {@code buffer} (copied if kept); returns the
     * change when it is a heartbeat with another mode or failsafe state, else null. Allocates nothing but for a
     * heartbeat.
     */
    public ModeChange onFrame(byte[] buffer, int offset, int length, long nowNs) {
        if (length < 8 || length > MavlinkCodec.MAX_FRAME_LENGTH) {
            synchronized (lock) {
                decodeErrors++;
            }
            return null;
        }
        int id = MavlinkCodec.messageIdOf(buffer, offset);
        Latest latest = id == ATTITUDE ? attitude : id == LOCAL_POSITION_NED ? position : id == SYS_STATUS ? sysStatus : null;
        synchronized (lock) {
            if (latest != null) {
                System.arraycopy(buffer, offset, latest.frame, 0, length);
                latest.length = length;
                latest.fresh = true;
                lastUpdateNs = nowNs;
                return null;
            }
            Object payload = id == HEARTBEAT ? decode(codec, java.util.Arrays.copyOfRange(buffer, offset, offset + length)) : null;
            if (!(payload instanceof Heartbeat h)) {
                return null;
            }
            AircraftStatus s = status;
            boolean armed = h.baseMode() != null && h.baseMode().flagsEnabled(MavModeFlag.MAV_MODE_FLAG_SAFETY_ARMED);
            String mode = modeName(h.autopilot() == null ? 0 : h.autopilot().value(), h.customMode());
            boolean nowFailsafe = h.systemStatus() != null && (h.systemStatus().entry() == MavState.MAV_STATE_CRITICAL
                    || h.systemStatus().entry() == MavState.MAV_STATE_EMERGENCY);
            ModeChange change = null;
            if (!mode.equals(s.mode()) || nowFailsafe != failsafe) {
                change = new ModeChange(s.mode(), mode, nowFailsafe);
                failsafe = nowFailsafe;
            }
            status = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                    s.pitchRad(), s.yawRad(), armed, mode, s.batteryV(), 0);
            lastUpdateNs = nowNs;
            return change;
        }
    }

    /** Frames of the messages this view reads that could not be decoded, or were too long to be a frame. */
    public long decodeErrors() {
        synchronized (lock) {
            return decodeErrors;
        }
    }

    /** The payload of {@code frame} decoded with {@code codec}, or null (counted) if it cannot be; under {@link #lock}. */
    private Object decode(MavlinkCodec codec, byte[] frame) {
        Object payload = tryDecode(codec, frame);
        if (payload == null) {
            decodeErrors++;
        }
        return payload;
    }

    private static Object tryDecode(MavlinkCodec codec, byte[] frame) {
        try {
            return codec.decodePayload(frame);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The latest frame of {@code latest} if it came since the last look, copied; null if not. Under {@link #lock}. */
    private static byte[] takeFresh(Latest latest) {
        if (!latest.fresh) {
            return null;
        }
        latest.fresh = false;
        return java.util.Arrays.copyOf(latest.frame, latest.length);
    }

    /**
     * Decodes what came since the last look into {@link #status}: the frames are taken under {@link #lock} and decoded
     * outside it, so the link's thread never waits for a decode; one decoder at a time, so none applies an older frame
     * over a newer one.
     */
    private void decodeLatest() {
        synchronized (decoding) {
            byte[] positionFrame;
            byte[] attitudeFrame;
            byte[] sysStatusFrame;
            synchronized (lock) {
                positionFrame = takeFresh(position);
                attitudeFrame = takeFresh(attitude);
                sysStatusFrame = takeFresh(sysStatus);
            }
            Object p = positionFrame == null ? null : decodeCounted(positionFrame);
            Object a = attitudeFrame == null ? null : decodeCounted(attitudeFrame);
            Object st = sysStatusFrame == null ? null : decodeCounted(sysStatusFrame);
            synchronized (lock) {
                AircraftStatus s = status;
                if (p instanceof LocalPositionNed n) {
                    s = new AircraftStatus(-n.z(), n.x(), n.y(), Math.hypot(n.vx(), n.vy()), -n.vz(), s.rollRad(), s.pitchRad(),
                            s.yawRad(), s.armed(), s.mode(), s.batteryV(), 0);
                }
                if (a instanceof Attitude at) {
                    s = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), at.roll(),
                            at.pitch(), at.yaw(), s.armed(), s.mode(), s.batteryV(), 0);
                }
                if (st instanceof SysStatus sys) {
                    s = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                            s.pitchRad(), s.yawRad(), s.armed(), s.mode(), sys.voltageBattery() / 1000.0, 0);
                }
                status = s;
            }
        }
    }

    /** {@link #decode} outside {@link #lock}, with the snapshots' own codec; a failure is counted under it. */
    private Object decodeCounted(byte[] frame) {
        Object payload = tryDecode(decoder, frame);
        if (payload == null) {
            synchronized (lock) {
                decodeErrors++;
            }
        }
        return payload;
    }

    /**
     * The link to the board is down: its mode is not known until the next heartbeat (which then reports a change,
     * whatever the board did meanwhile). The other figures stay as last seen; their age says how old they are.
     */
    public void linkLost() {
        synchronized (lock) {
            AircraftStatus s = status;
            status = new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                    s.pitchRad(), s.yawRad(), s.armed(), UNKNOWN_MODE, s.batteryV(), 0);
            failsafe = false;
        }
    }

    private static final int ARDUPILOT = EnumValue.of(MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA).value();
    private static final String COPTER_MODE_PREFIX = "COPTER_MODE_";

    /**
     * The mode a heartbeat's custom_mode names, in the words of its autopilot: ArduCopter's (the MAVLink dialect's
     * COPTER_MODE, without its prefix), else PX4's; MODE_n for a number the dialect does not name.
     */
    static String modeName(int autopilot, long customMode) {
        if (autopilot == ARDUPILOT) {
            CopterMode mode = customMode >= 0 && customMode <= Integer.MAX_VALUE
                    ? EnumValue.create(CopterMode.class, (int) customMode).entry() : null;
            return mode != null ? mode.name().substring(COPTER_MODE_PREFIX.length()) : "MODE_" + customMode;
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
        decodeLatest();
        AircraftStatus s = status;
        long age = lastUpdateNs == Long.MIN_VALUE ? -1 : (nowNs - lastUpdateNs) / 1_000_000;
        return new AircraftStatus(s.altitudeM(), s.northM(), s.eastM(), s.groundSpeedMps(), s.climbRateMps(), s.rollRad(),
                s.pitchRad(), s.yawRad(), s.armed(), s.mode(), s.batteryV(), age);
    }
}
