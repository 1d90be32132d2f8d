package io.pstr.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavType;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what reads the board's bytes: {@link MavlinkFrameSplitter} and {@link MavlinkCodec#decodePayload}.
 * Inputs are mutations of valid streams of the messages the system exchanges, v1 and v2; a share of the
 * mutated frames get their checksum recomputed so the decoder, not just the CRC check, sees bad payloads.
 * <p>
 * Properties: nothing but a {@link RuntimeException} escapes the decoder (its callers count those and
 * skip the frame) and nothing at all escapes the splitter; every frame the splitter hands out has the
 * length its header announces and a good checksum; cutting the bytes into chunks changes nothing; good
 * frames separated by noise without start bytes all come through, and the noise is counted.
 */
class MavlinkFuzzTest {

    private static final MavlinkCodec CODEC = new MavlinkCodec();

    private static List<byte[]> validFrames(Mutator m, int count) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float f = (float) (m.nextInt(20001) - 10000) / 100f;
            Object payload = switch (m.nextInt(6)) {
                case 0 -> Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR).autopilot(MavAutopilot.MAV_AUTOPILOT_PX4)
                        .customMode(m.nextInt(1 << 30)).mavlinkVersion(3).build();
                case 1 -> Attitude.builder().timeBootMs(i * 20L).roll(f).pitch(-f).yaw(f / 2).build();
                case 2 -> LocalPositionNed.builder().timeBootMs(i * 20L).x(f).y(f * 2).z(-f).vx(1).vy(-1).vz(0.5f).build();
                case 3 -> SysStatus.builder().voltageBattery(m.nextInt(20000)).batteryRemaining(m.nextInt(100)).build();
                case 4 -> SetAttitudeTarget.builder().timeBootMs(i * 20L).targetSystem(1).targetComponent(1)
                        .q(List.of(1f, 0f, 0f, f / 1000)).thrust(0.5f).build();
                default -> CommandLong.builder().targetSystem(1).targetComponent(1)
                        .command(MavCmd.MAV_CMD_COMPONENT_ARM_DISARM).param1(1).build();
            };
            frames.add(m.chance(80) ? CODEC.encodeV2(payload, 1, 1, i) : CODEC.encodeV1(payload, 1, 1, i));
        }
        return frames;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Rewrites a frame's checksum for its (possibly mutated) header and payload, when the header allows. */
    static byte[] fixChecksum(byte[] frame) {
        if (frame.length < 8) {
            return frame;
        }
        int stx = frame[0] & 0xFF;
        boolean v2 = stx == MavlinkCodec.STX_V2;
        if (!v2 && stx != MavlinkCodec.STX_V1) {
            return frame;
        }
        int header = v2 ? 10 : 6;
        if (v2 && (frame[2] & 0xFE) != 0) {
            frame[2] &= 1;
        }
        if (frame.length < header + 2) {
            return frame;
        }
        int payload = Math.min(frame[1] & 0xFF, frame.length - header - 2);
        frame[1] = (byte) payload;
        int signature = v2 && (frame[2] & 1) != 0 ? MavlinkCodec.SIGNATURE_LENGTH : 0;
        byte[] out = Arrays.copyOf(frame, header + payload + 2 + signature);
        int extra = MavlinkCodec.crcExtra(MavlinkCodec.messageIdOf(out, 0));
        if (extra < 0) {
            return out;
        }
        int crc = MavlinkFrameSplitter.crc(out, 1, header - 1 + payload, extra);
        out[header + payload] = (byte) crc;
        out[header + payload + 1] = (byte) (crc >> 8);
        return out;
    }

    /** Splits {@code bytes} in chunks whose sizes come from {@code m} (all at once when m is null). */
    private static List<byte[]> split(byte[] bytes, Mutator m, MavlinkFrameSplitter splitter) {
        List<byte[]> frames = new ArrayList<>();
        MavlinkFrameSplitter.FrameHandler handler = (f, o, l, id) -> frames.add(Arrays.copyOfRange(f, o, o + l));
        if (m == null) {
            splitter.feed(bytes, 0, bytes.length, handler);
        } else {
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + m.nextInt(m.chance(20) ? 2000 : 64));
                splitter.feed(bytes, at, n, handler);
                at += n;
            }
        }
        return frames;
    }

    private static void checkFrame(byte[] frame) {
        boolean v2 = (frame[0] & 0xFF) == MavlinkCodec.STX_V2;
        int header = v2 ? 10 : 6;
        int payload = frame[1] & 0xFF;
        int signature = v2 && (frame[2] & 1) != 0 ? MavlinkCodec.SIGNATURE_LENGTH : 0;
        assertEquals(header + payload + 2 + signature, frame.length, "frame length matches its header");
        int extra = MavlinkCodec.crcExtra(MavlinkCodec.messageIdOf(frame, 0));
        assertTrue(extra >= 0, "a known message");
        int crc = MavlinkFrameSplitter.crc(frame, 1, header - 1 + payload, extra);
        assertEquals(crc, (frame[header + payload] & 0xFF) | (frame[header + payload + 1] & 0xFF) << 8, "checksum");
    }

    /** The whole pipeline on one input; returns normally or fails with the input kept as a crasher. */
    static void exercise(byte[] input, Mutator chunks) {
        try {
            List<byte[]> whole = split(input, null, new MavlinkFrameSplitter());
            List<byte[]> chunked = split(input, chunks, new MavlinkFrameSplitter());
            assertEquals(whole.size(), chunked.size(), "chunking changes nothing");
            for (int i = 0; i < whole.size(); i++) {
                assertTrue(Arrays.equals(whole.get(i), chunked.get(i)), "chunking changes nothing");
                checkFrame(whole.get(i));
                try {
                    CODEC.decodePayload(whole.get(i));
                } catch (RuntimeException e) {
                    // counted and skipped by every caller
                }
            }
        } catch (Error e) {
            Path kept = Mutator.keepCrasher("mavlink", input);
            fail("mavlink fuzz input " + kept + " broke a property: " + e, e);
        }
    }

    @Test
    void shouldSurviveMutatedBoardStreams() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0001L));
        List<byte[]> corpus = new ArrayList<>(validFrames(m, 200));
        int iterations = Mutator.iterations(2_000);
        for (int i = 0; i < iterations; i++) {
            List<byte[]> parts = new ArrayList<>();
            int frames = 1 + m.nextInt(6);
            for (int f = 0; f < frames; f++) {
                byte[] frame = m.pick(corpus);
                if (m.chance(60)) {
                    frame = m.mutate(frame, corpus);
                    if (m.chance(50)) {
                        frame = fixChecksum(frame);
                    }
                }
                parts.add(frame);
            }
            exercise(concat(parts), m);
        }
    }

    @Test
    void shouldDeliverEveryGoodFrameBetweenNoiseWithoutStartBytes() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0002L));
        int iterations = Mutator.iterations(2_000);
        for (int i = 0; i < iterations; i++) {
            List<byte[]> good = validFrames(m, 1 + m.nextInt(8));
            List<byte[]> parts = new ArrayList<>();
            long noise = 0;
            for (byte[] frame : good) {
                byte[] junk = m.randomBytes(m.nextInt(40));
                for (int j = 0; j < junk.length; j++) {
                    if ((junk[j] & 0xFF) == MavlinkCodec.STX_V1 || (junk[j] & 0xFF) == MavlinkCodec.STX_V2) {
                        junk[j] = 0x55;
                    }
                }
                noise += junk.length;
                parts.add(junk);
                parts.add(frame);
            }
            MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
            List<byte[]> out = split(concat(parts), m, splitter);
            assertEquals(good.size(), out.size(), "every good frame came through");
            for (int f = 0; f < good.size(); f++) {
                assertTrue(Arrays.equals(good.get(f), out.get(f)));
            }
            assertEquals(noise, splitter.counters().bytesSkipped(), "the noise is counted, byte for byte");
        }
    }

    @Test
    void shouldReplayTheKeptInputs() {
        Mutator m = new Mutator(1);
        for (Path file : Corpus.files(MavlinkFuzzTest.class, "mavlink")) {
            exercise(Corpus.bytes(file), m);
        }
    }
}
