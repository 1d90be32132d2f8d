package io.pstr.core.mavlink;

/** What a {@link MavlinkFrameSplitter} saw. Written by the splitter's single thread, read by anyone. */
public final class FrameCounters {
    volatile long framesOk;
    volatile long crcErrors;
    volatile long bytesSkipped;
    volatile long unknownMessages;
    volatile long sequenceGaps;
    volatile long framesLostToGaps;

    public long framesOk() {
        return framesOk;
    }

    /** Frames whose checksum did not match; the splitter dropped one byte and resynchronised. */
    public long crcErrors() {
        return crcErrors;
    }

    /** Bytes dropped while looking for the start of a frame. */
    public long bytesSkipped() {
        return bytesSkipped;
    }

    /** Frames with a message id the dialect does not know (CRC cannot be checked): skipped. */
    public long unknownMessages() {
        return unknownMessages;
    }

    /** Times the sender's sequence number jumped (per system and component). */
    public long sequenceGaps() {
        return sequenceGaps;
    }

    /** Frames the sequence numbers say were sent but never arrived. */
    public long framesLostToGaps() {
        return framesLostToGaps;
    }

    @Override
    public String toString() {
        return "frames=" + framesOk + " crcErrors=" + crcErrors + " bytesSkipped=" + bytesSkipped
                + " unknown=" + unknownMessages + " seqGaps=" + sequenceGaps + " lostToGaps=" + framesLostToGaps;
    }
}
