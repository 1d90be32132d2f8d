package io.pstr.hilrig;

/** The virtual board's flight modes with their PX4 custom_mode encoding. */
public enum BoardMode {
    POSCTL(3, 0, false),
    OFFBOARD(6, 0, false),
    AUTO_TAKEOFF(4, 2, false),
    AUTO_LOITER(4, 3, false),
    AUTO_LAND(4, 6, false),
    /** Offboard setpoints stopped: PX4 lands (AUTO.LAND) and reports CRITICAL. */
    FAILSAFE_LAND(4, 6, true);

    public static final int PX4_MAIN_POSCTL = 3;
    public static final int PX4_MAIN_AUTO = 4;
    public static final int PX4_MAIN_OFFBOARD = 6;
    public static final int PX4_SUB_TAKEOFF = 2;
    public static final int PX4_SUB_LOITER = 3;
    public static final int PX4_SUB_LAND = 6;

    private final int mainMode;
    private final int subMode;
    private final boolean failsafe;

    BoardMode(int mainMode, int subMode, boolean failsafe) {
        this.mainMode = mainMode;
        this.subMode = subMode;
        this.failsafe = failsafe;
    }

    /** PX4 custom_mode: main mode in bits 16..23, AUTO sub-mode in bits 24..31. */
    public long px4CustomMode() {
        return ((long) mainMode << 16) | ((long) subMode << 24);
    }

    public int mainMode() {
        return mainMode;
    }

    public int subMode() {
        return subMode;
    }

    public boolean isFailsafe() {
        return failsafe;
    }
}
