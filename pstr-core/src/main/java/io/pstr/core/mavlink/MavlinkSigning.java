package io.pstr.core.mavlink;

import io.dronefleet.mavlink.protocol.MavlinkPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import org.agrona.collections.Long2LongHashMap;

/**
 * MAVLink 2 message signing (the MAVLink "Message Signing" specification): a 13-byte block after the
 * CRC holds the link id, a 48-bit timestamp in 10 µs units since 2015-01-01 00:00:00 UTC and the
 * first 6 bytes of SHA-256(secret key + header + payload + CRC + link id + timestamp). The digest is
 * io.dronefleet.mavlink's {@link MavlinkPacket#generateSignature}; the checks around it (unsigned,
 * bad signature, replay) are ours, since that library does not refuse anything by itself.
 */
public final class MavlinkSigning {

    public static final int KEY_LENGTH = 32;
    /** 2015-01-01T00:00:00Z in microseconds since the Unix epoch. */
    public static final long EPOCH_2015_MICROS = 1_420_070_400_000_000L;
    /** A new stream's first timestamp may lag the local one by at most a minute (the specification's rule). */
    static final long NEW_STREAM_MAX_AGE_TICKS = 60L * 100_000;
    private static final int INCOMPAT_SIGNED = 0x01;
    private static final long TIMESTAMP_MASK = (1L << 48) - 1;

    private MavlinkSigning() {
    }

    /** The current signing timestamp from a wall clock in Unix microseconds. */
    public static long timestampOf(long unixMicros) {
        return ((unixMicros - EPOCH_2015_MICROS) / 10) & TIMESTAMP_MASK;
    }

    /** Wall clock in Unix microseconds (millisecond resolution is enough: timestamps are made strictly increasing). */
    public static long wallMicros() {
        return System.currentTimeMillis() * 1000;
    }

