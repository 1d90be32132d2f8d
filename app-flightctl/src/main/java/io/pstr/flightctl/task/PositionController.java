package io.pstr.flightctl.task;

/**
 * Cascaded multicopter position controller: position error to velocity setpoint (P), velocity error to
 * acceleration (PI with conditional-integration anti-windup, integrators in the {@link Ods}), acceleration
 * to tilt and thrust. Yaw is held at 0. Deterministic: doubles, {@link StrictMath}, no state of its own.
 * The output is slewed so that a healthy controller never trips the acceptance test's rate limits.
 */
public final class PositionController {

    public static final double GRAVITY_MPS2 = 9.80665;

    /**
     * @param positionGainPerSec     velocity setpoint per metre of position error
     * @param velocityGainPerSec     acceleration per m/s of velocity error
     * @param velocityIntegralGainPerSec2 integrator rate per m/s of velocity error
     * @param integratorLimitMps2    integrator clamp, per axis
     * @param maxUpMps               climb speed limit
     * @param maxDownMps             descent speed limit
     * @param landDescentMps         descent speed while landing
     * @param maxTiltDeg             tilt the controller may ask for
     * @param hoverThrust            normalized thrust that holds altitude when level
     * @param minFlightThrust        thrust floor in flight (keeps the motors spinning and the attitude controllable)
     * @param maxFlightThrust        thrust ceiling
     * @param tiltSlewRadPerSec      output slew limit of roll and pitch
     * @param thrustSlewPerSec       output slew limit of thrust
     */
    public record Gains(
            double positionGainPerSec,
            double velocityGainPerSec,
            double velocityIntegralGainPerSec2,
            double integratorLimitMps2,
            double maxUpMps,
            double maxDownMps,
            double landDescentMps,
            double maxTiltDeg,
            double hoverThrust,
            double minFlightThrust,
            double maxFlightThrust,
            double tiltSlewRadPerSec,
            double thrustSlewPerSec) {

        public static Gains defaults() {
            return new Gains(1.0, 3.0, 0.6, 3.0, 2.0, 1.0, 0.7, 30.0, 0.5, 0.1, 0.9, 3.0, 5.0);
        }
    }

    private final Gains gains;
    private final double maxTiltRad;

    public PositionController(Gains gains) {
        this.gains = gains;
        this.maxTiltRad = StrictMath.toRadians(gains.maxTiltDeg());
    }

    public Gains gains() {
        return gains;
    }

