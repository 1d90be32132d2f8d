package io.pstr.hilrig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavParamType;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.ParamValue;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The virtual board's ArduCopter personality (GUIDED), against what ArduCopter's mode_guided.cpp and GCS code do. */
class ArduCopterBoardTest {

    private static BoardHarness arduCopter(int guidOptions) {
        return new BoardHarness(new VirtualBoard.Context().autopilot(Autopilot.ARDUPILOT).guidOptions(guidOptions));
    }

    private static BoardHarness arduCopter() {
        return new BoardHarness(new VirtualBoard.Context().autopilot(Autopilot.ARDUPILOT));
    }

    /** The heartbeat the board sends in the next second. */
    private static Heartbeat nextHeartbeat(BoardHarness h) {
        h.received.clear();
        h.advanceMs(1000);
        return (Heartbeat) h.received.stream().filter(Heartbeat.class::isInstance).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no heartbeat in a second"));
    }

    /** A second of a stream holds as many frames as intervals, give or take the one on its edge. */
    private static void assertOnePerInterval(long expected, long actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 1, what + ": " + actual + " frames in the second, expected " + expected);
    }

    private static ParamValue only(List<ParamValue> values) {
        assertEquals(1, values.size(), "one PARAM_VALUE: " + values);
        return values.get(0);
    }

    @Test
    void shouldMapEveryBoardModeToAnArduCopterModeNumber() {
        assertEquals(4, BoardMode.OFFBOARD.arduCopterMode());
        assertEquals(4, BoardMode.AUTO_TAKEOFF.arduCopterMode());
        assertEquals(5, BoardMode.POSCTL.arduCopterMode());
        assertEquals(5, BoardMode.AUTO_LOITER.arduCopterMode());
        assertEquals(9, BoardMode.AUTO_LAND.arduCopterMode());
        assertEquals(9, BoardMode.FAILSAFE_LAND.arduCopterMode());
    }

    @Test
    void shouldSendAnArduPilotHeartbeatHoldingInLoiterAtStart() {
        BoardHarness h = arduCopter();
        Heartbeat hb = nextHeartbeat(h);
        assertEquals(MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA, hb.autopilot().entry());
        assertEquals(5, hb.customMode(), "LOITER, no bit shifting");
        assertTrue(hb.baseMode().flagsEnabled(MavModeFlag.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED));
        assertFalse(hb.baseMode().flagsEnabled(MavModeFlag.MAV_MODE_FLAG_SAFETY_ARMED));
        assertEquals(MavState.MAV_STATE_STANDBY, hb.systemStatus().entry());
    }

    @Test
    void shouldStreamOnlyTheTelemetrySetMessageIntervalAskedFor() {
        BoardHarness h = arduCopter();
        h.advanceMs(1000);
        assertTrue(h.received.stream().noneMatch(m -> m instanceof Attitude || m instanceof LocalPositionNed || m instanceof SysStatus),
                "nothing but heartbeats unasked (ArduCopter's SRn_ rates are 0): " + h.received);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 30, 20_000, 0, 0));
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 1, 500_000, 0, 0));
        h.received.clear();
        h.advanceMs(1000);
        assertOnePerInterval(50, h.received.stream().filter(Attitude.class::isInstance).count(), "ATTITUDE every 20 ms");
        assertOnePerInterval(2, h.received.stream().filter(SysStatus.class::isInstance).count(), "SYS_STATUS every 500 ms");
        assertEquals(0, h.received.stream().filter(LocalPositionNed.class::isInstance).count(), "not asked for");
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 30, -1, 0, 0));
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 9999, 20_000, 0, 0),
                "a message it does not stream");
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 32, -5, 0, 0));
        h.received.clear();
        h.advanceMs(1000);
        assertEquals(0, h.received.stream().filter(Attitude.class::isInstance).count(), "stopped with -1");
    }

    @Test
    void shouldStreamAsPx4ByItselfAndTakeANewInterval() {
        BoardHarness h = new BoardHarness(new VirtualBoard.Context());
        h.advanceMs(1000);
        assertOnePerInterval(50, h.received.stream().filter(LocalPositionNed.class::isInstance).count(), "PX4 streams unasked");
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 32, 100_000, 0, 0));
        h.received.clear();
        h.advanceMs(1000);
        assertOnePerInterval(10, h.received.stream().filter(LocalPositionNed.class::isInstance).count(), "every 100 ms now");
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_SET_MESSAGE_INTERVAL, 32, 0, 0, 0));
        h.received.clear();
        h.advanceMs(1000);
        assertOnePerInterval(50, h.received.stream().filter(LocalPositionNed.class::isInstance).count(), "0: back to its default");
    }

    @Test
    void shouldEnterGuidedAtOnceWithoutSetpointsStreamedBefore() {
        BoardHarness h = arduCopter();
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED), "no setpoint ever sent");
        assertEquals(BoardMode.OFFBOARD, h.board.mode());
        assertEquals(4, nextHeartbeat(h).customMode());
        h.advanceMs(2000);
        assertEquals(BoardMode.OFFBOARD, h.board.mode(), "no setpoints: GUIDED holds, no timeout, no failsafe");
        assertEquals(MavState.MAV_STATE_STANDBY, nextHeartbeat(h).systemStatus().entry());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED_NOGPS));
        assertEquals(BoardMode.OFFBOARD, h.board.mode());

        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_LOITER));
        assertEquals(BoardMode.AUTO_LOITER, h.board.mode());
        assertEquals(5, nextHeartbeat(h).customMode());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_LAND));
        assertEquals(BoardMode.AUTO_LAND, h.board.mode());
        assertEquals(9, nextHeartbeat(h).customMode());
    }

    @Test
    void shouldAnswerFailedForModesItDoesNotHaveAndDeniedWithoutTheCustomModeFlag() {
        BoardHarness h = arduCopter();
        for (int unknown : new int[] {BoardMode.COPTER_STABILIZE, BoardMode.COPTER_ALT_HOLD, BoardMode.COPTER_AUTO,
                BoardMode.COPTER_RTL, BoardMode.COPTER_BRAKE, 99}) {
            assertEquals(MavResult.MAV_RESULT_FAILED, h.setCopterMode(unknown), "copter mode " + unknown);
        }
        assertEquals(BoardMode.POSCTL, h.board.mode());
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_DO_SET_MODE, 0, 4, 0, 0), "no custom-mode flag");
        assertEquals(BoardMode.POSCTL, h.board.mode());
        assertEquals(7, h.board.counters().commandsRejected.get());
    }

    @Test
    void shouldArmAndTakeOffOnAttitudeTargetsWithThrustAsThrust() {
        BoardHarness h = arduCopter(8);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED));
        h.streamAttitudeMs(1000, 0.6);
        assertTrue(h.board.model().z() < -0.5, "climbs at thrust 0.6: z " + h.board.model().z());
        assertEquals(0.6, h.board.model().appliedThrust(), 1e-6, "thrust taken as thrust");
        assertEquals(50, h.board.counters().setpointsAccepted.get());
        assertEquals(0, h.board.counters().setpointsRefused.get());
        h.received.clear();
        h.streamAttitudeMs(1000, 0.6);
        Heartbeat hb = (Heartbeat) h.received.stream().filter(Heartbeat.class::isInstance).findFirst().orElseThrow();
        assertEquals(4, hb.customMode());
        assertTrue(hb.baseMode().flagsEnabled(MavModeFlag.MAV_MODE_FLAG_SAFETY_ARMED));
        assertTrue(hb.baseMode().flagsEnabled(MavModeFlag.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED));
        assertEquals(MavState.MAV_STATE_ACTIVE, hb.systemStatus().entry());
    }

    @Test
    void shouldRefuseAndCountAttitudeTargetsWhenGuidOptionsBitThreeIsClear() {
        BoardHarness h = arduCopter(0);
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED));
        h.streamAttitudeMs(1000, 0.6);
        assertEquals(50, h.board.counters().setpointsRefused.get());
        assertEquals(0, h.board.counters().setpointsAccepted.get());
        assertTrue(h.board.model().onGround(), "the refused thrust never reached the motors");
        assertEquals(BoardMode.OFFBOARD, h.board.mode());
        h.feed(h.position(0, 0, -2));
        assertEquals(1, h.board.counters().setpointsAccepted.get(), "position targets do not depend on GUID_OPTIONS");
    }

    @Test
    void shouldLevelOutAndHoldInGuidedWhenAttitudeTargetsStopAndFollowThemAgainAtOnce() {
        BoardHarness h = arduCopter();
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED));
        h.streamAttitudeMs(1500, 0.6);
        h.streamAttitudeMs(500, 0.5);
        h.advanceMs(480);
        assertEquals(0.5, h.board.model().appliedThrust(), 1e-6, "480 ms without targets: still following the last one");
        h.advanceMs(30);
        double zAtTimeout = h.board.model().z();
        assertEquals(BoardMode.OFFBOARD, h.board.mode(), "GUID_TIMEOUT changes no mode");
        h.advanceMs(4000);
        double zSettled = h.board.model().z();
        Heartbeat hb = nextHeartbeat(h);
        assertEquals(BoardMode.OFFBOARD, h.board.mode());
        assertEquals(4, hb.customMode(), "still GUIDED");
        assertEquals(MavState.MAV_STATE_ACTIVE, hb.systemStatus().entry(), "no failsafe");
        assertTrue(h.board.armed());
        assertEquals(zSettled, h.board.model().z(), 0.05, "holds its altitude");
        assertEquals(0, h.board.model().vz(), 0.05);
        assertEquals(zAtTimeout, zSettled, 1.5, "held near where the targets stopped");
        assertTrue(zSettled < -1, "still in the air: " + zSettled);

        h.feed(h.attitude(0.7));
        h.advanceMs(4);
        assertEquals(0.7, h.board.model().appliedThrust(), 1e-6, "the next target is followed at once");
        h.streamAttitudeMs(500, 0.7);
        assertTrue(h.board.model().vz() < -0.5, "climbing again: vz " + h.board.model().vz());
    }

    @Test
    void shouldKeepAPositionTargetPastTheTimeoutAndLandOnDoSetModeLand() {
        BoardHarness h = arduCopter();
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED));
        h.feed(h.position(0, 0, -3));
        h.advanceMs(8000);
        assertEquals(-3, h.board.model().z(), 0.1, "a position target does not time out in GUIDED");
        assertEquals(BoardMode.OFFBOARD, h.board.mode());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_LAND));
        assertEquals(BoardMode.AUTO_LAND, h.board.mode());
        assertEquals(9, nextHeartbeat(h).customMode());
        h.advanceMs(4000);
        assertTrue(h.board.model().onGround());
        assertFalse(h.board.armed(), "disarmed on touchdown in LAND");
    }

    @Test
    void shouldTakeOffInGuidedStayThereAndLandOnNavLand() {
        BoardHarness h = arduCopter();
        assertEquals(MavResult.MAV_RESULT_DENIED, h.command(MavCmd.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, 3), "disarmed");
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.arm());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED));
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, 3));
        assertEquals(BoardMode.AUTO_TAKEOFF, h.board.mode());
        assertEquals(4, nextHeartbeat(h).customMode(), "ArduCopter takes off in GUIDED");
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.setCopterMode(BoardMode.COPTER_GUIDED), "already GUIDED: no change");
        assertEquals(BoardMode.AUTO_TAKEOFF, h.board.mode());
        h.advanceMs(5000);
        assertEquals(BoardMode.OFFBOARD, h.board.mode(), "after the take-off it stays in GUIDED");
        h.advanceMs(3000);
        assertEquals(-3, h.board.model().z(), 0.15);
        assertEquals(4, nextHeartbeat(h).customMode());
        assertEquals(MavResult.MAV_RESULT_ACCEPTED, h.command(MavCmd.MAV_CMD_NAV_LAND, 0, 0, 0, 0));
        assertEquals(BoardMode.AUTO_LAND, h.board.mode());
        assertEquals(9, nextHeartbeat(h).customMode());
        h.advanceMs(4000);
        assertTrue(h.board.model().onGround());
        assertFalse(h.board.armed());
    }

    @Test
    void shouldAnswerGuidTimeoutAndGuidOptionsAndNotPx4sParameter() {
        BoardHarness h = new BoardHarness(new VirtualBoard.Context().autopilot(Autopilot.ARDUPILOT).failsafeTimeoutMs(750));
        ParamValue timeout = only(h.readParam("GUID_TIMEOUT", -1));
        assertEquals("GUID_TIMEOUT", timeout.paramId());
        assertEquals(0.75f, timeout.paramValue(), 1e-6f, "seconds");
        assertEquals(MavParamType.MAV_PARAM_TYPE_REAL32, timeout.paramType().entry());
        assertEquals(2, timeout.paramCount());
        assertEquals(0, timeout.paramIndex());

        ParamValue options = only(h.readParam("GUID_OPTIONS", -1));
        assertEquals("GUID_OPTIONS", options.paramId());
        assertEquals(8.0f, options.paramValue(), "ArduPilot's encoding: the number as a float");
        assertEquals(MavParamType.MAV_PARAM_TYPE_INT32, options.paramType().entry());
        assertEquals(2, options.paramCount());
        assertEquals(1, options.paramIndex());

        assertEquals("GUID_TIMEOUT", only(h.readParam(null, 0)).paramId());
        assertEquals("GUID_OPTIONS", only(h.readParam(null, 1)).paramId());
        assertEquals(List.of(), h.readParam(null, 2));
        assertEquals(List.of(), h.readParam("COM_OF_LOSS_T", -1), "not an ArduPilot parameter");

        BoardHarness zero = arduCopter(0);
        assertEquals(0.0f, only(zero.readParam("GUID_OPTIONS", -1)).paramValue());
    }

    @Test
    void shouldKeepThePx4ParametersForThePx4Personality() {
        BoardHarness h = new BoardHarness();
        ParamValue timeout = only(h.readParam("COM_OF_LOSS_T", -1));
        assertEquals(0.5f, timeout.paramValue(), 1e-6f);
        assertEquals(MavParamType.MAV_PARAM_TYPE_REAL32, timeout.paramType().entry());
        assertEquals(2, timeout.paramCount());
        assertEquals("COM_OF_LOSS_T", only(h.readParam(null, 0)).paramId());
        ParamValue action = only(h.readParam("COM_OBL_RC_ACT", -1));
        assertEquals(MavParamType.MAV_PARAM_TYPE_INT32, action.paramType().entry());
        assertEquals(4, Float.floatToRawIntBits(action.paramValue()), "Land, its bits in the float as PX4 sends an integer");
        assertEquals(1, action.paramIndex());
        assertEquals("COM_OBL_RC_ACT", only(h.readParam(null, 1)).paramId());
        assertEquals(List.of(), h.readParam(null, 2));
        assertEquals(List.of(), h.readParam("GUID_TIMEOUT", -1));
        assertEquals(List.of(), h.readParam("GUID_OPTIONS", -1));
        assertEquals(MavAutopilot.MAV_AUTOPILOT_PX4, nextHeartbeat(h).autopilot().entry());
    }

    @Test
    void shouldRefuseGuidOptionsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new VirtualBoard.Context().guidOptions(-1).conclude());
        assertThrows(IllegalArgumentException.class, () -> new VirtualBoard.Context().guidOptions(0x10000).conclude());
        assertEquals(0xFFFF, new VirtualBoard.Context().guidOptions(0xFFFF).conclude().guidOptions());
        assertEquals(Autopilot.PX4, new VirtualBoard.Context().autopilot(), "PX4 by default");
        assertEquals(io.pstr.core.mavlink.AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST, new VirtualBoard.Context().guidOptions(), "8 by default");
    }
}