    /**
     * Reads a key file: either exactly 32 bytes (the raw secret), or text holding 64 hexadecimal digits
     * (whitespace and a trailing newline are allowed).
     * @throws IllegalArgumentException with what is wrong with the file
     */
    public static byte[] loadKey(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read signing key file " + file + ": " + e.getMessage(), e);
        }
        String text = new String(content, StandardCharsets.US_ASCII).replaceAll("\\s", "");
        if (text.length() == 2 * KEY_LENGTH && text.matches("[0-9a-fA-F]+")) {
            return HexFormat.of().parseHex(text);
        }
        if (content.length == KEY_LENGTH) {
            return content;
        }
        throw new IllegalArgumentException("signing key file " + file + " holds " + content.length
                + " bytes: expected 64 hexadecimal digits (a 32-byte secret) or exactly 32 raw bytes");
    }

    /** Writes a key file in the hexadecimal form {@link #loadKey} reads. */
    public static void writeKey(Path file, byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a signing key is " + KEY_LENGTH + " bytes, not " + key.length);
        }
        try {
            Files.writeString(file, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write signing key " + file, e);
        }
    }

    /**
     * The first signature a JVM computes loads and sets up the SHA-256 provider: 40–50 ms, measured here. A signer or
     * verifier pays it when it is made (at a link's start), not on the link's thread at its first frame.
     */
    private static final class Primed {
        static {
            MavlinkPacket.generateSignature(new byte[12], 0, 0, new byte[KEY_LENGTH]);
        }

        static void ensure() {
            // Loading the class ran its initializer, once per JVM.
        }
    }

    private static long streamKey(int linkId, int system, int component) {
        return (long) linkId << 16 | system << 8 | component;
    }

    private static long readTimestamp(byte[] b, int at) {
        long ts = 0;
        for (int i = 5; i >= 0; i--) {
            ts = ts << 8 | (b[at + i] & 0xFF);
        }
        return ts;
    }

    /** Signs outgoing frames. One thread. */
    public static final class Signer {
        private final byte[] key;
        private final int linkId;
        private final LongSupplier unixMicros;
        private long lastTimestamp;

        public Signer(byte[] key, int linkId, LongSupplier unixMicros) {
            if (key.length != KEY_LENGTH) {
                throw new IllegalArgumentException("a signing key is " + KEY_LENGTH + " bytes, not " + key.length);
            }
            this.key = key.clone();
            this.linkId = linkId;
            this.unixMicros = unixMicros;
            Primed.ensure();
        }

        /**
         * Signs one whole MAVLink 2 frame (an existing signature is replaced).
         * @return the signed frame, or null for a MAVLink 1 frame or a message whose CRC_EXTRA is unknown
         */
        public byte[] sign(byte[] frame, int offset, int length) {
            if ((frame[offset] & 0xFF) != MavlinkCodec.STX_V2 || length < 12) {
                return null;
            }
            int payloadLength = frame[offset + 1] & 0xFF;
            int crcExtra = MavlinkCodec.crcExtra(MavlinkCodec.messageIdOf(frame, offset));
            int unsignedLength = 10 + payloadLength + 2;
            if (crcExtra < 0 || length < unsignedLength) {
                return null;
            }
            byte[] out = new byte[unsignedLength + MavlinkCodec.SIGNATURE_LENGTH];
            System.arraycopy(frame, offset, out, 0, 10 + payloadLength);
            out[2] = (byte) ((out[2] & 0xFF) | INCOMPAT_SIGNED);
            int crc = MavlinkFrameSplitter.crc(out, 1, 9 + payloadLength, crcExtra);
            out[10 + payloadLength] = (byte) crc;
            out[11 + payloadLength] = (byte) (crc >>> 8);
            long now = timestampOf(unixMicros.getAsLong());
            long ts = Math.max(now, lastTimestamp + 1);
            lastTimestamp = ts;
            byte[] signature = MavlinkPacket.generateSignature(java.util.Arrays.copyOf(out, unsignedLength), linkId, ts, key);
            System.arraycopy(signature, 0, out, unsignedLength, MavlinkCodec.SIGNATURE_LENGTH);
            return out;
        }
    }

    /** What {@link Verifier#verify} decided. */
    public enum Verdict {
        ACCEPTED, UNSIGNED, BAD_SIGNATURE, REPLAYED
    }

    /** Checks incoming frames: signature, and timestamps strictly increasing per (link id, system, component). One thread. */
    public static final class Verifier {
        private final byte[] key;
        private final LongSupplier unixMicros;
        private final Long2LongHashMap lastByStream = new Long2LongHashMap(-1);
        private long localTimestamp;

        public Verifier(byte[] key, LongSupplier unixMicros) {
            if (key.length != KEY_LENGTH) {
                throw new IllegalArgumentException("a signing key is " + KEY_LENGTH + " bytes, not " + key.length);
            }
            this.key = key.clone();
            this.unixMicros = unixMicros;
            Primed.ensure();
        }

        /** Checks one whole, CRC-checked frame. */
        public Verdict verify(byte[] frame, int offset, int length) {
            if ((frame[offset] & 0xFF) != MavlinkCodec.STX_V2 || (frame[offset + 2] & INCOMPAT_SIGNED) == 0) {
                return Verdict.UNSIGNED;
            }
            int payloadLength = frame[offset + 1] & 0xFF;
            int unsignedLength = 10 + payloadLength + 2;
            if (length != unsignedLength + MavlinkCodec.SIGNATURE_LENGTH) {
                return Verdict.BAD_SIGNATURE;
            }
            int at = offset + unsignedLength;
            int linkId = frame[at] & 0xFF;
            long ts = readTimestamp(frame, at + 1);
            byte[] expected = MavlinkPacket.generateSignature(
                    java.util.Arrays.copyOfRange(frame, offset, offset + unsignedLength), linkId, ts, key);
            int difference = 0;
            for (int i = 7; i < MavlinkCodec.SIGNATURE_LENGTH; i++) {
                difference |= expected[i] ^ frame[at + i]; // every byte looked at: the time taken does not say which differs
            }
            if (difference != 0) {
                return Verdict.BAD_SIGNATURE;
            }
            long stream = streamKey(linkId, frame[offset + 5] & 0xFF, frame[offset + 6] & 0xFF);
            long last = lastByStream.get(stream);
            localTimestamp = Math.max(localTimestamp, timestampOf(unixMicros.getAsLong()));
            if (last >= 0 ? ts <= last : ts + NEW_STREAM_MAX_AGE_TICKS < localTimestamp) {
                return Verdict.REPLAYED;
            }
            lastByStream.put(stream, ts);
            localTimestamp = Math.max(localTimestamp, ts);
            return Verdict.ACCEPTED;
        }
    }
}
