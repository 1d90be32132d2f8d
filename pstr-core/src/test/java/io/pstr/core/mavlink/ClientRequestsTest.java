package io.pstr.core.mavlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavFrame;
import io.dronefleet.mavlink.common.MissionItemInt;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.util.EnumValue;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientRequestsTest {

    private static CommandLong command(int id, int targetComponent, int confirmation, float param2) {
        return CommandLong.builder().targetSystem(1).targetComponent(targetComponent)
                .command(EnumValue.create(MavCmd.class, id)).confirmation(confirmation).param2(param2).build();
    }

    private static MissionItemInt goTo(int current) {
        return goTo(current, 10_000);
    }

    private static MissionItemInt goTo(int current, int x) {
        return MissionItemInt.builder().targetSystem(1).targetComponent(1).frame(EnumValue.create(MavFrame.class, 1))
                .command(EnumValue.create(MavCmd.class, 16)).current(current).x(x).y(-20_000).z(-8f).build();
    }

    @Test
    void shouldGiveARetransmissionTheSameIdAndOtherRequestsOtherIds() {
        int first = ClientRequests.requestId(command(178, 191, 0, 3f), 255, 190);
        assertEquals(first, ClientRequests.requestId(command(178, 191, 1, 3f), 255, 190), "confirmation is left out");
        assertNotEquals(first, ClientRequests.requestId(command(178, 191, 0, 3.05f), 255, 190));
        assertNotEquals(first, ClientRequests.requestId(command(178, 191, 0, 3f), 254, 190), "another sender");
        assertNotEquals(ClientRequests.requestId(goTo(2), 255, 190),
                ClientRequests.requestId(goTo(2, 10_001), 255, 190));
    }

    @Test
    void shouldTellRequestsForTheTaskFromEverythingElse() {
        assertTrue(ClientRequests.isRequest(command(512, 191, 0, 0), 255, 190), "anything for the task's component");
        assertTrue(ClientRequests.isRequest(command(21, 1, 0, 0), 255, 190), "Land for the autopilot");
        assertTrue(ClientRequests.isRequest(command(193, 0, 0, 0), 255, 190), "Pause, broadcast");
        assertFalse(ClientRequests.isRequest(command(512, 1, 0, 0), 255, 190), "REQUEST_MESSAGE for the autopilot");
        assertFalse(ClientRequests.isRequest(command(21, 191, 0, 0), 1, 1), "the board is no client");
        assertFalse(ClientRequests.isRequest(command(21, 191, 0, 0), 1, 191), "nor is the task");
        assertFalse(ClientRequests.isRequest(CommandLong.builder().targetSystem(7).targetComponent(191)
                .command(EnumValue.create(MavCmd.class, 21)).build(), 255, 190), "another vehicle");
        assertTrue(ClientRequests.isRequest(goTo(2), 255, 190));
        assertFalse(ClientRequests.isRequest(goTo(0), 255, 190), "a mission upload item");
        assertFalse(ClientRequests.isRequest(Heartbeat.builder().build(), 255, 190));
    }

    @Test
    void shouldWalkFramesBackToBackAndStopAtATruncatedOne() {
        MavlinkCodec codec = new MavlinkCodec();
        byte[] a = codec.encodeV2(command(21, 191, 0, 0), 255, 190, 1);
        byte[] b = codec.encodeV1(Heartbeat.builder().build(), 255, 190, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        out.write(0xFD);
        out.write(30);
        byte[] all = out.toByteArray();
        List<Integer> ids = new ArrayList<>();
        assertFalse(ClientRequests.forEachFrame(all, 0, all.length, (bytes, at, n, id) -> ids.add(id)));
        assertEquals(List.of(ClientRequests.COMMAND_LONG, 0), ids);
        assertTrue(ClientRequests.forEachFrame(all, 0, a.length + b.length, (bytes, at, n, id) -> { }));
        assertEquals(255, ClientRequests.sourceSystem(all, a.length));
        assertEquals(190, ClientRequests.sourceComponent(all, 0));
    }
}
