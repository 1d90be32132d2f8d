package io.pstr.flightctl.task;

/**
 * Checks every setpoint before it leaves the replica (the TMO acceptance test): a failing output is never
 * sent, and the failure is a fault signal of its own. Rate limits are per second and scaled by the period
 * so that they mean the same at any loop rate.
 */
public final class AcceptanceTest {

    /** Why an output was rejected. Codes are published (status and journal). */
    public enum Reason {
        OK(0), NOT_FINITE(1), QUATERNION_NOT_NORMALIZED(2), THRUST_RANGE(3), TILT_ENVELOPE(4),
        TILT_RATE(5), THRUST_RATE(6), GEOFENCE(7);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public record Result(Reason reason, String detail) {
        public static final Result OK = new Result(Reason.OK, "");

        public boolean accepted() {
            return reason == Reason.OK;
        }
    }

    /**
     * @param maxTiltDeg             envelope (the board's limit)
     * @param quaternionNormTolerance allowed | |q| - 1 |
     * @param maxTiltRateDegPerSec   attitude change between two outputs (10 deg per cycle at 50 Hz)
     * @param maxThrustRatePerSec    thrust change between two outputs (0.3 per cycle at 50 Hz)
     * @param geofenceRadiusM        horizontal distance of the position target from the origin
     * @param geofenceAltitudeM      altitude ceiling of the position target
     */
    public record Limits(double maxTiltDeg, double quaternionNormTolerance, double maxTiltRateDegPerSec,
                         double maxThrustRatePerSec, double geofenceRadiusM, double geofenceAltitudeM) {

        public static Limits defaults() {
            return new Limits(35.0, 1e-3, 500.0, 15.0, MissionPlan.MAX_RADIUS_M, MissionPlan.MAX_ALTITUDE_M);
        }
    }

    /** Slack for float rounding of an output that sits exactly on a limit. */
    private static final double EPSILON = 1e-6;

    private final Limits limits;

    public AcceptanceTest(Limits limits) {
        this.limits = limits;
    }

    public AcceptanceTest() {
        this(Limits.defaults());
    }

    public Limits limits() {
        return limits;
    }

    /**
     * @param previous the last output that left, or null when there is none (first output)
     * @param targetNorthM the position target the setpoint flies to (geofence)
     */
    public Result check(Setpoint sp, Setpoint previous, double targetNorthM, double targetEastM, double targetAltitudeM,
                        int periodMs) {
        if (!finite(sp.qw()) || !finite(sp.qx()) || !finite(sp.qy()) || !finite(sp.qz()) || !finite(sp.thrust())
                || !Double.isFinite(targetNorthM) || !Double.isFinite(targetEastM) || !Double.isFinite(targetAltitudeM)) {
            return new Result(Reason.NOT_FINITE, "non-finite value in " + sp);
        }
        double norm = sp.norm();
        if (Math.abs(norm - 1.0) > limits.quaternionNormTolerance()) {
            return new Result(Reason.QUATERNION_NOT_NORMALIZED, "|q| = " + norm);
        }
        if (sp.thrust() < 0f || sp.thrust() > 1f) {
            return new Result(Reason.THRUST_RANGE, "thrust " + sp.thrust() + " outside [0, 1]");
        }
        double tiltDeg = StrictMath.toDegrees(sp.tiltRad());
        if (tiltDeg > limits.maxTiltDeg() + EPSILON) {
            return new Result(Reason.TILT_ENVELOPE, "tilt " + tiltDeg + " deg > " + limits.maxTiltDeg());
        }
        if (previous != null) {
            double periodSec = periodMs / 1000.0;
            double tiltStepDeg = StrictMath.toDegrees(sp.angleToRad(previous));
            double maxTiltStepDeg = limits.maxTiltRateDegPerSec() * periodSec;
            if (tiltStepDeg > maxTiltStepDeg + EPSILON) {
                return new Result(Reason.TILT_RATE, "attitude step " + tiltStepDeg + " deg > " + maxTiltStepDeg);
            }
            double thrustStep = Math.abs((double) sp.thrust() - previous.thrust());
            double maxThrustStep = limits.maxThrustRatePerSec() * periodSec;
            if (thrustStep > maxThrustStep + EPSILON) {
                return new Result(Reason.THRUST_RATE, "thrust step " + thrustStep + " > " + maxThrustStep);
            }
        }
        double radiusM = StrictMath.sqrt(targetNorthM * targetNorthM + targetEastM * targetEastM);
        if (radiusM > limits.geofenceRadiusM() || targetAltitudeM > limits.geofenceAltitudeM()) {
            return new Result(Reason.GEOFENCE, "target " + radiusM + " m out, " + targetAltitudeM + " m up, outside the geofence");
        }
        return Result.OK;
    }

    private static boolean finite(float value) {
        return Float.isFinite(value);
    }
}
