package io.pstr.hilrig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavState;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.record.BoardRecordReader;
import io.pstr.core.record.BoardRecordWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualBoardTest {

    @TempDir
    Path dir;

    private static long count(BoardHarness h, Class<?> type) {
        return h.received.stream().filter(type::isInstance).count();
    }

    private static Heartbeat lastHeartbeat(BoardHarness h) {
        Heartbeat last = null;
        for (Object o : h.received) {
            if (o instanceof Heartbeat hb) {
                last = hb;
            }
        }
        return last;
    }

    /** Arms, streams setpoints, enters offboard and climbs with a position target to 5 m. */
    private static void flyOffboardAtFiveMetres(BoardHarness h) {
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        h.feed(h.position(0, 0, -5));
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0));
        for (int i = 0; i < 400; i++) {
            h.feed(h.position(0, 0, -5));
            h.advanceMs(20);
        }
        assertEquals(-5, h.board.model().z(), 0.1);
    }

    @Test
    void shouldStreamTelemetryAtTheConfiguredRates() {
        BoardHarness h = new BoardHarness();
        h.received.clear();
        h.advanceMs(10_000);
        assertEquals(10, count(h, Heartbeat.class), 1);
        assertEquals(500, count(h, Attitude.class), 1);
        assertEquals(500, count(h, LocalPositionNed.class), 1);
        assertEquals(20, count(h, SysStatus.class), 1);
        Heartbeat hb = lastHeartbeat(h);
        assertEquals(BoardMode.POSCTL.px4CustomMode(), hb.customMode());
        assertEquals(3L << 16, hb.customMode());
        assertEquals(MavState.MAV_STATE_STANDBY, hb.systemStatus().entry());
        Attitude last = (Attitude) h.received.stream().filter(Attitude.class::isInstance).reduce((a, b) -> b).orElseThrow();
        assertEquals(10_000, last.timeBootMs(), 20);
        SysStatus s = (SysStatus) h.received.stream().filter(SysStatus.class::isInstance).findFirst().orElseThrow();
        assertEquals(16_800, s.voltageBattery());
    }

    @Test
    void shouldEnterOffboardOnlyWhileSetpointsStreamLikePx4() {
        BoardHarness h = new BoardHarness();
        assertEquals(MavResult.MAV_RESULT_DENIED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0), "no setpoint yet");
        h.feed(h.attitude(0.5));
        h.advanceMs(600);
        assertEquals(MavResult.MAV_RESULT_DENIED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0), "last setpoint too old");
        h.streamAttitudeMs(100, 0.5);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0));
        assertEquals(BoardMode.OFFBOARD, h.board.mode());
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_DO_SET_MODE, 0, 6, 0, 0), "no custom-mode flag");
        assertEquals(MavResult.MAV_RESULT_UNSUPPORTED, h.command(MavCmd.MAV_CMD_DO_REPOSITION, 0, 0, 0, 0));
    }

    @Test
    void shouldArmOnlyWhenLandedUnlessForced() {
        BoardHarness h = new BoardHarness();
        flyOffboardAtFiveMetres(h);
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_COMPONENT_ARM_DISARM, 0, 0, 0, 0), "no disarm in the air");
        assertTrue(h.board.armed());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_COMPONENT_ARM_DISARM, 0, 21196, 0, 0), "forced");
        assertFalse(h.board.armed());
        assertEquals(MavResult.MAV_RESULT_DENIED, h.arm(), "no arming while falling");
        h.advanceMs(3000);
        assertTrue(h.board.model().landed());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        h.advanceMs(1000);
        Heartbeat hb = lastHeartbeat(h);
        assertTrue(hb.baseMode().flagsEnabled(io.dronefleet.mavlink.minimal.MavModeFlag.MAV_MODE_FLAG_SAFETY_ARMED));
    }

    @Test
    void shouldDescendInFailsafeAfterTimeoutWithoutSetpointsAndNotBefore() {
        Path file = dir.resolve("board.csv");
        BoardHarness h = new BoardHarness(500, new BoardRecordWriter(file));
        flyOffboardAtFiveMetres(h);
        h.advanceMs(480);
        assertEquals(BoardMode.OFFBOARD, h.board.mode(), "480 ms without setpoints is not yet a failsafe");
        h.advanceMs(30);
        assertEquals(BoardMode.FAILSAFE_LAND, h.board.mode());
        h.advanceMs(1000);
        assertTrue(h.board.model().vz() > 0.8, "descending at ~1 m/s: " + h.board.model().vz());
        assertEquals(MavState.MAV_STATE_CRITICAL, lastHeartbeat(h).systemStatus().entry());
        assertEquals(BoardMode.FAILSAFE_LAND.px4CustomMode(), lastHeartbeat(h).customMode());
        assertEquals(MavResult.MAV_RESULT_DENIED, h.setMode(BoardMode.PX4_MAIN_POSCTL, 0), "only offboard leaves failsafe");
        h.advanceMs(6000);
        assertTrue(h.board.model().onGround());
        assertFalse(h.board.armed(), "disarmed on landing");
        h.board.close();

        BoardRecordReader reader = new BoardRecordReader();
        List<BoardRecord> rows = reader.read(file);
        assertEquals(0, reader.badLines());
        assertTrue(rows.stream().anyMatch(r -> r instanceof BoardRecord.ModeChange m && m.mode().equals("FAILSAFE_LAND")));
        assertTrue(rows.stream().anyMatch(r -> r instanceof BoardRecord.Command c && c.command() == 176 && c.result().equals("ACCEPTED")));
        long setpoints = rows.stream().filter(r -> r instanceof BoardRecord.Setpoint s && s.msgId() == 84).count();
        assertEquals(401, setpoints);
        BoardRecord.State last = (BoardRecord.State) rows.stream().filter(BoardRecord.State.class::isInstance).reduce((a, b) -> b).orElseThrow();
        assertEquals("FAILSAFE_LAND", last.mode());
        assertFalse(last.armed());
        assertTrue(last.framesSent() > 1000);
    }

    @Test
    void shouldLeaveFailsafeOnOffboardWithStreamingSetpoints() {
        BoardHarness h = new BoardHarness();
        flyOffboardAtFiveMetres(h);
        h.advanceMs(600);
        assertEquals(BoardMode.FAILSAFE_LAND, h.board.mode());
        h.feed(h.position(0, 0, -5));
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0));
        assertEquals(BoardMode.OFFBOARD, h.board.mode());
    }

    @Test
    void shouldTakeOffLoiterAndLandOnCommand() {
        BoardHarness h = new BoardHarness();
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, 3), "disarmed");
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, 3));
        assertEquals(BoardMode.AUTO_TAKEOFF, h.board.mode());
        assertEquals((4L << 16) | (2L << 24), BoardMode.AUTO_TAKEOFF.px4CustomMode());
        h.advanceMs(6000);
        assertEquals(BoardMode.AUTO_LOITER, h.board.mode());
        h.advanceMs(3000);
        assertEquals(-3, h.board.model().z(), 0.15);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_NAV_LAND, 0, 0, 0, 0));
        assertEquals(BoardMode.AUTO_LAND, h.board.mode());
        h.advanceMs(1500);
        assertEquals(1.0, h.board.model().vz(), 0.1);
        h.advanceMs(3000);
        assertTrue(h.board.model().onGround());
        assertFalse(h.board.armed());
    }

    @Test
    void shouldFlyAttitudeSetpointsInOffboard() {
        BoardHarness h = new BoardHarness();
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        h.streamAttitudeMs(100, 0.6);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0));
        h.streamAttitudeMs(1000, 0.6);
        assertTrue(h.board.model().z() < -0.5, "climbs at thrust 0.6");
        assertEquals(0.6, h.board.model().appliedThrust(), 1e-6);
    }

    @Test
    void shouldSurviveMalformedInputAndStillAcceptTheNextGoodFrame() {
        BoardHarness h = new BoardHarness();
        h.feed(new byte[] {1, 2, 3, 4, 5, (byte) 0xFD});
        byte[] bad = h.attitude(0.5);
        bad[bad.length - 1] ^= 0x55;
        h.feed(bad);
        byte[] truncated = h.attitude(0.5);
        h.feed(java.util.Arrays.copyOf(truncated, truncated.length / 2));
        byte[] oversize = new byte[300];
        oversize[0] = (byte) 0xFD;
        oversize[1] = (byte) 255;
        h.feed(oversize);
        // Well-formed frames with bad content: NaN thrust, a zero quaternion, and one for system 7.
        h.feed(h.encode(io.dronefleet.mavlink.common.SetAttitudeTarget.builder().targetSystem(1)
                .q(List.of(1f, 0f, 0f, 0f)).thrust(Float.NaN).build()));
        h.feed(h.encode(io.dronefleet.mavlink.common.SetAttitudeTarget.builder().targetSystem(1)
                .q(List.of(0f, 0f, 0f, 0f)).thrust(0.5f).build()));
        h.feed(h.encode(io.dronefleet.mavlink.common.SetAttitudeTarget.builder().targetSystem(7)
                .q(List.of(1f, 0f, 0f, 0f)).thrust(0.5f).build()));
        assertEquals(0, h.board.counters().setpointsAccepted.get());
        h.feed(new byte[400]);
        h.feed(h.attitude(0.5));
        assertEquals(1, h.board.counters().setpointsAccepted.get());
        assertEquals(2, h.board.counters().setpointsRefused.get());
        assertEquals(1, h.board.counters().notForUs.get());
        assertTrue(h.board.frameCounters().crcErrors() >= 1, h.board.frameCounters().toString());
        assertTrue(h.board.frameCounters().bytesSkipped() >= 5);
        h.advanceMs(100);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setMode(BoardMode.PX4_MAIN_OFFBOARD, 0));
    }
}
