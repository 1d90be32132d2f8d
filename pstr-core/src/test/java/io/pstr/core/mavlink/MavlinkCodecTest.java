package io.pstr.core.mavlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommonDialect;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.minimal.MinimalDialect;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MavlinkCodecTest {

    @Test
    void warmsUpEveryMessageOfBothDialects() {
        int[] ids = Stream.concat(new CommonDialect().messageTypes().stream(), new MinimalDialect().messageTypes().stream())
                .mapToInt(MavlinkCodec::messageId).distinct().toArray();
        assertTrue(ids.length > 200, "the common dialect has a few hundred messages, found " + ids.length);
        MavlinkCodec.warmUp(ids);
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
