package io.pstr.hilrig;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.record.BoardRecordReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void shouldStreamHeartbeatsAndFiftyHertzAttitudeOverARealTcpSocket() {
        Path recordFile = dir.resolve("board.csv");
        List<Object> received = new CopyOnWriteArrayList<>();
        MavlinkCodec codec = new MavlinkCodec();
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        try (RunningBoard board = RunningBoard.start(Endpoint.parse("tcp-listen:0"), new VirtualBoard.Context(), recordFile)) {
            assertTrue(board.boundPort() > 0);
            assertEquals("tcp-listen:" + board.boundPort(), board.endpointDescription());
            try (ByteLink host = Links.open(Endpoint.parse("tcp:127.0.0.1:" + board.boundPort()))) {
                host.start(new LinkListener() {
                    @Override
                    public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                        splitter.feed(buffer, offset, length,
                                (f, o, l, id) -> received.add(codec.decodePayload(Arrays.copyOfRange(f, o, o + l))));
                    }
                });
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        received.stream().filter(Heartbeat.class::isInstance).count() >= 2
                                && received.stream().filter(Attitude.class::isInstance).count() >= 60);
            }
        }
        Heartbeat hb = (Heartbeat) received.stream().filter(Heartbeat.class::isInstance).findFirst().orElseThrow();
        assertEquals(MavAutopilot.MAV_AUTOPILOT_PX4, hb.autopilot().entry());
        List<Long> attitudeMs = received.stream().filter(Attitude.class::isInstance)
                .map(a -> ((Attitude) a).timeBootMs()).toList();
        for (int i = 1; i < attitudeMs.size(); i++) {
            assertEquals(20, attitudeMs.get(i) - attitudeMs.get(i - 1), "50 Hz on the board's clock: " + attitudeMs);
        }
        assertEquals(0, splitter.counters().crcErrors());

        // The record was flushed on close.
        List<BoardRecord> rows = new BoardRecordReader().read(recordFile);
        assertTrue(rows.stream().filter(BoardRecord.State.class::isInstance).count() >= 50);
    }
}
