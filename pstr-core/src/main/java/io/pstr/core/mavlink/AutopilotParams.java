package io.pstr.core.mavlink;

/**
 * The autopilot parameters the project reads from a board (the pre-flight checks) or serves as one (the virtual
 * board), spelt as PX4 and ArduPilot spell them.
 */
public final class AutopilotParams {

    /** PX4's offboard-loss timeout, in seconds: the board's failsafe after setpoints stop. */
    public static final String COM_OF_LOSS_T = "COM_OF_LOSS_T";
    /**
     * PX4's action when offboard setpoints stop (INT32): 0 position, 1 altitude, 2 stabilized (these three need an RC
     * link, without one PX4 does {@link #NAV_RCL_ACT}), 3 return, 4 land, 5 hold, 6 terminate, 7 disarm.
     */
    public static final String COM_OBL_RC_ACT = "COM_OBL_RC_ACT";
    /** PX4's action when the RC link is lost (INT32): 0 none, 1 hold, 2 return, 3 land, 5 terminate, 6 disarm. */
    public static final String NAV_RCL_ACT = "NAV_RCL_ACT";
    /** ArduCopter's GUIDED timeout, in seconds: after it without targets, it levels out and holds. */
    public static final String GUID_TIMEOUT = "GUID_TIMEOUT";
    /** ArduCopter's GUIDED options, a set of bits (MAV_PARAM_TYPE_INT32). */
    public static final String GUID_OPTIONS = "GUID_OPTIONS";
    /** GUID_OPTIONS bit 3, "SetAttitudeTarget_ThrustAsThrust": without it ArduCopter reads the thrust as a climb rate. */
    public static final int GUID_OPTIONS_THRUST_AS_THRUST = 8;

    private AutopilotParams() {
    }
}
