package io.pstr.hilrig;

/**
 * Rigid-body quadcopter in local NED (origin at take-off, altitude = -z). Pure and deterministic:
 * the caller steps it with a fixed dt. Thrust acts along body -z; the attitude follows the commanded
 * attitude as a first-order lag (time constant {@value #ATTITUDE_TAU_S} s) with a rate limit of
 * {@value #MAX_RATE_RAD_PER_S} rad/s per axis, a stand-in for the board's inner attitude loop.
 */
public final class QuadcopterModel {
    public static final double MASS_KG = 1.5;
    public static final double G_MPS2 = 9.81;
    /** Twice the weight, so normalised thrust 0.5 hovers. */
    public static final double MAX_THRUST_N = 2 * MASS_KG * G_MPS2;
    public static final double DRAG_N_PER_MPS = 0.25;
    public static final double ATTITUDE_TAU_S = 0.08;
    public static final double MAX_RATE_RAD_PER_S = 3.0;
    public static final double MAX_TILT_RAD = Math.toRadians(35);
    public static final double HOVER_THRUST = 0.5;
    public static final double FULL_BATTERY_V = 16.8;
    public static final double EMPTY_BATTERY_V = 13.2;
    /** Volts lost per second at full thrust: about a 15-minute hover from full to empty. */
    static final double BATTERY_DROP_V_PER_THRUST_S = 0.008;
    static final double LANDED_SPEED_MPS = 0.2;

    private double x, y, z, vx, vy, vz;
    private double roll, pitch, yaw;
    private double rollRate, pitchRate, yawRate;
    private double cmdRoll, cmdPitch, cmdYaw, cmdThrust;
    private double appliedThrust;
    private boolean motorsOn;
    private double batteryV = FULL_BATTERY_V;

    /** Commands attitude (rad) and normalised thrust 0..1; tilt is limited to 35 degrees. */
    public void command(double rollRad, double pitchRad, double yawRad, double thrust) {
        if (!Double.isFinite(rollRad) || !Double.isFinite(pitchRad) || !Double.isFinite(yawRad) || !Double.isFinite(thrust)) {
            return;
        }
        double r = clamp(rollRad, MAX_TILT_RAD);
        double p = clamp(pitchRad, MAX_TILT_RAD);
        double tilt = Math.acos(Math.cos(r) * Math.cos(p));
        if (tilt > MAX_TILT_RAD) {
            // Scale both so the combined tilt stays inside the limit (small-angle proportional).
            double k = MAX_TILT_RAD / tilt;
            r *= k;
            p *= k;
        }
        cmdRoll = r;
        cmdPitch = p;
        cmdYaw = Attitudes.wrapPi(yawRad);
        cmdThrust = Math.max(0, Math.min(1, thrust));
    }

    public void setMotorsOn(boolean on) {
        motorsOn = on;
    }

    /** Places the vehicle at rest (tests, and resets). */
    public void placeAt(double xM, double yM, double zM, double yawRad) {
        x = xM;
        y = yM;
        z = Math.min(0, zM);
        vx = vy = vz = 0;
        roll = pitch = 0;
        yaw = Attitudes.wrapPi(yawRad);
        cmdRoll = cmdPitch = 0;
        cmdYaw = yaw;
    }

    public void step(double dtS) {
        rollRate = rate(cmdRoll - roll);
        pitchRate = rate(cmdPitch - pitch);
        yawRate = rate(Attitudes.wrapPi(cmdYaw - yaw));
        roll += rollRate * dtS;
        pitch += pitchRate * dtS;
        yaw = Attitudes.wrapPi(yaw + yawRate * dtS);

        appliedThrust = motorsOn ? cmdThrust : 0;
        double thrustN = appliedThrust * MAX_THRUST_N;
        double cr = Math.cos(roll), sr = Math.sin(roll);
        double cp = Math.cos(pitch), sp = Math.sin(pitch);
        double cy = Math.cos(yaw), sy = Math.sin(yaw);
        // Third column of the body-to-NED rotation (ZYX): where body +z points; thrust is along -z.
        double bzX = cr * sp * cy + sr * sy;
        double bzY = cr * sp * sy - sr * cy;
        double bzZ = cr * cp;
        double ax = (-thrustN * bzX - DRAG_N_PER_MPS * vx) / MASS_KG;
        double ay = (-thrustN * bzY - DRAG_N_PER_MPS * vy) / MASS_KG;
        double az = (-thrustN * bzZ - DRAG_N_PER_MPS * vz) / MASS_KG + G_MPS2;
        vx += ax * dtS;
        vy += ay * dtS;
        vz += az * dtS;
        x += vx * dtS;
        y += vy * dtS;
        z += vz * dtS;
        if (z >= 0 && vz >= 0) {
            // Ground contact: no sinking, and friction stops the vehicle.
            z = 0;
            vx = vy = vz = 0;
        }
        batteryV = Math.max(EMPTY_BATTERY_V, batteryV - BATTERY_DROP_V_PER_THRUST_S * appliedThrust * dtS);
    }

    private static double rate(double error) {
        return clamp(error / ATTITUDE_TAU_S, MAX_RATE_RAD_PER_S);
    }

    private static double clamp(double v, double limit) {
        return Math.max(-limit, Math.min(limit, v));
    }

    public boolean onGround() {
        return z >= 0;
    }

    /** On the ground and (nearly) still. */
    public boolean landed() {
        return onGround() && speed() < LANDED_SPEED_MPS;
    }

    public double speed() {
        return Math.sqrt(vx * vx + vy * vy + vz * vz);
    }

    public double x() {
        return x;
    }

    public double y() {
        return y;
    }

    public double z() {
        return z;
    }

    public double vx() {
        return vx;
    }

    public double vy() {
        return vy;
    }

    public double vz() {
        return vz;
    }

    public double roll() {
        return roll;
    }

    public double pitch() {
        return pitch;
    }

    public double yaw() {
        return yaw;
    }

    public double rollRate() {
        return rollRate;
    }

    public double pitchRate() {
        return pitchRate;
    }

    public double yawRate() {
        return yawRate;
    }

    /** Normalised thrust the motors produce now (0 when disarmed). */
    public double appliedThrust() {
        return appliedThrust;
    }

    public double batteryVoltage() {
        return batteryV;
    }

    public boolean motorsOn() {
        return motorsOn;
    }
}
