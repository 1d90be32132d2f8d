package io.pstr.flightctl.task;

/**
 * One attitude setpoint as it goes on the wire: quaternion [w, x, y, z] body to NED and normalized thrust.
 * Floats, because that is what SET_ATTITUDE_TARGET carries and what the acceptance test must judge.
 */
public record Setpoint(float qw, float qx, float qy, float qz, float thrust) {

    /** Level attitude, yaw 0, no thrust: what is streamed on the ground. */
    public static final Setpoint NEUTRAL = new Setpoint(1f, 0f, 0f, 0f, 0f);

    /** From Euler ZYX angles (roll, pitch, yaw). */
    public static Setpoint fromEuler(double rollRad, double pitchRad, double yawRad, double thrust) {
        double cr = StrictMath.cos(rollRad / 2), sr = StrictMath.sin(rollRad / 2);
        double cp = StrictMath.cos(pitchRad / 2), sp = StrictMath.sin(pitchRad / 2);
        double cy = StrictMath.cos(yawRad / 2), sy = StrictMath.sin(yawRad / 2);
        return new Setpoint(
                (float) (cr * cp * cy + sr * sp * sy),
                (float) (sr * cp * cy - cr * sp * sy),
                (float) (cr * sp * cy + sr * cp * sy),
                (float) (cr * cp * sy - sr * sp * cy),
                (float) thrust);
    }

    public double norm() {
        return StrictMath.sqrt((double) qw * qw + (double) qx * qx + (double) qy * qy + (double) qz * qz);
    }

    /** Angle between body z and NED z (the tilt), for a normalized quaternion. */
    public double tiltRad() {
        double cosTilt = 1.0 - 2.0 * ((double) qx * qx + (double) qy * qy);
        return StrictMath.acos(Math.max(-1.0, Math.min(1.0, cosTilt)));
    }

    /** Rotation angle from {@code other} to this attitude. */
    public double angleToRad(Setpoint other) {
        double dot = (double) qw * other.qw + (double) qx * other.qx + (double) qy * other.qy + (double) qz * other.qz;
        return 2.0 * StrictMath.acos(Math.min(1.0, Math.abs(dot)));
    }

    public double rollRad() {
        return StrictMath.atan2(2.0 * ((double) qw * qx + (double) qy * qz), 1.0 - 2.0 * ((double) qx * qx + (double) qy * qy));
    }

    public double pitchRad() {
        return StrictMath.asin(Math.max(-1.0, Math.min(1.0, 2.0 * ((double) qw * qy - (double) qz * qx))));
    }
}
