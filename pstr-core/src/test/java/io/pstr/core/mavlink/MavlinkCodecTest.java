package io.pstr.core.mavlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.ardupilotmega.ArdupilotmegaDialect;
import io.dronefleet.mavlink.ardupilotmega.EkfStatusReport;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommonDialect;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.minimal.MinimalDialect;
import io.dronefleet.mavlink.protocol.MavlinkPacket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MavlinkCodecTest {

    @Test
    void warmsUpEveryMessageOfItsDialects() {
        int[] ids = Stream.of(new CommonDialect(), new MinimalDialect(), new ArdupilotmegaDialect())
                .flatMap(d -> d.messageTypes().stream()).mapToInt(MavlinkCodec::messageId).distinct().toArray();
        assertTrue(ids.length > 200, "the common dialect has a few hundred messages, found " + ids.length);
        MavlinkCodec.warmUp(ids);
    }

    @Test
    void cutsAndDecodesArduPilotsOwnMessagesInsteadOfDroppingThemAsUnknown() {
        MavlinkCodec codec = new MavlinkCodec();
        EkfStatusReport report = EkfStatusReport.builder().velocityVariance(0.1f).posHorizVariance(0.2f).build();
        byte[] frame = codec.encodeV2(report, 1, 1, 3);
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        splitter.feed(frame, 0, frame.length, (f, o, l, id) -> ids.add(id));
        assertEquals(java.util.List.of(193), ids, "EKF_STATUS_REPORT, CRC-checked");
        assertEquals(0, splitter.counters().unknownMessages());
        EkfStatusReport decoded = (EkfStatusReport) codec.decodePayload(frame);
        assertEquals(0.2f, decoded.posHorizVariance());
    }

    @Test
    void refusesToWarmUpAMessageNeitherDialectKnows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MavlinkCodec.warmUp(0, 60_000));
        assertTrue(e.getMessage().contains("60000"), e.getMessage());
    }

    @Test
    void decodesWhatItEncodedAfterAWarmUp() {
        MavlinkCodec.warmUp(ClientRequests.COMMAND_ACK);
        MavlinkCodec codec = new MavlinkCodec();
        CommandAck ack = CommandAck.builder().command(MavCmd.MAV_CMD_NAV_LAND).result(MavResult.MAV_RESULT_ACCEPTED)
                .resultParam2(1234).targetSystem(255).targetComponent(190).build();
        assertEquals(ack, codec.decodePayload(codec.encodeV2(ack, 1, 191, 7)));
    }

    /**
     * CRC_EXTRA as the MAVLink specification defines it: the X.25 CRC of the message name and of each base field's
     * type and name in wire order, the two bytes folded into one (an array field would add its length as a byte after
     * its name: not needed for the messages checked here). The last byte goes in as {@code crc}'s extra byte, which is
     * the same as accumulating it.
     */
    private static int crcExtraBySpecification(String name, String... typeAndNameInWireOrder) {
        StringBuilder text = new StringBuilder(name).append(' ');
        for (String field : typeAndNameInWireOrder) {
            text.append(field).append(' ');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        int crc = MavlinkFrameSplitter.crc(bytes, 0, bytes.length - 1, bytes[bytes.length - 1]);
        return (crc & 0xFF) ^ (crc >> 8);
    }

    @Test
    void knowsTheCrcExtraOfMessagesNewerThanTheLibraryAsTheSpecificationComputesIt() {
        // the computation, checked against a message the library knows
        assertEquals(MavlinkCodec.crcExtra(0), crcExtraBySpecification("HEARTBEAT", "uint32_t custom_mode", "uint8_t type",
                "uint8_t autopilot", "uint8_t base_mode", "uint8_t system_status", "uint8_t mavlink_version"));
        // PX4's CURRENT_MODE (common.xml: standard_mode uint8, custom_mode uint32, intended_custom_mode uint32)
        assertEquals(crcExtraBySpecification("CURRENT_MODE", "uint32_t custom_mode", "uint32_t intended_custom_mode",
                "uint8_t standard_mode"), MavlinkCodec.crcExtra(436));
        for (NewerMessages.Message m : NewerMessages.ALL) {
            assertEquals(m.crcExtra(), MavlinkCodec.crcExtra(m.id()), m.name());
        }
    }

    @Test
    void cutsAndPassesOnAFrameOfANewerMessageThatItCannotDecode() {
        byte[] payload = {4, 0, 0, 0, 4, 0, 0, 0, 3}; // CURRENT_MODE: custom 4, intended 4, standard mode 3
        byte[] frame = MavlinkPacket.createUnsignedMavlink2Packet(9, 1, 1, 436, MavlinkCodec.crcExtra(436), payload).getRawBytes();
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        List<Integer> ids = new java.util.ArrayList<>();
        splitter.feed(frame, 0, frame.length, (f, o, l, id) -> ids.add(id));
        assertEquals(List.of(436), ids);
        assertEquals(0, splitter.counters().unknownMessages());
        frame[frame.length - 1] ^= 1;
        splitter.feed(frame, 0, frame.length, (f, o, l, id) -> ids.add(id));
        assertEquals(List.of(436), ids, "a damaged one is refused");
        assertEquals(1, splitter.counters().crcErrors());
        frame[frame.length - 1] ^= 1;
        assertEquals(null, new MavlinkCodec().decodePayload(frame), "the library has no class for it");
    }
}
