package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.tlog.Tlog;
import io.pstr.core.tlog.TlogReader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoardCommandsTest {

    private final MavlinkCodec codec = new MavlinkCodec();

    private byte[] setpoint(int seq, long timeBootMs) {
        return codec.encodeV2(SetAttitudeTarget.builder().timeBootMs(timeBootMs).targetSystem(1).targetComponent(1)
                .q(List.of(1f, 0f, 0f, 0f)).thrust(0.5f).build(), Tlog.HOST_SYSTEM_ID, Tlog.HOST_COMPONENT_ID, seq);
    }

    private byte[] command(int seq, MavCmd cmd, float param1) {
        return codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(1).command(cmd).param1(param1).build(),
                Tlog.HOST_SYSTEM_ID, Tlog.HOST_COMPONENT_ID, seq);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void shouldWithholdOnlyTheArmCommand() {
        byte[] sp = setpoint(1, 40);
        byte[] arm = command(2, MavCmd.MAV_CMD_COMPONENT_ARM_DISARM, 1f);
        assertArrayEquals(sp, BoardCommands.withoutArming(concat(sp, arm)));
        byte[] disarm = command(3, MavCmd.MAV_CMD_COMPONENT_ARM_DISARM, 0f);
        byte[] mode = command(4, MavCmd.MAV_CMD_DO_SET_MODE, 1f);
        assertArrayEquals(concat(sp, disarm), BoardCommands.withoutArming(concat(sp, disarm)));
        assertArrayEquals(concat(sp, mode), BoardCommands.withoutArming(concat(sp, mode)));
        byte[] cut = java.util.Arrays.copyOf(sp, sp.length - 3);
        assertArrayEquals(cut, BoardCommands.withoutArming(cut), "a malformed tail passes unchanged, never dropped silently");
    }

    @Test
    void shouldRecogniseTheBoardsAnswerToTheLandCommand() {
        byte[] land = BoardCommands.landCommand(7, 1);
        CommandLong decoded = (CommandLong) codec.decodePayload(land);
        assertEquals(MavCmd.MAV_CMD_NAV_LAND, decoded.command().entry());
        assertEquals(1, decoded.confirmation());
        assertEquals(1, decoded.targetSystem());
        assertEquals(true, Tlog.fromHost(land));

        byte[] ack = codec.encodeV2(CommandAck.builder().command(MavCmd.MAV_CMD_NAV_LAND).result(MavResult.MAV_RESULT_ACCEPTED)
                .build(), 1, 1, 0);
        assertEquals("ACCEPTED", BoardCommands.landAckResult(ack, 0, ack.length));
        byte[] denied = codec.encodeV2(CommandAck.builder().command(MavCmd.MAV_CMD_NAV_LAND).result(MavResult.MAV_RESULT_DENIED)
                .build(), 1, 1, 1);
        assertEquals("DENIED", BoardCommands.landAckResult(denied, 0, denied.length));
        byte[] other = codec.encodeV2(CommandAck.builder().command(MavCmd.MAV_CMD_COMPONENT_ARM_DISARM)
                .result(MavResult.MAV_RESULT_ACCEPTED).build(), 1, 1, 2);
        assertNull(BoardCommands.landAckResult(other, 0, other.length));
    }

    @Test
    void shouldGroupRecordedOutputsByTheCycleTheirTimeBootMsNames() {
        byte[] board = codec.encodeV2(CommandAck.builder().command(MavCmd.MAV_CMD_NAV_LAND).result(MavResult.MAV_RESULT_ACCEPTED)
                .build(), 1, 1, 0);
        List<TlogReader.Record> log = List.of(
                new TlogReader.Record(100, board),
                new TlogReader.Record(200, setpoint(0, 40)),
                new TlogReader.Record(200, command(1, MavCmd.MAV_CMD_DO_SET_MODE, 1f)),
                new TlogReader.Record(250, setpoint(2, 60)),
                new TlogReader.Record(300, BoardCommands.landCommand(0, 0)),
                new TlogReader.Record(350, setpoint(3, 70)));
        List<TlogReader.Record> boardFrames = new ArrayList<>();
        Map<Long, byte[]> expected = new HashMap<>();
        long outside = FlightReplay.groupHostOutputs(log, boardFrames, expected, 20);
        assertEquals(1, boardFrames.size());
        assertEquals(2, expected.size());
        assertArrayEquals(concat(setpoint(0, 40), command(1, MavCmd.MAV_CMD_DO_SET_MODE, 1f)), expected.get(2L));
        assertArrayEquals(setpoint(2, 60), expected.get(3L));
        assertEquals(2, outside, "the operator's land command and a setpoint off the cycle grid belong to no output");
        assertEquals(60, FlightReplay.attitudeTimeBootMs(setpoint(2, 60)));
    }
}
