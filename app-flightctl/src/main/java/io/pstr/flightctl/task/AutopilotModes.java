package io.pstr.flightctl.task;

import io.dronefleet.mavlink.ardupilotmega.CopterMode;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.util.EnumValue;

/**
 * How the board's autopilot names the modes the flight task deals in: the one where the board follows the
 * companion's attitude setpoints (PX4 OFFBOARD, ArduCopter GUIDED), and those a ground station may ask for. Told
 * by the autopilot field of the board's heartbeat; anything but ArduPilot is spoken to as PX4 (the virtual board,
 * FlightGear's bridge).
 */
enum AutopilotModes {

    /** custom_mode: main mode in bits 16..23, AUTO's sub-mode in bits 24..31; DO_SET_MODE param2 main, param3 sub. */
    PX4("OFFBOARD", FlightTask.PX4_MAIN_MODE_OFFBOARD),
    /**
     * custom_mode is the copter mode's number, as is DO_SET_MODE's param2. In GUIDED (and GUIDED_NOGPS) ArduCopter
     * takes SET_ATTITUDE_TARGET; its thrust field is thrust only with GUID_OPTIONS bit 3 set, which the pre-flight
     * check asks for.
     */
    ARDUCOPTER("GUIDED", ArduCopter.GUIDED);

    /** ArduCopter's mode numbers (custom_mode) that the task deals in, as the MAVLink dialect numbers them. */
    static final class ArduCopter {
        static final int GUIDED = EnumValue.of(CopterMode.COPTER_MODE_GUIDED).value();
        static final int GUIDED_NOGPS = EnumValue.of(CopterMode.COPTER_MODE_GUIDED_NOGPS).value();
        static final int LAND = EnumValue.of(CopterMode.COPTER_MODE_LAND).value();

        private ArduCopter() {
        }
    }

    private static final int ARDUPILOT = EnumValue.of(MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA).value();

    /** What a ground station's DO_SET_MODE asks of the mission. */
    enum Asked { RESUME, PAUSE, LAND, UNSUPPORTED }

    private final String followingName;
    private final int followingMode;

    AutopilotModes(String followingName, int followingMode) {
        this.followingName = followingName;
        this.followingMode = followingMode;
    }

    static AutopilotModes of(Ods ods) {
        return ods.autopilot == ARDUPILOT ? ARDUCOPTER : PX4;
    }

    /** The name of the mode where the board follows our setpoints, for the log. */
    String followingName() {
        return followingName;
    }

    /** DO_SET_MODE's param2 (with param1 MAV_MODE_FLAG_CUSTOM_MODE_ENABLED) for that mode. */
    int followingMode() {
        return followingMode;
    }

    /**
     * Whether the board sends the telemetry the task flies on only when asked ({@link TelemetryStreams}): ArduCopter,
     * whose stream rates all default to 0; PX4 streams to a companion by itself.
     */
    boolean streamsOnlyWhenAsked() {
        return this == ARDUCOPTER;
    }

    /** Whether the board, in heartbeat custom_mode {@code customMode}, follows our setpoints. */
    boolean following(long customMode) {
        if (this == PX4) {
            return ((customMode >>> 16) & 0xFF) == FlightTask.PX4_MAIN_MODE_OFFBOARD;
        }
        return customMode == ArduCopter.GUIDED || customMode == ArduCopter.GUIDED_NOGPS;
    }

    /** Whether the board, in heartbeat custom_mode {@code customMode}, is landing by itself (PX4 AUTO.LAND, ArduCopter LAND). */
    boolean landing(long customMode) {
        if (this == PX4) {
            return ((customMode >>> 16) & 0xFF) == FlightTask.PX4_MAIN_MODE_AUTO
                    && ((customMode >>> 24) & 0xFF) == FlightTask.PX4_AUTO_LAND;
        }
        return customMode == ArduCopter.LAND;
    }

    /** A ground station's DO_SET_MODE with custom mode {@code param2} (and PX4's sub-mode {@code param3}). */
    Asked asked(int param2, int param3) {
        if (this == PX4) {
            if (param2 == FlightTask.PX4_MAIN_MODE_OFFBOARD
                    || param2 == FlightTask.PX4_MAIN_MODE_AUTO && param3 == FlightTask.PX4_AUTO_MISSION) {
                return Asked.RESUME;
            }
            if (param2 == FlightTask.PX4_MAIN_MODE_AUTO && param3 == FlightTask.PX4_AUTO_LOITER) {
                return Asked.PAUSE;
            }
            return param2 == FlightTask.PX4_MAIN_MODE_AUTO && param3 == FlightTask.PX4_AUTO_LAND ? Asked.LAND : Asked.UNSUPPORTED;
        }
        CopterMode mode = EnumValue.create(CopterMode.class, param2).entry();
        if (mode == null) {
            return Asked.UNSUPPORTED;
        }
        return switch (mode) {
            case COPTER_MODE_GUIDED, COPTER_MODE_GUIDED_NOGPS -> Asked.RESUME;
            case COPTER_MODE_LOITER, COPTER_MODE_BRAKE -> Asked.PAUSE;
            case COPTER_MODE_LAND -> Asked.LAND;
            default -> Asked.UNSUPPORTED;
        };
    }
}
