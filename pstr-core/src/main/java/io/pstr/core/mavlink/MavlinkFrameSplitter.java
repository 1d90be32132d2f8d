package io.pstr.core.mavlink;

/**
 * Cuts a byte stream into whole, CRC-checked MAVLink 1 and 2 frames. No I/O, one thread.
 * <p>
 * On a bad start byte, an unknown message or a CRC mismatch it drops one byte and looks again
 * (the way mavlink-router resynchronises), counting what it dropped, so the next good frame
 * always comes through. Sequence numbers are tracked per (system, component) to count gaps; a frame of an unknown
 * message arrived, so the sequence number it took is not counted as lost, nor is a frame that came late.
 */
public final class MavlinkFrameSplitter {

    /** Receives each good frame; the array is reused after the call returns. */
    @FunctionalInterface
    public interface FrameHandler {
        void onFrame(byte[] frame, int offset, int length, int messageId);
    }

    private final byte[] pending = new byte[MavlinkCodec.MAX_FRAME_LENGTH * 4];
    /** When each pending byte was read (the {@code rxNs} of the chunk that brought it). */
    private final long[] arrivalNs = new long[pending.length];
    private int pendingLength;
    private long frameFirstNs;
    private long frameLastNs;
    private final FrameCounters counters = new FrameCounters();
    /**
     * Per (system, component): the last sequence number (low 8 bits) and which of the {@link #LATE_WINDOW} - 1 numbers
     * before it were counted lost (bit i above them: number last - 1 - i); -1 before the sender's first frame.
     */
    private final int[] lastSequence = new int[1 << 16];
    /** A frame numbered at most this many before its sender's last one came late or twice: not a wrap-around gap. */
    static final int LATE_WINDOW = 16;
    private static final int LATE_MASK = (1 << (LATE_WINDOW - 1)) - 1;
    /** Frames of unknown messages seen from each (system, component) since its last good frame, at most 255. */
    private final byte[] unknownSinceGood = new byte[1 << 16];

    public MavlinkFrameSplitter() {
        java.util.Arrays.fill(lastSequence, -1);
    }

    public FrameCounters counters() {
        return counters;
    }

    /**
     * Starts a new stream, as after the link was down: the partial frame left from before is dropped (counted in
     * {@link FrameCounters#bytesSkipped()}) and every sender's sequence is forgotten, so that what the sender sent
     * while nothing could carry it is not taken for frames lost on a working link (the outage is reported as such).
     * Call from the thread that feeds.
     */
    public void restart() {
        counters.bytesSkipped += pendingLength;
        pendingLength = 0;
        java.util.Arrays.fill(lastSequence, -1);
        java.util.Arrays.fill(unknownSinceGood, (byte) 0);
    }

    /** Feeds bytes; calls the handler once per whole good frame, in order. */
    public void feed(byte[] bytes, int offset, int length, FrameHandler handler) {
        feed(bytes, offset, length, 0L, handler);
    }

    /**
     * Feeds bytes read at {@code rxNs}; calls the handler once per whole good frame, in order. During the
     * call {@link #frameFirstNs()} and {@link #frameLastNs()} say when the frame's first and last byte were read.
     */
    public void feed(byte[] bytes, int offset, int length, long rxNs, FrameHandler handler) {
        int consumed = 0;
        while (consumed < length) {
            int n = Math.min(length - consumed, pending.length - pendingLength);
            System.arraycopy(bytes, offset + consumed, pending, pendingLength, n);
            java.util.Arrays.fill(arrivalNs, pendingLength, pendingLength + n, rxNs);
            pendingLength += n;
            consumed += n;
            drain(handler);
        }
    }