    /**
     * Flies toward the ODS position target ({@code landing}: holds north/east and descends at the landing
     * speed instead). Updates the velocity integrators in the ODS.
     */
    public Setpoint fly(Ods ods, double cruiseSpeedMps, boolean landing, int periodMs) {
        double dtSec = periodMs / 1000.0;
        double errN = ods.targetNorthM - ods.positionNorthM;
        double errE = ods.targetEastM - ods.positionEastM;
        double errD = -ods.targetAltitudeM - ods.positionDownM;

        double vspN = gains.positionGainPerSec() * errN;
        double vspE = gains.positionGainPerSec() * errE;
        double vspHorizontal = StrictMath.sqrt(vspN * vspN + vspE * vspE);
        if (vspHorizontal > cruiseSpeedMps) {
            vspN *= cruiseSpeedMps / vspHorizontal;
            vspE *= cruiseSpeedMps / vspHorizontal;
        }
        double vspD = landing ? gains.landDescentMps() : clamp(gains.positionGainPerSec() * errD, -gains.maxUpMps(), gains.maxDownMps());

        double evN = vspN - ods.velocityNorthMps;
        double evE = vspE - ods.velocityEastMps;
        double evD = vspD - ods.velocityDownMps;
        double limit = gains.integratorLimitMps2();
        double iN = clamp(ods.velIntegratorNorth + gains.velocityIntegralGainPerSec2() * evN * dtSec, -limit, limit);
        double iE = clamp(ods.velIntegratorEast + gains.velocityIntegralGainPerSec2() * evE * dtSec, -limit, limit);
        double iD = clamp(ods.velIntegratorDown + gains.velocityIntegralGainPerSec2() * evD * dtSec, -limit, limit);

        double aN = gains.velocityGainPerSec() * evN + iN;
        double aE = gains.velocityGainPerSec() * evE + iE;
        double aDUnclamped = gains.velocityGainPerSec() * evD + iD;
        // never ask to fall faster than 0.6 g nor climb harder than 1 g: keeps the lift positive and bounded
        double aD = clamp(aDUnclamped, -GRAVITY_MPS2, 0.6 * GRAVITY_MPS2);
        double liftMps2 = GRAVITY_MPS2 - aD;

        // limit the horizontal acceleration so that the total tilt, not each angle, stays inside the envelope
        double maxHorizontalMps2 = liftMps2 * StrictMath.tan(maxTiltRad);
        double aHorizontal = StrictMath.sqrt(aN * aN + aE * aE);
        boolean horizontalSaturated = aHorizontal > maxHorizontalMps2;
        if (horizontalSaturated) {
            aN *= maxHorizontalMps2 / aHorizontal;
            aE *= maxHorizontalMps2 / aHorizontal;
        }
        double cosYaw = StrictMath.cos(ods.yawRad);
        double sinYaw = StrictMath.sin(ods.yawRad);
        double aForward = cosYaw * aN + sinYaw * aE;
        double aRight = -sinYaw * aN + cosYaw * aE;
        double pitchRad = clamp(StrictMath.atan2(-aForward, liftMps2), -maxTiltRad, maxTiltRad);
        double rollRad = clamp(StrictMath.atan2(aRight * StrictMath.cos(pitchRad), liftMps2), -maxTiltRad, maxTiltRad);

        double thrustRaw = gains.hoverThrust() * (liftMps2 / GRAVITY_MPS2)
                / (StrictMath.cos(rollRad) * StrictMath.cos(pitchRad));
        double thrust = clamp(thrustRaw, gains.minFlightThrust(), gains.maxFlightThrust());
        boolean verticalSaturated = thrust != thrustRaw || aD != aDUnclamped;

        // conditional integration: a saturated axis keeps its old integrator so it cannot wind up
        if (!horizontalSaturated) {
            ods.velIntegratorNorth = iN;
            ods.velIntegratorEast = iE;
        }
        if (!verticalSaturated) {
            ods.velIntegratorDown = iD;
        }
        return slew(ods, rollRad, pitchRad, thrust, periodMs);
    }

    /** On the ground: level, no thrust, integrators cleared. */
    public Setpoint ground(Ods ods, int periodMs) {
        ods.velIntegratorNorth = 0;
        ods.velIntegratorEast = 0;
        ods.velIntegratorDown = 0;
        return slew(ods, 0.0, 0.0, 0.0, periodMs);
    }

    private Setpoint slew(Ods ods, double rollRad, double pitchRad, double thrust, int periodMs) {
        if (!ods.hasLastOutput) {
            return Setpoint.fromEuler(rollRad, pitchRad, 0.0, thrust);
        }
        Setpoint last = new Setpoint(ods.lastQw, ods.lastQx, ods.lastQy, ods.lastQz, ods.lastThrust);
        double tiltStepRad = gains.tiltSlewRadPerSec() * periodMs / 1000.0;
        double thrustStep = gains.thrustSlewPerSec() * periodMs / 1000.0;
        double lastRoll = last.rollRad();
        double lastPitch = last.pitchRad();
        return Setpoint.fromEuler(
                lastRoll + clamp(rollRad - lastRoll, -tiltStepRad, tiltStepRad),
                lastPitch + clamp(pitchRad - lastPitch, -tiltStepRad, tiltStepRad),
                0.0,
                last.thrust() + clamp(thrust - last.thrust(), -thrustStep, thrustStep));
    }

    static double clamp(double value, double min, double max) {
        return value < min ? min : value > max ? max : value;
    }
}
