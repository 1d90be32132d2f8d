package io.pstr.hilrig;

/** Quaternion [w,x,y,z] (body to NED) and Euler ZYX (roll, pitch, yaw) conversions, as MAVLink uses them. */
public final class Attitudes {
    private Attitudes() {
    }

    /** @return {w, x, y, z} */
    public static double[] toQuaternion(double roll, double pitch, double yaw) {
        double cr = Math.cos(roll / 2), sr = Math.sin(roll / 2);
        double cp = Math.cos(pitch / 2), sp = Math.sin(pitch / 2);
        double cy = Math.cos(yaw / 2), sy = Math.sin(yaw / 2);
        return new double[] {
            cr * cp * cy + sr * sp * sy,
            sr * cp * cy - cr * sp * sy,
            cr * sp * cy + sr * cp * sy,
            cr * cp * sy - sr * sp * cy,
        };
    }

    /** @return {roll, pitch, yaw} in radians; the quaternion need not be normalised */
    public static double[] toEuler(double w, double x, double y, double z) {
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n;
        x /= n;
        y /= n;
        z /= n;
        double roll = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
        double pitch = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
        double yaw = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
        return new double[] {roll, pitch, yaw};
    }

    /** Wraps an angle to [-pi, pi). */
    public static double wrapPi(double a) {
        double r = (a + Math.PI) % (2 * Math.PI);
        if (r < 0) {
            r += 2 * Math.PI;
        }
        return r - Math.PI;
    }
}
