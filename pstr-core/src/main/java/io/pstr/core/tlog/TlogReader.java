package io.pstr.core.tlog;

import io.pstr.core.mavlink.MavlinkCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@code .tlog}. Each record must be a timestamp and one whole MAVLink 1 or 2 frame whose checksum
 * holds (frames of messages the dialect does not know are kept unchecked and counted). A corrupt record is
 * counted and skipped: the reader looks for the next place where a plausible timestamp is followed by a
 * frame that checks. A record cut short at the end of the file (the recorder was killed mid-write) is
 * counted in {@link Result#truncatedTailBytes()}.
 */
public final class TlogReader {

    /** One record: the time it was logged and the whole frame. */
    public record Record(long unixUs, byte[] frame) {
        public boolean fromHost() {
            return Tlog.fromHost(frame);
        }

        public int messageId() {
            return MavlinkCodec.messageIdOf(frame, 0);
        }
    }

    /** What a read found. */
    public record Result(List<Record> records, long corruptRecords, long bytesSkipped, long truncatedTailBytes,
                         long uncheckedFrames) {
        public String summary() {
            return records.size() + " records, " + corruptRecords + " corrupt (" + bytesSkipped + " bytes skipped), "
                    + truncatedTailBytes + " bytes of a truncated last record, " + uncheckedFrames
                    + " frames of messages unknown to the dialect (not CRC-checked)";
        }
    }

    private TlogReader() {
    }

    public static Result read(Path file) {
        try {
            return read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read flight log " + file + ": " + e.getMessage(), e);
        }
    }

    public static Result read(byte[] log) {
        List<Record> records = new ArrayList<>();
        long corrupt = 0;
        long skipped = 0;
        long truncated = 0;
        long unchecked = 0;
        long lastUs = Long.MIN_VALUE;
        int pos = 0;
        boolean resyncing = false;
        while (pos < log.length) {
            int remaining = log.length - pos;
            if (remaining <= Tlog.TIMESTAMP_LENGTH) {
                if (resyncing) {
                    skipped += remaining;
                } else {
                    truncated = remaining;
                }
                break;
            }
            long us = timestamp(log, pos);
            boolean plausible = us > 0 && (lastUs == Long.MIN_VALUE || Math.abs(us - lastUs) < Tlog.PLAUSIBLE_JUMP_US);
            int frameLength = frameLength(log, pos + Tlog.TIMESTAMP_LENGTH, remaining - Tlog.TIMESTAMP_LENGTH);
            if (frameLength == NEED_MORE && plausible && !resyncing) {
                truncated = remaining;
                break;
            }
            int check = frameLength > 0 && plausible ? check(log, pos + Tlog.TIMESTAMP_LENGTH, frameLength) : BAD;
            if (check == BAD) {
                if (!resyncing) {
                    corrupt++;
                    resyncing = true;
                }
                pos++;
                skipped++;
                continue;
            }
            resyncing = false;
            if (check == UNCHECKED) {
                unchecked++;
            }
            records.add(new Record(us, Arrays.copyOfRange(log, pos + Tlog.TIMESTAMP_LENGTH, pos + Tlog.TIMESTAMP_LENGTH + frameLength)));
            lastUs = us;
            pos += Tlog.TIMESTAMP_LENGTH + frameLength;
        }
        return new Result(records, corrupt, skipped, truncated, unchecked);
    }

    private static final int NEED_MORE = -1;
    private static final int BAD = 0;
    private static final int GOOD = 1;
    private static final int UNCHECKED = 2;

    /** The length of the frame at {@code at}, 0 if no frame starts there, {@link #NEED_MORE} if the file ends inside it. */
    private static int frameLength(byte[] b, int at, int available) {
        int stx = b[at] & 0xFF;
        if (stx != MavlinkCodec.STX_V1 && stx != MavlinkCodec.STX_V2) {
            return 0;
        }
        boolean v2 = stx == MavlinkCodec.STX_V2;
        int header = v2 ? 10 : 6;
        if (available < 3) {
            return NEED_MORE;
        }
        int length = header + (b[at + 1] & 0xFF) + 2;
        if (v2 && (b[at + 2] & 0x01) != 0) {
            length += MavlinkCodec.SIGNATURE_LENGTH;
        }
        if (v2 && (b[at + 2] & 0xFE) != 0) {
            return 0;
        }
        return available < length ? NEED_MORE : length;
    }

    private static int check(byte[] b, int at, int length) {
        int messageId = MavlinkCodec.messageIdOf(b, at);
        if (MavlinkCodec.crcExtra(messageId) < 0) {
            return UNCHECKED;
        }
        byte[] frame = Arrays.copyOfRange(b, at, at + length);
        try {
            return MavlinkCodec.packet(frame).validateCrc(MavlinkCodec.crcExtra(messageId)) ? GOOD : BAD;
        } catch (RuntimeException e) {
            return BAD;
        }
    }

    private static long timestamp(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < Tlog.TIMESTAMP_LENGTH; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }
}