    private void drain(FrameHandler handler) {
        int start = 0;
        while (pendingLength - start > 0) {
            int stx = pending[start] & 0xFF;
            if (stx != MavlinkCodec.STX_V1 && stx != MavlinkCodec.STX_V2) {
                start++;
                counters.bytesSkipped++;
                continue;
            }
            int available = pendingLength - start;
            boolean v2 = stx == MavlinkCodec.STX_V2;
            int headerLength = v2 ? 10 : 6;
            if (available < headerLength) {
                break;
            }
            int payloadLength = pending[start + 1] & 0xFF;
            int frameLength = headerLength + payloadLength + 2;
            if (v2 && (pending[start + 2] & 0x01) != 0) {
                frameLength += MavlinkCodec.SIGNATURE_LENGTH;
            }
            if (v2 && (pending[start + 2] & 0xFE) != 0) {
                // Unknown incompatibility flags: not a frame we may parse.
                start++;
                counters.bytesSkipped++;
                continue;
            }
            if (available < frameLength) {
                break;
            }
            int messageId = MavlinkCodec.messageIdOf(pending, start);
            int crcExtra = MavlinkCodec.crcExtra(messageId);
            if (crcExtra < 0) {
                counters.unknownMessages++;
                int key = sourceKey(v2, start);
                if (unknownSinceGood[key] != (byte) 0xFF) {
                    unknownSinceGood[key]++;
                }
                start++;
                counters.bytesSkipped++;
                continue;
            }
            int crcOffset = start + headerLength + payloadLength;
            int expected = crc(pending, start + 1, headerLength - 1 + payloadLength, crcExtra);
            int actual = (pending[crcOffset] & 0xFF) | (pending[crcOffset + 1] & 0xFF) << 8;
            if (expected != actual) {
                counters.crcErrors++;
                start++;
                counters.bytesSkipped++;
                continue;
            }
            trackSequence(v2, start);
            counters.framesOk++;
            frameFirstNs = arrivalNs[start];
            frameLastNs = arrivalNs[start + frameLength - 1];
            handler.onFrame(pending, start, frameLength, messageId);
            start += frameLength;
        }
        if (start > 0) {
            System.arraycopy(pending, start, pending, 0, pendingLength - start);
            System.arraycopy(arrivalNs, start, arrivalNs, 0, pendingLength - start);
            pendingLength -= start;
        }
    }

    private int sourceKey(boolean v2, int start) {
        return (pending[start + (v2 ? 5 : 3)] & 0xFF) << 8 | pending[start + (v2 ? 6 : 4)] & 0xFF;
    }

    private void trackSequence(boolean v2, int start) {
        int sequence = pending[start + (v2 ? 4 : 2)] & 0xFF;
        int key = sourceKey(v2, start);
        int system = key >>> 8;
        int component = key & 0xFF;
        int state = lastSequence[key];
        int unknown = unknownSinceGood[key] & 0xFF;
        unknownSinceGood[key] = 0;
        int lostMask = 0;
        if (state >= 0) {
            int last = state & 0xFF;
            int counted = state >>> 8;
            int behind = (last - sequence) & 0xFF;
            if (behind < LATE_WINDOW) {
                // The same number again, or a frame that comes after a later one: PX4's MAVLink threads share one
                // sequence and now and then send in a different order than they numbered. If the later one counted
                // this frame lost, it arrived after all: taken back, once. A sender that started again a few numbers
                // lower (a reboot) took back nothing it had not counted. The sequence goes on from the later one.
                int bit = behind == 0 ? 0 : 1 << (behind - 1);
                if ((counted & bit) != 0) {
                    lastSequence[key] = last | (counted & ~bit) << 8;
                    // (a gap with frames of unknown messages in it marked more numbers than it counted)
                    if (counters.framesLostToGaps > 0) {
                        counters.framesLostToGaps--;
                    }
                }
                return;
            }
            int skipped = (sequence - last - 1) & 0xFF;
            int missing = Math.max(0, skipped - unknown);
            if (missing != 0) {
                counters.sequenceGaps++;
                counters.framesLostToGaps += missing;
                counters.gapsBySource.computeIfAbsent(system + "/" + component, k -> new java.util.concurrent.atomic.AtomicLong())
                        .incrementAndGet();
                // The numbers skipped, nearest first; with frames of unknown messages among them, which ones those took
                // is not known, and all are marked.
                lostMask = skipped >= LATE_WINDOW - 1 ? LATE_MASK : (1 << skipped) - 1;
            }
            if (skipped + 1 < LATE_WINDOW - 1) {
                lostMask |= (counted << (skipped + 1)) & LATE_MASK;
            }
        }
        lastSequence[key] = sequence | lostMask << 8;
    }

    /** When the first byte of the frame being handled was read (valid during a handler call). */
    public long frameFirstNs() {
        return frameFirstNs;
    }

    /** When the last byte of the frame being handled was read (valid during a handler call). */
    public long frameLastNs() {
        return frameLastNs;
    }

    /** Bytes held back waiting for the rest of a frame. */
    public int pendingBytes() {
        return pendingLength;
    }

    /** MAVLink's X.25 CRC over {@code length} bytes, then the message's CRC_EXTRA byte. */
    public static int crc(byte[] bytes, int offset, int length, int crcExtra) {
        int crc = 0xFFFF;
        for (int i = 0; i < length; i++) {
            crc = accumulate(bytes[offset + i] & 0xFF, crc);
        }
        return accumulate(crcExtra & 0xFF, crc);
    }

    private static int accumulate(int b, int crc) {
        int tmp = b ^ (crc & 0xFF);
        tmp = (tmp ^ (tmp << 4)) & 0xFF;
        return ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xFFFF;
    }
}
