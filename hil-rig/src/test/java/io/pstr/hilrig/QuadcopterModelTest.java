package io.pstr.hilrig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuadcopterModelTest {

    private static final double DT_S = 1.0 / 250;

    private static void run(QuadcopterModel m, double seconds) {
        for (int i = 0; i < Math.round(seconds / DT_S); i++) {
            m.step(DT_S);
        }
    }

    @Test
    void shouldHoldAltitudeWithinFiveCentimetresAtHalfThrustForTenSeconds() {
        QuadcopterModel m = new QuadcopterModel();
        m.placeAt(0, 0, -10, 0);
        m.setMotorsOn(true);
        m.command(0, 0, 0, QuadcopterModel.HOVER_THRUST);
        double worst = 0;
        for (int i = 0; i < 2500; i++) {
            m.step(DT_S);
            worst = Math.max(worst, Math.abs(m.z() + 10));
        }
        assertTrue(worst < 0.05, "altitude error " + worst);
        assertTrue(m.batteryVoltage() < QuadcopterModel.FULL_BATTERY_V);
    }

    @Test
    void shouldAccelerateNorthWhenPitchedNoseDownAndEastWhenRolledRight() {
        QuadcopterModel north = new QuadcopterModel();
        north.placeAt(0, 0, -10, 0);
        north.setMotorsOn(true);
        north.command(0, Math.toRadians(-10), 0, 0.52);
        run(north, 1.0);
        assertTrue(north.vx() > 0.5, "vx " + north.vx());
        assertEquals(0, north.vy(), 1e-9);

        QuadcopterModel east = new QuadcopterModel();
        east.placeAt(0, 0, -10, 0);
        east.setMotorsOn(true);
        east.command(Math.toRadians(10), 0, 0, 0.52);
        run(east, 1.0);
        assertTrue(east.vy() > 0.5, "vy " + east.vy());

        // Yawed 90 degrees, nose down flies east.
        QuadcopterModel yawed = new QuadcopterModel();
        yawed.placeAt(0, 0, -10, Math.PI / 2);
        yawed.setMotorsOn(true);
        yawed.command(0, Math.toRadians(-10), Math.PI / 2, 0.52);
        run(yawed, 1.0);
        assertTrue(yawed.vy() > 0.5 && Math.abs(yawed.vx()) < 0.05, "v " + yawed.vx() + "," + yawed.vy());
    }

    @Test
    void shouldFollowAttitudeWithLagRateLimitAndTiltLimit() {
        QuadcopterModel m = new QuadcopterModel();
        m.placeAt(0, 0, -10, 0);
        m.command(Math.toRadians(80), 0, 0, 0.5);
        m.step(DT_S);
        assertEquals(QuadcopterModel.MAX_RATE_RAD_PER_S * DT_S, m.roll(), 1e-9, "rate limited");
        run(m, 2.0);
        assertEquals(QuadcopterModel.MAX_TILT_RAD, m.roll(), 1e-3, "tilt limited");
    }

    @Test
    void shouldStopOnTheGroundAndReportLanded() {
        QuadcopterModel m = new QuadcopterModel();
        m.placeAt(0, 0, -5, 0);
        run(m, 0.5);
        assertTrue(m.vz() > 3 && !m.onGround(), "falling with motors off");
        run(m, 3.0);
        assertEquals(0, m.z());
        assertEquals(0, m.speed());
        assertTrue(m.landed());
        m.setMotorsOn(true);
        m.command(0, 0, 0, 0.3);
        run(m, 1.0);
        assertEquals(0, m.z(), "below hover thrust it stays on the ground");
        m.command(0, 0, 0, 0.7);
        run(m, 1.0);
        assertTrue(m.z() < -0.5 && !m.landed(), "lifts off above hover thrust");
    }

    @Test
    void shouldConvertQuaternionsAndEulerBothWays() {
        double[] q = Attitudes.toQuaternion(0.1, -0.2, 2.5);
        double[] e = Attitudes.toEuler(q[0], q[1], q[2], q[3]);
        assertEquals(0.1, e[0], 1e-12);
        assertEquals(-0.2, e[1], 1e-12);
        assertEquals(2.5, e[2], 1e-12);
    }
}
