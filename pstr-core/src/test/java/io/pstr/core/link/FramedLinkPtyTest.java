package io.pstr.core.link;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkSigning;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link FramedLink} on real socat pty pairs: framing, bad input, stamps, signing, unplug and replug, injected unplug. */
@Timeout(60)
class FramedLinkPtyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final MavlinkCodec codec = new MavlinkCodec();

    @TempDir
    Path dir;

    @BeforeEach
    void needsSocat() {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
    }

    private static void write(ByteLink link, byte[] bytes) {
        assertTrue(link.write(bytes, 0, bytes.length), "written");
    }

    /** Starts the board's side and the host's framed link and waits until both are open. */
    private static void startBoth(ByteLink board, FramedLink link, FrameRecorder host) {
        board.start(new RecordingListener());
        link.start(host);
        await().atMost(WAIT).until(() -> board.isUp() && link.isUp());
    }

    private byte[] position(float z, int seq) {
        return codec.encodeV2(LocalPositionNed.builder().z(z).build(), 1, 1, seq);
    }

    @Test
    void shouldCountGarbageTruncatedBadCrcOversizeAndNoiseAndDeliverEveryGoodFrame() {
        FrameRecorder host = new FrameRecorder();
        try (SocatPty pty = SocatPty.create(dir);
             ByteLink board = Links.open(Endpoint.parse("pty:" + pty.pathA()));
             FramedLink link = FramedLink.open(Endpoint.parse("serial:" + pty.pathB() + ":115200"))) {
            startBoth(board, link, host);

            Random random = new Random(11);
            byte[] garbage = new byte[400];
            random.nextBytes(garbage);
            for (int i = 0; i < garbage.length; i++) {
                if ((garbage[i] & 0xFF) == MavlinkCodec.STX_V1 || (garbage[i] & 0xFF) == MavlinkCodec.STX_V2) {
                    garbage[i] = 0x55;
                }
            }
            byte[] badCrc = position(-1f, 0);
            badCrc[badCrc.length - 1] ^= 0x33;
            byte[] truncated = position(-2f, 1);
            // An oversize frame: a header that claims the largest payload, filled with noise.
            byte[] oversize = new byte[10 + 255 + 2];
            random.nextBytes(oversize);
            oversize[0] = (byte) MavlinkCodec.STX_V2;
            oversize[1] = (byte) 255;
            oversize[2] = 0;
            oversize[7] = 32;
            oversize[8] = 0;
            oversize[9] = 0;
            // A noise burst full of start bytes, as a loose connector makes.
            byte[] burst = new byte[600];
            random.nextBytes(burst);
            for (int i = 0; i < burst.length; i += 7) {
                burst[i] = (byte) (i % 2 == 0 ? MavlinkCodec.STX_V2 : MavlinkCodec.STX_V1);
            }

            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<byte[]> good = new ArrayList<>();
            stream.writeBytes(garbage);
            stream.writeBytes(badCrc);
            stream.write(truncated, 0, truncated.length - 6);
            good.add(position(-42f, 2));
            stream.writeBytes(good.get(0));
            stream.writeBytes(oversize);
            good.add(position(-43f, 3));
            stream.writeBytes(good.get(1));
            stream.writeBytes(burst);
            good.add(codec.encodeV1(Heartbeat.builder().build(), 1, 1, 4));
            stream.writeBytes(good.get(2));
            write(board, stream.toByteArray());
            // A start byte in the noise may claim up to 280 bytes: the traffic that follows resolves it.
            int[] filler = {5};
            await("the good frames after the bad bytes").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (host.count() < good.size()) {
                    write(board, codec.encodeV2(Heartbeat.builder().build(), 1, 1, filler[0]++));
                }
                return host.count() >= good.size();
            });
            List<FrameRecorder.Frame> got = host.frames();
            for (int i = 0; i < good.size(); i++) {
                assertArrayEquals(good.get(i), got.get(i).bytes(), "good frame " + i);
            }
            assertEquals(0, got.get(2).messageId(), "the MAVLink 1 heartbeat");
            assertTrue(link.frameCounters().crcErrors() >= 2, "bad CRC, truncated and oversize counted: " + link.frameCounters());
            assertTrue(link.frameCounters().bytesSkipped() >= garbage.length + burst.length - 50,
                    "garbage and the burst skipped: " + link.frameCounters());
            for (FrameRecorder.Frame f : got.subList(good.size(), got.size())) {
                assertEquals(0, f.messageId(), "after the good frames only the filler heartbeats");
            }
            assertEquals(got.size(), link.framesIn());
        }
    }

    @Test
    void shouldStampTheFirstAndLastByteOfAFrameSentInTwoParts() {
        FrameRecorder host = new FrameRecorder();
        try (SocatPty pty = SocatPty.create(dir);
             ByteLink board = Links.open(Endpoint.parse("pty:" + pty.pathA()));
             FramedLink link = FramedLink.open(Endpoint.parse("serial:" + pty.pathB()))) {
            startBoth(board, link, host);
            byte[] frame = codec.encodeV2(Attitude.builder().timeBootMs(99).build(), 1, 1, 0);
            long before = System.nanoTime();
            assertTrue(board.write(frame, 0, 10));
            await().atMost(WAIT).until(() -> link.byteCounters().bytesIn.get() == 10);
            long between = System.nanoTime();
            assertTrue(board.write(frame, 10, frame.length - 10));
            await().atMost(WAIT).until(() -> host.count() == 1);
            FrameRecorder.Frame f = host.frames().get(0);
            assertTrue(f.firstNs() > before && f.firstNs() < between, "first byte read before the second part was sent");
            assertTrue(f.lastNs() > between, "last byte read after the second part was sent");
            assertEquals(30, f.messageId());
        }
    }

    @Test
    void shouldPassRawBytesThroughAsTimeStampedChunks() {
        FrameRecorder host = new FrameRecorder();
        try (SocatPty pty = SocatPty.create(dir);
             ByteLink board = Links.open(Endpoint.parse("pty:" + pty.pathA()));
             FramedLink link = FramedLink.open(Endpoint.parse("serial:" + pty.pathB() + ":115200,framing=raw"))) {
            startBoth(board, link, host);
            byte[] data = new byte[5000];
            new Random(3).nextBytes(data);
            write(board, data);
            await().atMost(WAIT).until(() -> link.byteCounters().bytesIn.get() == data.length);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (FrameRecorder.Frame f : host.frames()) {
                assertEquals(-1, f.messageId());
                assertTrue(f.bytes().length <= FramedLink.RAW_CHUNK_MAX);
                assertEquals(f.firstNs(), f.lastNs());
                joined.writeBytes(f.bytes());
            }
            assertArrayEquals(data, joined.toByteArray(), "every byte, in order, none skipped");
            assertEquals(0, link.frameCounters().bytesSkipped());
            byte[] reply = {1, 2, 3};
            assertEquals(3, link.write(reply, 0, 3, System.nanoTime()), "raw bytes go out as they are");
        }
    }

    @Test
    void shouldRefuseUnsignedBadlySignedAndReplayedFramesOnASignedLink() {
        Path key = dir.resolve("link.key");
        MavlinkSigning.writeKey(key, HexFormat.of().parseHex("a1".repeat(32)));
        Path otherKey = dir.resolve("other.key");
        MavlinkSigning.writeKey(otherKey, HexFormat.of().parseHex("b2".repeat(32)));
        FrameRecorder host = new FrameRecorder();
        FrameRecorder boardSide = new FrameRecorder();
        List<byte[]> sentSigned = new ArrayList<>();
        try (SocatPty pty = SocatPty.create(dir);
             FramedLink board = FramedLink.open(Endpoint.parse("pty:" + pty.pathA() + ",signing-key=" + key));
             FramedLink link = FramedLink.open(Endpoint.parse("serial:" + pty.pathB() + ":115200,signing-key=" + key))) {
            board.addTap(new FramedLink.Tap() {
                @Override
                public void outbound(byte[] bytes, int offset, int length, long nowNs) {
                    sentSigned.add(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
                }
            });
            board.start(boardSide);
            link.start(host);
            await().atMost(WAIT).until(() -> board.isUp() && link.isUp());

            byte[] first = position(-10f, 0);
            assertEquals(first.length + MavlinkCodec.SIGNATURE_LENGTH, board.write(first, 0, first.length, System.nanoTime()));
            await().atMost(WAIT).until(() -> host.count() == 1);
            assertEquals(1, host.frames().get(0).bytes()[2] & 1, "delivered as signed");

            write(board.byteLink(), position(-11f, 1));
            write(board.byteLink(), codec.encodeV1(Heartbeat.builder().build(), 1, 1, 2));
            byte[] f = position(-12f, 3);
            write(board.byteLink(), new MavlinkSigning.Signer(MavlinkSigning.loadKey(otherKey), 0, MavlinkSigning::wallMicros)
                    .sign(f, 0, f.length));
            write(board.byteLink(), sentSigned.get(0));
            byte[] last = position(-13f, 4);
            assertTrue(board.write(last, 0, last.length, System.nanoTime()) > 0);

            await().atMost(WAIT).until(() -> host.count() == 2);
            await().atMost(WAIT).until(() -> link.unsignedRefused() == 2 && link.badSignatures() == 1 && link.replayedRefused() == 1);
            assertEquals(2, link.framesIn(), "only the two signed frames got through");

            // The other way: the host signs, the board verifies.
            byte[] setpoint = position(-5f, 0);
            assertTrue(link.write(setpoint, 0, setpoint.length, System.nanoTime()) > 0);
            await().atMost(WAIT).until(() -> boardSide.count() == 1);
            assertEquals(0, board.unsignedRefused() + board.badSignatures() + board.replayedRefused());

            byte[] v1 = codec.encodeV1(Heartbeat.builder().build(), 1, 1, 9);
            assertEquals(0, link.write(v1, 0, v1.length, System.nanoTime()), "a MAVLink 1 frame cannot be signed: not written");
            assertEquals(1, link.unsignableOut());
        }
    }

    @Test
    void shouldReportDownWithinASecondCountWhatCannotBeWrittenAndResumeOnReplug() {
        FrameRecorder host = new FrameRecorder();
        SocatPty first = SocatPty.create(dir);
        try (FramedLink link = FramedLink.open(Endpoint.parse("serial:" + first.pathB() + ":115200"))) {
            link.start(host);
            await().atMost(WAIT).until(link::isUp);
            first.close();
            await("down within a second").atMost(Duration.ofSeconds(1)).until(() -> host.downs.get() == 1 && !link.isUp());
            assertTrue(link.lastDownReason() != null);
            byte[] lost = position(-1f, 0);
            assertEquals(-1, link.write(lost, 0, lost.length, System.nanoTime()));
            assertEquals(lost.length, link.byteCounters().bytesUnwritable.get(), "counted, not silently lost");

            try (SocatPty second = SocatPty.create(dir);
                 ByteLink board = Links.open(Endpoint.parse("pty:" + second.pathA()))) {
                board.start(new RecordingListener());
                await("back up after the replug").atMost(WAIT).until(() -> link.isUp() && host.ups.get() == 2);
                await().atMost(WAIT).until(board::isUp);
                byte[] again = position(-2f, 1);
                write(board, again);
                await().atMost(WAIT).until(() -> host.count() == 1);
                assertArrayEquals(again, host.frames().get(0).bytes());
            }
        }
    }

    @Test
    void shouldCloseThePortOnUnplugKeepItClosedForItsTimeAndDropWhatCameMeanwhile() {
        FrameRecorder host = new FrameRecorder();
        Duration unplug = Duration.ofMillis(800);
        try (SocatPty pty = SocatPty.create(dir);
             ByteLink board = Links.open(Endpoint.parse("pty:" + pty.pathA()));
             FramedLink link = FramedLink.open(Endpoint.parse("serial:" + pty.pathB() + ":115200"))) {
            startBoth(board, link, host);
            write(board, position(-1f, 0));
            await().atMost(WAIT).until(() -> host.count() == 1);

            long unpluggedNs = System.nanoTime();
            link.unplug(unplug.toNanos());
            await("down within a read timeout").atMost(Duration.ofSeconds(1)).until(() -> host.downs.get() == 1 && !link.isUp());
            assertTrue(link.lastDownReason().startsWith("unplugged for 800 ms"), link.lastDownReason());
            byte[] lost = position(-2f, 1);
            assertEquals(-1, link.write(lost, 0, lost.length, System.nanoTime()));
            assertEquals(lost.length, link.byteCounters().bytesUnwritable.get(), "counted, not silently lost");
            write(board, position(-3f, 2)); // the pty keeps it; a pulled cable would not
            await("not reopened while unplugged").during(unplug.dividedBy(2)).atMost(unplug)
                    .until(() -> !link.isUp() && host.ups.get() == 1);

            await("reopened when the time is up").atMost(WAIT).until(() -> link.isUp() && host.ups.get() == 2);
            assertTrue(host.lastUpNs - unpluggedNs >= unplug.toNanos(),
                    "reopened " + (host.lastUpNs - unpluggedNs) / 1_000_000 + " ms after the unplug");
            byte[] again = position(-4f, 3);
            write(board, again);
            await().atMost(WAIT).until(() -> host.count() == 2);
            assertArrayEquals(again, host.frames().get(1).bytes(), "what the board sent while unplugged never arrives");
        }
    }
}
