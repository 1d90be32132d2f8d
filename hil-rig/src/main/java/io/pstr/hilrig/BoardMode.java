package io.pstr.hilrig;

/**
 * The virtual board's flight modes with their PX4 custom_mode encoding and the ArduCopter mode each stands for
 * in the {@link Autopilot#ARDUPILOT ArduCopter personality}.
 */
public enum BoardMode {
    POSCTL(3, 0, BoardMode.COPTER_LOITER, false),
    /** Following the companion's setpoints: PX4 OFFBOARD, ArduCopter GUIDED. */
    OFFBOARD(6, 0, BoardMode.COPTER_GUIDED, false),
    /** PX4 AUTO.TAKEOFF; ArduCopter takes off in GUIDED (MAV_CMD_NAV_TAKEOFF). */
    AUTO_TAKEOFF(4, 2, BoardMode.COPTER_GUIDED, false),
    AUTO_LOITER(4, 3, BoardMode.COPTER_LOITER, false),
    AUTO_LAND(4, 6, BoardMode.COPTER_LAND, false),
    /** Offboard setpoints stopped: PX4 lands (AUTO.LAND) and reports CRITICAL. */
    FAILSAFE_LAND(4, 6, BoardMode.COPTER_LAND, true);

    public static final int PX4_MAIN_POSCTL = 3;
    public static final int PX4_MAIN_AUTO = 4;
    public static final int PX4_MAIN_OFFBOARD = 6;
    public static final int PX4_SUB_TAKEOFF = 2;
    public static final int PX4_SUB_LOITER = 3;
    public static final int PX4_SUB_LAND = 6;

    // ArduCopter's mode numbers: its heartbeat's custom_mode and DO_SET_MODE's param2, no bit shifting.
    /** ArduCopter STABILIZE. */
    public static final int COPTER_STABILIZE = 0;
    /** ArduCopter ALT_HOLD. */
    public static final int COPTER_ALT_HOLD = 2;
    /** ArduCopter AUTO. */
    public static final int COPTER_AUTO = 3;
    /** ArduCopter GUIDED: follows SET_ATTITUDE_TARGET and SET_POSITION_TARGET_LOCAL_NED. */
    public static final int COPTER_GUIDED = 4;
    /** ArduCopter LOITER: holds its position. */
    public static final int COPTER_LOITER = 5;
    /** ArduCopter RTL. */
    public static final int COPTER_RTL = 6;
    /** ArduCopter LAND. */
    public static final int COPTER_LAND = 9;
    /** ArduCopter BRAKE. */
    public static final int COPTER_BRAKE = 17;
    /** ArduCopter GUIDED_NOGPS: GUIDED's attitude targets without a position estimate. */
    public static final int COPTER_GUIDED_NOGPS = 20;

    private final int mainMode;
    private final int subMode;
    private final int copterMode;
    private final boolean failsafe;

    BoardMode(int mainMode, int subMode, int copterMode, boolean failsafe) {
        this.mainMode = mainMode;
        this.subMode = subMode;
        this.copterMode = copterMode;
        this.failsafe = failsafe;
    }

    /** PX4 custom_mode: main mode in bits 16..23, AUTO sub-mode in bits 24..31. */
    public long px4CustomMode() {
        return ((long) mainMode << 16) | ((long) subMode << 24);
    }

    /** ArduCopter custom_mode: the copter mode's number itself ({@link #COPTER_GUIDED}, {@link #COPTER_LAND}...). */
    public int arduCopterMode() {
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
