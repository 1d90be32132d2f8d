package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.AircraftStatus;
import org.junit.jupiter.api.Test;

class AircraftTelemetryTest {

    private static final long OFFBOARD = 6L << 16;
    private static final long AUTO_LAND = 4L << 16 | 6L << 24;

    private final MavlinkCodec codec = new MavlinkCodec();
    private int sequence;

    private byte[] heartbeat(long customMode, MavState state) {
        return heartbeat(MavAutopilot.MAV_AUTOPILOT_PX4, customMode, state);
    }

    private byte[] heartbeat(MavAutopilot autopilot, long customMode, MavState state) {
        return codec.encodeV2(Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR).autopilot(autopilot)
                .baseMode(EnumValue.create(MavModeFlag.class, 129)).customMode(customMode).systemStatus(state)
                .mavlinkVersion(3).build(), 1, 1, sequence++ & 0xFF);
    }

    @Test
    void shouldReportEachChangeOfTheBoardsModeOrFailsafeOnce() {
        AircraftTelemetry t = new AircraftTelemetry();
        assertEquals(new AircraftTelemetry.ModeChange("UNKNOWN", "OFFBOARD", false),
                t.onFrame(heartbeat(OFFBOARD, MavState.MAV_STATE_ACTIVE), 1));
        assertNull(t.onFrame(heartbeat(OFFBOARD, MavState.MAV_STATE_ACTIVE), 2), "no change, no report");

        AircraftTelemetry.ModeChange failsafe = t.onFrame(heartbeat(AUTO_LAND, MavState.MAV_STATE_CRITICAL), 3);
        assertEquals(new AircraftTelemetry.ModeChange("OFFBOARD", "AUTO.LAND", true), failsafe);
        assertEquals("board mode AUTO.LAND (failsafe), was OFFBOARD", failsafe.describe());
        assertNull(t.onFrame(heartbeat(AUTO_LAND, MavState.MAV_STATE_CRITICAL), 4));

        assertEquals(new AircraftTelemetry.ModeChange("AUTO.LAND", "AUTO.LAND", false),
                t.onFrame(heartbeat(AUTO_LAND, MavState.MAV_STATE_ACTIVE), 5), "the failsafe over, the mode the same");
        assertEquals(new AircraftTelemetry.ModeChange("AUTO.LAND", "OFFBOARD", false),
                t.onFrame(heartbeat(OFFBOARD, MavState.MAV_STATE_ACTIVE), 6));
        assertEquals("OFFBOARD", t.snapshot(6).mode());

        t.linkLost();
        assertEquals("UNKNOWN", t.snapshot(7).mode(), "not known while the link is down");
        assertEquals(new AircraftTelemetry.ModeChange("UNKNOWN", "OFFBOARD", false),
                t.onFrame(heartbeat(OFFBOARD, MavState.MAV_STATE_ACTIVE), 8), "the first heartbeat after it is reported");
    }

    @Test
    void shouldNameArduCoptersModesInItsOwnWords() {
        AircraftTelemetry t = new AircraftTelemetry();
        MavAutopilot copter = MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA;
        assertEquals(new AircraftTelemetry.ModeChange("UNKNOWN", "LOITER", false), t.onFrame(heartbeat(copter, 5, MavState.MAV_STATE_STANDBY), 1));
        assertEquals(new AircraftTelemetry.ModeChange("LOITER", "GUIDED", false), t.onFrame(heartbeat(copter, 4, MavState.MAV_STATE_ACTIVE), 2));
        assertEquals(new AircraftTelemetry.ModeChange("GUIDED", "LAND", true), t.onFrame(heartbeat(copter, 9, MavState.MAV_STATE_CRITICAL), 3));
        assertEquals("GUIDED_NOGPS", AircraftTelemetry.modeName(3, 20));
        assertEquals("MODE_8", AircraftTelemetry.modeName(3, 8), "a number ArduCopter does not use");
        assertEquals("MODE_99", AircraftTelemetry.modeName(3, 99));
        assertEquals("OFFBOARD", AircraftTelemetry.modeName(12, OFFBOARD), "PX4's numbers for PX4");
    }

    @Test
    void shouldKeepTheLatestFrameOfEachMessageAndDecodeItForASnapshot() {
        AircraftTelemetry t = new AircraftTelemetry();
        byte[] first = codec.encodeV2(LocalPositionNed.builder().x(1).y(2).z(-3).vx(3).vy(4).vz(-0.5f).build(), 1, 1, 1);
        byte[] second = codec.encodeV2(LocalPositionNed.builder().x(5).y(6).z(-7).build(), 1, 1, 2);
        byte[] attitude = codec.encodeV2(Attitude.builder().roll(0.25f).pitch(-0.5f).yaw(1.5f).build(), 1, 1, 3);
        // In the middle of a larger buffer, as the link's frame splitter hands them over.
        byte[] buffer = new byte[300];
        System.arraycopy(first, 0, buffer, 7, first.length);
        assertNull(t.onFrame(buffer, 7, first.length, 10));
        java.util.Arrays.fill(buffer, (byte) 0); // the buffer is the splitter's again: what was kept is a copy
        AircraftStatus s = t.snapshot(10);
        assertEquals(3.0, s.altitudeM(), 1e-6);
        assertEquals(5.0, s.groundSpeedMps(), 1e-6);
        assertEquals(0.5, s.climbRateMps(), 1e-6);

        assertNull(t.onFrame(second, 20));
        assertNull(t.onFrame(attitude, 30));
        s = t.snapshot(40);
        assertEquals(7.0, s.altitudeM(), 1e-6, "the latest position");
        assertEquals(5.0, s.northM(), 1e-6);
        assertEquals(-0.5, s.pitchRad(), 1e-6);
        assertEquals(0, s.telemetryAgeMs(), "telemetry 10 ns old");
        assertEquals(7.0, t.snapshot(50).altitudeM(), 1e-6, "nothing new: the same figures");

        byte[] truncated = java.util.Arrays.copyOf(second, 12); // a position frame's header and no more
        t.onFrame(truncated, 60);
        t.onFrame(new byte[400], 0, 400, 70); // longer than any frame: refused before it is looked at
        assertEquals(7.0, t.snapshot(80).altitudeM(), 1e-6);
        assertEquals(2, t.decodeErrors(), "the truncated frame and the oversize one");
    }
}
