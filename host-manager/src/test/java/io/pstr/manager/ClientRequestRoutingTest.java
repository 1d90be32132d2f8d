package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.AttitudeTargetTypemask;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavMissionResult;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.MissionAck;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The host's side of client requests: the ledger, and a cycle's multi-frame output split between board and GCS. */
class ClientRequestRoutingTest {

    private static final long MS = 1_000_000L;
    private static final int GCS_SYS = 255;
    private static final int GCS_COMP = 190;
    private static final int RADIO_GCS_SYS = 254;

    private final MavlinkCodec codec = new MavlinkCodec();
    private final RequestLedger ledger = new RequestLedger(2_000 * MS);
    private final List<byte[]> toGcs = new ArrayList<>();
    private boolean gcsUp = true;
    private final OutputRouter router = new OutputRouter(ledger, (b, o, l) -> {
        if (gcsUp) {
            toGcs.add(Arrays.copyOfRange(b, o, o + l));
        }
        return gcsUp;
    });
    private final List<byte[]> toBoard = new ArrayList<>();

    private byte[] setpoint(int sequence) {
        return codec.encodeV2(SetAttitudeTarget.builder().timeBootMs(20L * sequence).targetSystem(1).targetComponent(1)
                .typeMask(AttitudeTargetTypemask.ATTITUDE_TARGET_TYPEMASK_BODY_ROLL_RATE_IGNORE)
                .q(List.of(1f, 0f, 0f, 0f)).thrust(0.5f).thrustBody(List.of(0f, 0f, 0f)).build(), 1, 191, sequence);
    }

    private byte[] commandAck(int command, int result, int requestId, int targetSys, int targetComp, int sequence) {
        return codec.encodeV2(CommandAck.builder().command(EnumValue.create(MavCmd.class, command))
                .result(EnumValue.create(MavResult.class, result)).resultParam2(requestId)
                .targetSystem(targetSys).targetComponent(targetComp).build(), 1, 191, sequence);
    }

    private byte[] missionAck(int type, int sequence) {
        return codec.encodeV2(MissionAck.builder().targetSystem(GCS_SYS).targetComponent(GCS_COMP)
                .type(EnumValue.create(MavMissionResult.class, type)).build(), 1, 191, sequence);
    }

    private static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    private void route(byte[] output, long nowNs) {
        router.route(new UnsafeBuffer(output), 0, output.length, nowNs, (b, o, l) -> {
            byte[] copy = new byte[l];
            b.getBytes(o, copy);
            toBoard.add(copy);
        });
    }

