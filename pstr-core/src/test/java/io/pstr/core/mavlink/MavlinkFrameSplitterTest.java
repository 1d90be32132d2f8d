package io.pstr.core.mavlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MavlinkFrameSplitterTest {

    private final MavlinkCodec codec = new MavlinkCodec();

    private byte[] attitude(int seq, float roll) {
        return codec.encodeV2(Attitude.builder().timeBootMs(seq * 20L).roll(roll).pitch(0.1f).yaw(0.2f).build(), 1, 1, seq);
    }

    private List<byte[]> split(MavlinkFrameSplitter splitter, byte[] bytes) {
        List<byte[]> frames = new ArrayList<>();
        splitter.feed(bytes, 0, bytes.length, (f, o, l, id) -> frames.add(java.util.Arrays.copyOfRange(f, o, o + l)));
        return frames;
    }

    @Test
    void shouldRoundTripFramesOfBothVersions() {
        byte[] v2 = attitude(3, 0.5f);
        byte[] v1 = codec.encodeV1(Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR)
                .autopilot(MavAutopilot.MAV_AUTOPILOT_PX4).mavlinkVersion(3).build(), 1, 1, 4);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(v2);
        all.writeBytes(v1);
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        List<byte[]> frames = split(splitter, all.toByteArray());
        assertEquals(2, frames.size());
        Attitude decoded = (Attitude) codec.decodePayload(frames.get(0));
        assertEquals(0.5f, decoded.roll());
        assertTrue(codec.decodePayload(frames.get(1)) instanceof Heartbeat);
        assertEquals(2, splitter.counters().framesOk());
    }

    @Test
    void shouldCountGarbageTruncationBadCrcAndOversizeAndStillDeliverTheNextGoodFrame() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(new byte[] {1, 2, 3, 4, 5});              // garbage
        byte[] bad = attitude(1, 0.1f);
        bad[bad.length - 1] ^= 0x55;                                // bad CRC
        stream.writeBytes(bad);
        byte[] truncated = attitude(2, 0.2f);
        stream.write(truncated, 0, truncated.length / 2);           // truncated frame
        byte[] oversize = new byte[300];                            // a start byte claiming a huge payload of junk
        oversize[0] = (byte) MavlinkCodec.STX_V2;
        oversize[1] = (byte) 255;
        stream.writeBytes(oversize);
        byte[] good = attitude(3, 0.3f);
        stream.writeBytes(good);
        List<byte[]> frames = split(splitter, stream.toByteArray());

        assertEquals(1, frames.size(), "only the last frame is whole and good");
        assertEquals(0.3f, ((Attitude) codec.decodePayload(frames.get(0))).roll());
        assertTrue(splitter.counters().crcErrors() >= 1, splitter.counters().toString());
        assertTrue(splitter.counters().bytesSkipped() >= 5 + bad.length, splitter.counters().toString());
    }

    @Test
    void shouldDeliverFramesSplitAcrossReadsAndCountSequenceGaps() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        List<byte[]> frames = new ArrayList<>();
        for (int seq : new int[] {10, 11, 14}) {
            byte[] f = attitude(seq, 0f);
            for (byte b : f) {
                splitter.feed(new byte[] {b}, 0, 1, (fr, o, l, id) -> frames.add(new byte[l]));
            }
        }
        assertEquals(3, frames.size());
        assertEquals(1, splitter.counters().sequenceGaps());
        assertEquals(2, splitter.counters().framesLostToGaps());
    }

    @Test
    void shouldTakeBackAFrameThatCameLateInsteadOfCountingAWrapAroundOfLostFrames() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        // as PX4 sent them in SITL: 11 after 12, then on from 12; and one frame twice
        assertEquals(6, split(splitter, frames(10, 12, 11, 13, 13, 14)).size(), "all delivered");
        assertEquals(1, splitter.counters().sequenceGaps(), "the sequence did jump once");
        assertEquals(0, splitter.counters().framesLostToGaps(), "but nothing was lost");
        split(splitter, attitude(17, 0f));
        assertEquals(2, splitter.counters().framesLostToGaps(), "a real gap after it still counts");
    }

    @Test
    void shouldTakeBackOnlyWhatWasCountedLostAndEachFrameOnce() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        // two frames overtaken by a third, one of them arriving twice
        split(splitter, frames(10, 13, 11, 12, 12, 14));
        assertEquals(1, splitter.counters().sequenceGaps());
        assertEquals(0, splitter.counters().framesLostToGaps(), "both arrived, each taken back once");

        // two gaps, then the first one's frame comes late: the take-back reaches past the later gap
        split(splitter, frames(16, 18));
        assertEquals(2, splitter.counters().framesLostToGaps(), "15 and 17 counted lost");
        split(splitter, frames(15));
        assertEquals(1, splitter.counters().framesLostToGaps(), "15 came: only 17 is lost");
        split(splitter, frames(15));
        assertEquals(1, splitter.counters().framesLostToGaps(), "15 taken back once only");
    }

    @Test
    void shouldNotTakeBackARealLossWhenASenderStartsAgainAFewNumbersLower() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        split(splitter, frames(20, 22, 23, 24, 25, 26, 27, 28, 29, 30));
        assertEquals(1, splitter.counters().framesLostToGaps(), "21 lost");
        // the sender rebooted and numbers from 25 again: nothing of that was counted lost, nothing is taken back
        split(splitter, frames(25, 26, 27, 28, 29, 30, 31, 32));
        assertEquals(1, splitter.counters().framesLostToGaps(), "21 is still lost");
        assertEquals(1, splitter.counters().sequenceGaps());
    }

    private byte[] frames(int... sequences) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int seq : sequences) {
            stream.writeBytes(attitude(seq, 0f));
        }
        return stream.toByteArray();
    }

    @Test
    void shouldNotCountAFrameOfAnUnknownMessageAsLostThoughItDropsIt() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(attitude(10, 0f));
        // message 60000 is in no dialect: its frame cannot be checked, so it is dropped, but it did arrive
        stream.writeBytes(io.dronefleet.mavlink.protocol.MavlinkPacket.createUnsignedMavlink2Packet(11, 1, 1, 60_000, 0,
                new byte[] {1, 2, 3}).getRawBytes());
        stream.writeBytes(attitude(12, 0f));
        stream.writeBytes(attitude(14, 0f));
        assertEquals(3, split(splitter, stream.toByteArray()).size());
        assertEquals(1, splitter.counters().unknownMessages());
        assertEquals(1, splitter.counters().sequenceGaps(), "only the real gap, 12 to 14");
        assertEquals(1, splitter.counters().framesLostToGaps());
    }

    @Test
    void shouldStartANewStreamAfterTheLinkWasDownWithoutCountingWhatTheOutageSwallowed() {
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        byte[] before = attitude(10, 0f);
        byte[] cut = attitude(11, 0f);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.writeBytes(before);
        first.write(cut, 0, 7);                                      // the link went down mid-frame
        assertEquals(1, split(splitter, first.toByteArray()).size());

        splitter.restart();
        byte[] after = attitude(200, 0.4f);                          // the board went on counting meanwhile
        List<byte[]> frames = split(splitter, after);

        assertEquals(1, frames.size(), "the first frame of the new stream is delivered whole");
        assertEquals(0.4f, ((Attitude) codec.decodePayload(frames.get(0))).roll());
        assertEquals(0, splitter.counters().sequenceGaps(), "not a gap on a working link");
        assertEquals(7, splitter.counters().bytesSkipped(), "the cut frame's head is counted as skipped");
        split(splitter, attitude(202, 0f));
        assertEquals(1, splitter.counters().sequenceGaps(), "gaps are counted again from the new stream on");
    }

    @Test
    void shouldSurviveRandomNoiseBetweenGoodFrames() {
        Random random = new Random(42);
        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int good = 0;
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[random.nextInt(40)];
            random.nextBytes(noise);
            for (int j = 0; j < noise.length; j++) {
                if ((noise[j] & 0xFF) == MavlinkCodec.STX_V1 || (noise[j] & 0xFF) == MavlinkCodec.STX_V2) {
                    noise[j] = 0; // a start byte in the noise may legitimately swallow the next frame
                }
            }
            stream.writeBytes(noise);
            stream.writeBytes(attitude(i & 0xFF, i));
            good++;
        }
        List<byte[]> frames = split(splitter, stream.toByteArray());
        assertEquals(good, frames.size());
    }
}
