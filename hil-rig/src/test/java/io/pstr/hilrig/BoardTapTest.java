package io.pstr.hilrig;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.ListeningLink;
import io.pstr.core.link.Links;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BoardTapTest {

    @Test
    void shouldCopyEveryFrameToTheTapEvenWithNoHostConnected() {
        List<Object> tapped = new CopyOnWriteArrayList<>();
        MavlinkCodec codec = new MavlinkCodec();
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        try (ByteLink tap = Links.open(Endpoint.parse("udp-listen:0"))) {
            tap.start(new LinkListener() {
                @Override
                public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                    splitter.feed(buffer, offset, length, (f, o, l, id) -> tapped.add(codec.decodePayload(Arrays.copyOfRange(f, o, o + l))));
                }
            });
            int port = ((ListeningLink) tap).boundPort();
            try (RunningBoard board = RunningBoard.start(Endpoint.parse("tcp-listen:0"), new VirtualBoard.Context(), null,
                    Endpoint.parse("udp:127.0.0.1:" + port))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> tapped.stream().filter(Heartbeat.class::isInstance).count() >= 1
                        && tapped.stream().filter(Attitude.class::isInstance).count() >= 50);
                assertEquals(0, board.counters().framesOut.get(), "no host: the board's own link took nothing");
            }
        }
        assertEquals(0, splitter.counters().crcErrors());
    }
}