    @Test
    void shouldPassAnOutputWithoutAcksToTheBoardUntouched() {
        byte[] output = concat(setpoint(1), codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(1)
                .command(EnumValue.create(MavCmd.class, 400)).param1(1).build(), 1, 191, 2));
        UnsafeBuffer buffer = new UnsafeBuffer(output);
        DirectBuffer[] seen = new DirectBuffer[1];
        router.route(buffer, 0, output.length, 0, (b, o, l) -> {
            seen[0] = b;
            assertEquals(output.length, l);
        });
        assertSame(buffer, seen[0], "no copy on the common path");
        assertEquals(0, ledger.acksSent());
    }

    @Test
    void shouldSendEachAckBackToTheLinkItsRequesterUsedAndTheRestToTheBoard() {
        ledger.seen(11, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        ledger.seen(22, ClientRequests.COMMAND_LONG, RADIO_GCS_SYS, GCS_COMP, RequestLedger.Origin.BOARD, 0);
        ledger.seen(33, ClientRequests.MISSION_ITEM_INT, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        byte[] sp = setpoint(1);
        byte[] ackGcs = commandAck(21, 0, 11, GCS_SYS, GCS_COMP, 2);
        byte[] ackRadio = commandAck(178, 0, 22, RADIO_GCS_SYS, GCS_COMP, 3);
        byte[] ackMission = missionAck(0, 4);
        route(concat(sp, ackGcs, ackRadio, ackMission), 5 * MS);

        assertEquals(2, toGcs.size());
        assertArrayEquals(ackGcs, toGcs.get(0));
        assertArrayEquals(ackMission, toGcs.get(1));
        assertEquals(1, toBoard.size(), "the rest of the cycle's output goes to the board in one piece");
        assertArrayEquals(concat(sp, ackRadio), toBoard.get(0));
        assertEquals(2, router.acksToGcs());
        Map<String, Object> s = ledger.summary(10 * MS);
        assertEquals(3L, s.get("requestsSeen"));
        assertEquals(3L, s.get("requestsExecuted"));
        assertEquals(3L, s.get("requestsAcked"));
        assertEquals(0L, s.get("requestsLost"));
        assertEquals(0L, s.get("requestsDuplicated"));
    }

    @Test
    void shouldCountLostPendingDuplicatedAndRetransmittedRequests() {
        ledger.seen(1, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        ledger.seen(2, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        ledger.seen(3, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 2_500 * MS);
        ledger.seen(4, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        ledger.seen(4, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 1_000 * MS);
        route(commandAck(176, 0, 1, GCS_SYS, GCS_COMP, 1), 10 * MS);
        route(commandAck(176, 0, 1, GCS_SYS, GCS_COMP, 2), 30 * MS);
        route(commandAck(178, 2, 4, GCS_SYS, GCS_COMP, 3), 30 * MS);
        route(commandAck(178, 2, 4, GCS_SYS, GCS_COMP, 4), 1_010 * MS);
        route(commandAck(178, 0, 99, GCS_SYS, GCS_COMP, 5), 1_010 * MS);
        Map<String, Object> s = ledger.summary(3_000 * MS);
        assertEquals(4L, s.get("requestsSeen"));
        assertEquals(1L, s.get("requestsRetransmitted"));
        assertEquals(1L, s.get("requestsExecuted"), "request 4 was denied: answered, not executed");
        assertEquals(5L, s.get("requestsAcked"));
        assertEquals(1L, s.get("requestsLost"), "request 2 never answered within 2 s");
        assertEquals(1L, s.get("requestsPending"), "request 3 arrived 0.5 s ago");
        assertEquals(1L, s.get("requestsDuplicated"), "request 1 was sent once and answered twice; 4 twice and twice");
        assertEquals(1L, s.get("acksUnmatched"));
    }

    @Test
    void shouldCountAcksTheGroundStationLinkRefusedAndNotSendThemToTheBoard() {
        ledger.seen(7, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        gcsUp = false;
        byte[] sp = setpoint(1);
        route(concat(sp, commandAck(21, 0, 7, GCS_SYS, GCS_COMP, 2)), MS);
        assertEquals(1, router.acksToGcsDropped());
        assertArrayEquals(sp, toBoard.get(0));
    }

    @Test
    void shouldRouteEverythingToTheBoardWhenThereIsNoGroundStation() {
        OutputRouter boardOnly = new OutputRouter(ledger, null);
        ledger.seen(7, ClientRequests.COMMAND_LONG, GCS_SYS, GCS_COMP, RequestLedger.Origin.GCS, 0);
        byte[] output = concat(setpoint(1), commandAck(21, 0, 7, GCS_SYS, GCS_COMP, 2));
        List<byte[]> board = new ArrayList<>();
        boardOnly.route(new UnsafeBuffer(output), 0, output.length, MS, (b, o, l) -> {
            byte[] copy = new byte[l];
            b.getBytes(o, copy);
            board.add(copy);
        });
        assertArrayEquals(output, board.get(0));
        assertEquals(1L, ledger.summary(MS).get("requestsExecuted"));
    }

    @Test
    void shouldServeAShadowsMultiFrameOutputWhole() {
        List<byte[]> sent = new ArrayList<>();
        OutputGate gate = new OutputGate(3 * MS, (cycle, from, epoch, frames, offset, length, nowNs) -> {
            byte[] copy = new byte[length];
            frames.getBytes(offset, copy);
            sent.add(copy);
        });
        gate.assign(1, Slot.A, 0);
        byte[] output = concat(setpoint(1), commandAck(21, 0, 7, GCS_SYS, GCS_COMP, 2), missionAck(0, 3));
        byte[] padded = new byte[output.length + 5];
        System.arraycopy(output, 0, padded, 5, output.length);
        gate.onOutput(Slot.B, 1, 1, 42, 43, true, new UnsafeBuffer(padded), 5, output.length, 10 * MS);
        gate.poll(12 * MS);
        assertTrue(sent.isEmpty(), "the shadow's output waits for the grace time");
        gate.poll(13 * MS);
        assertEquals(1, sent.size(), "one output for the cycle");
        assertArrayEquals(output, sent.get(0), "all of its frames, in order");
        gate.onOutput(Slot.A, 1, 1, 42, 43, true, new UnsafeBuffer(output), 0, output.length, 14 * MS);
        assertEquals(1, sent.size(), "the holder's late output of the same cycle is only compared");
        assertEquals(0, gate.divergentCycles());
    }
}
