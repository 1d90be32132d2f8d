package io.pstr.core.mavlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.pstr.core.mavlink.MavlinkSigning.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavlinkSigningTest {

    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    /** 2026-01-01T00:00:00Z. */
    private final AtomicLong wallMicros = new AtomicLong(1_767_225_600_000_000L);
    private final MavlinkCodec codec = new MavlinkCodec();

    @TempDir
    Path dir;

    @Test
    void shouldSignAsTheSpecificationSaysSha256OfKeyHeaderPayloadCrcLinkIdAndTimestamp() throws Exception {
        byte[] unsigned = codec.encodeV2(Attitude.builder().timeBootMs(1234).roll(0.5f).build(), 1, 1, 7);
        byte[] signed = new MavlinkSigning.Signer(KEY, 5, wallMicros::get).sign(unsigned, 0, unsigned.length);

        int payload = unsigned[1] & 0xFF;
        int unsignedLength = 12 + payload;
        assertEquals(unsignedLength + 13, signed.length);
        assertEquals(1, signed[2] & 0x01, "incompatibility flag: signed");
        assertEquals(5, signed[unsignedLength], "link id");
        long ts = 0;
        for (int i = 6; i >= 1; i--) {
            ts = ts << 8 | (signed[unsignedLength + i] & 0xFF);
        }
        assertEquals((wallMicros.get() - 1_420_070_400_000_000L) / 10, ts, "10 us units since 2015-01-01");
        int crc = MavlinkFrameSplitter.crc(signed, 1, 9 + payload, MavlinkCodec.crcExtra(30));
        assertEquals(crc, (signed[10 + payload] & 0xFF) | (signed[11 + payload] & 0xFF) << 8, "CRC recomputed over the new flags");

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(KEY);
        sha.update(signed, 0, unsignedLength + 7);
        byte[] expected = Arrays.copyOf(sha.digest(), 6);
        assertArrayEquals(expected, Arrays.copyOfRange(signed, unsignedLength + 7, unsignedLength + 13));

        MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
        int[] frames = {0};
        splitter.feed(signed, 0, signed.length, (f, o, l, id) -> frames[0]++);
        assertEquals(1, frames[0], "a signed frame is a good frame for the splitter");
    }

    @Test
    void shouldAcceptSignedFramesAndRefuseUnsignedBadAndReplayed() {
        MavlinkSigning.Signer signer = new MavlinkSigning.Signer(KEY, 0, wallMicros::get);
        MavlinkSigning.Verifier verifier = new MavlinkSigning.Verifier(KEY, wallMicros::get);
        byte[] first = sign(signer, 0);
        byte[] second = sign(signer, 1);
        assertEquals(Verdict.ACCEPTED, verify(verifier, first));
        assertEquals(Verdict.ACCEPTED, verify(verifier, second));
        assertEquals(Verdict.REPLAYED, verify(verifier, first), "older timestamp");
        assertEquals(Verdict.REPLAYED, verify(verifier, second), "same timestamp again");

        byte[] unsigned = codec.encodeV2(Heartbeat.builder().build(), 1, 1, 2);
        assertEquals(Verdict.UNSIGNED, verify(verifier, unsigned));
        byte[] v1 = codec.encodeV1(Heartbeat.builder().build(), 1, 1, 3);
        assertEquals(Verdict.UNSIGNED, verify(verifier, v1));

        byte[] forged = sign(new MavlinkSigning.Signer(HexFormat.of().parseHex("ff".repeat(32)), 0, wallMicros::get), 4);
        assertEquals(Verdict.BAD_SIGNATURE, verify(verifier, forged));
        byte[] tampered = sign(signer, 5);
        tampered[tampered.length - 1] ^= 1;
        assertEquals(Verdict.BAD_SIGNATURE, verify(verifier, tampered));
    }

    @Test
    void shouldRefuseANewStreamMoreThanAMinuteOlderThanTheLocalClock() {
        MavlinkSigning.Signer signer = new MavlinkSigning.Signer(KEY, 0, wallMicros::get);
        byte[] old = sign(signer, 0);
        wallMicros.addAndGet(61_000_000L);
        assertEquals(Verdict.REPLAYED, verify(new MavlinkSigning.Verifier(KEY, wallMicros::get), old));
        byte[] recent = sign(signer, 1);
        assertEquals(Verdict.ACCEPTED, verify(new MavlinkSigning.Verifier(KEY, wallMicros::get), recent));
    }

    @Test
    void shouldKeepOutgoingTimestampsStrictlyIncreasingWithAStoppedClock() {
        MavlinkSigning.Signer signer = new MavlinkSigning.Signer(KEY, 0, wallMicros::get);
        MavlinkSigning.Verifier verifier = new MavlinkSigning.Verifier(KEY, wallMicros::get);
        for (int i = 0; i < 100; i++) {
            assertEquals(Verdict.ACCEPTED, verify(verifier, sign(signer, i)), "frame " + i);
        }
    }

    @Test
    void shouldNotSignMavlink1() {
        byte[] v1 = codec.encodeV1(Heartbeat.builder().build(), 1, 1, 3);
        assertNull(new MavlinkSigning.Signer(KEY, 0, wallMicros::get).sign(v1, 0, v1.length));
    }

    @Test
    void shouldLoadHexAndRawKeyFilesAndExplainBadOnes() throws Exception {
        Path hex = dir.resolve("k.hex");
        MavlinkSigning.writeKey(hex, KEY);
        assertArrayEquals(KEY, MavlinkSigning.loadKey(hex));
        Path spaced = dir.resolve("spaced.hex");
        Files.writeString(spaced, "00010203 04050607 08090a0b 0c0d0e0f\n101112131415161718191A1B1C1D1E1F\n");
        assertArrayEquals(KEY, MavlinkSigning.loadKey(spaced));
        Path raw = dir.resolve("k.bin");
        Files.write(raw, KEY);
        assertArrayEquals(KEY, MavlinkSigning.loadKey(raw));

        Path shortKey = dir.resolve("short.hex");
        Files.writeString(shortKey, "0011");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MavlinkSigning.loadKey(shortKey));
        assertTrue(e.getMessage().contains("expected 64 hexadecimal digits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MavlinkSigning.loadKey(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("cannot read signing key file"), e.getMessage());
    }

    private byte[] sign(MavlinkSigning.Signer signer, int sequence) {
        byte[] f = codec.encodeV2(Heartbeat.builder().build(), 1, 1, sequence);
        return signer.sign(f, 0, f.length);
    }

    private static Verdict verify(MavlinkSigning.Verifier verifier, byte[] frame) {
        return verifier.verify(frame, 0, frame.length);
    }
}
