package io.pstr.hilrig;

import io.dronefleet.mavlink.ardupilotmega.CopterMode;
import io.dronefleet.mavlink.util.EnumValue;

/**
 * The virtual board's flight modes with their PX4 custom_mode encoding and the ArduCopter mode each stands for
 * in the {@link Autopilot#ARDUPILOT ArduCopter personality}.
 */
public enum BoardMode {
    POSCTL(3, 0, CopterMode.COPTER_MODE_LOITER, false),
    /** Following the companion's setpoints: PX4 OFFBOARD, ArduCopter GUIDED. */
    OFFBOARD(6, 0, CopterMode.COPTER_MODE_GUIDED, false),
    /** PX4 AUTO.TAKEOFF; ArduCopter takes off in GUIDED (MAV_CMD_NAV_TAKEOFF). */
    AUTO_TAKEOFF(4, 2, CopterMode.COPTER_MODE_GUIDED, false),
    AUTO_LOITER(4, 3, CopterMode.COPTER_MODE_LOITER, false),
    AUTO_LAND(4, 6, CopterMode.COPTER_MODE_LAND, false),
    /** Offboard setpoints stopped: PX4 lands (AUTO.LAND) and reports CRITICAL. */
    FAILSAFE_LAND(4, 6, CopterMode.COPTER_MODE_LAND, true);

    public static final int PX4_MAIN_POSCTL = 3;
    public static final int PX4_MAIN_AUTO = 4;
    public static final int PX4_MAIN_OFFBOARD = 6;
    public static final int PX4_SUB_TAKEOFF = 2;
    public static final int PX4_SUB_LOITER = 3;
    public static final int PX4_SUB_LAND = 6;

    // ArduCopter's mode numbers (its heartbeat's custom_mode and DO_SET_MODE's param2), as the MAVLink dialect has them.
    /** ArduCopter STABILIZE. */
    public static final int COPTER_STABILIZE = number(CopterMode.COPTER_MODE_STABILIZE);
    /** ArduCopter ALT_HOLD. */
    public static final int COPTER_ALT_HOLD = number(CopterMode.COPTER_MODE_ALT_HOLD);
    /** ArduCopter AUTO. */
    public static final int COPTER_AUTO = number(CopterMode.COPTER_MODE_AUTO);
    /** ArduCopter GUIDED: follows SET_ATTITUDE_TARGET and SET_POSITION_TARGET_LOCAL_NED. */
    public static final int COPTER_GUIDED = number(CopterMode.COPTER_MODE_GUIDED);
    /** ArduCopter LOITER: holds its position. */
    public static final int COPTER_LOITER = number(CopterMode.COPTER_MODE_LOITER);
    /** ArduCopter RTL. */
    public static final int COPTER_RTL = number(CopterMode.COPTER_MODE_RTL);
    /** ArduCopter LAND. */
    public static final int COPTER_LAND = number(CopterMode.COPTER_MODE_LAND);
    /** ArduCopter BRAKE. */
    public static final int COPTER_BRAKE = number(CopterMode.COPTER_MODE_BRAKE);
    /** ArduCopter GUIDED_NOGPS: GUIDED's attitude targets without a position estimate. */
    public static final int COPTER_GUIDED_NOGPS = number(CopterMode.COPTER_MODE_GUIDED_NOGPS);

    private final int mainMode;
    private final int subMode;
    private final CopterMode copterMode;
    private final boolean failsafe;

    BoardMode(int mainMode, int subMode, CopterMode copterMode, boolean failsafe) {
        this.mainMode = mainMode;
        this.subMode = subMode;
        this.copterMode = copterMode;
        this.failsafe = failsafe;
    }

    /** The number of ArduCopter mode {@code mode}. */
    static int number(CopterMode mode) {
        return EnumValue.of(mode).value();
    }

    /** PX4 custom_mode: main mode in bits 16..23, AUTO sub-mode in bits 24..31. */
    public long px4CustomMode() {
        return ((long) mainMode << 16) | ((long) subMode << 24);
    }

    /** ArduCopter custom_mode: the copter mode's number itself ({@link #COPTER_GUIDED}, {@link #COPTER_LAND}...). */
    public int arduCopterMode() {
        return number(copterMode);
    }

    /** The ArduCopter mode this mode stands for in the ArduCopter personality. */
    public CopterMode copterMode() {
        return copterMode;
    }

    public int mainMode() {
        return mainMode;
    }

    public int subMode() {
        return subMode;
    }

    /** A failsafe the board started itself: its heartbeat says MAV_STATE_CRITICAL. */
    public boolean isFailsafe() {
        return failsafe;
    }
}
