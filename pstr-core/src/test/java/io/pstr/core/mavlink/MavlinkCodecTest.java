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
}
