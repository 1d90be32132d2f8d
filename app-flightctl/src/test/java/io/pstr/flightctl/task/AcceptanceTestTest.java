package io.pstr.flightctl.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AcceptanceTestTest {

    private static final int PERIOD_MS = 20;
    private final AcceptanceTest test = new AcceptanceTest();
    private final Setpoint hover = Setpoint.fromEuler(Math.toRadians(5), Math.toRadians(-5), 0, 0.52);

    private AcceptanceTest.Reason check(Setpoint sp, Setpoint previous) {
        return test.check(sp, previous, 20, 20, 10, PERIOD_MS).reason();
    }

    @Test
    void shouldAcceptANormalOutput() {
        assertTrue(test.check(hover, null, 20, 20, 10, PERIOD_MS).accepted());
        Setpoint next = Setpoint.fromEuler(Math.toRadians(8), Math.toRadians(-7), 0, 0.6);
        assertEquals(AcceptanceTest.Reason.OK, check(next, hover));
    }

    @Test
    void shouldRejectNonFiniteValues() {
        assertEquals(AcceptanceTest.Reason.NOT_FINITE, check(new Setpoint(1f, 0f, 0f, 0f, Float.NaN), null));
        assertEquals(AcceptanceTest.Reason.NOT_FINITE, check(new Setpoint(Float.POSITIVE_INFINITY, 0f, 0f, 0f, 0.5f), null));
        assertEquals(AcceptanceTest.Reason.NOT_FINITE, test.check(hover, null, Double.NaN, 0, 10, PERIOD_MS).reason());
    }

    @Test
    void shouldRejectAQuaternionThatIsNotNormalized() {
        assertEquals(AcceptanceTest.Reason.QUATERNION_NOT_NORMALIZED, check(new Setpoint(1.01f, 0f, 0f, 0f, 0.5f), null));
    }

    @Test
    void shouldRejectThrustOutOfRange() {
        assertEquals(AcceptanceTest.Reason.THRUST_RANGE, check(new Setpoint(1f, 0f, 0f, 0f, 1.2f), null));
        assertEquals(AcceptanceTest.Reason.THRUST_RANGE, check(new Setpoint(1f, 0f, 0f, 0f, -0.1f), null));
    }

    @Test
    void shouldRejectTiltOutsideTheEnvelope() {
        assertEquals(AcceptanceTest.Reason.TILT_ENVELOPE, check(Setpoint.fromEuler(Math.toRadians(36), 0, 0, 0.5), null));
        assertEquals(AcceptanceTest.Reason.TILT_ENVELOPE,
                check(Setpoint.fromEuler(Math.toRadians(28), Math.toRadians(28), 0, 0.5), null), "combined tilt counts");
    }

    @Test
    void shouldRejectTiltAndThrustStepsAboveTheRateLimits() {
        Setpoint jump = Setpoint.fromEuler(Math.toRadians(5 + 11), Math.toRadians(-5), 0, 0.52);
        assertEquals(AcceptanceTest.Reason.TILT_RATE, check(jump, hover));
        Setpoint thrustJump = Setpoint.fromEuler(Math.toRadians(5), Math.toRadians(-5), 0, 0.85);
        assertEquals(AcceptanceTest.Reason.THRUST_RATE, check(thrustJump, hover));
        assertEquals(AcceptanceTest.Reason.OK, test.check(thrustJump, hover, 0, 0, 10, 40).reason(),
                "limits scale with the period");
    }

    @Test
    void shouldRejectATargetOutsideTheGeofence() {
        assertEquals(AcceptanceTest.Reason.GEOFENCE, test.check(hover, null, 80, 70, 10, PERIOD_MS).reason());
        assertEquals(AcceptanceTest.Reason.GEOFENCE, test.check(hover, null, 0, 0, 51, PERIOD_MS).reason());
    }
}
