package io.pstr.core.mavlink;

/** What a {@link MavlinkFrameSplitter} saw. Written by the splitter's single thread, read by anyone. */
public final class FrameCounters {
    volatile long framesOk;
    volatile long crcErrors;
    volatile long bytesSkipped;
    volatile long unknownMessages;
    volatile long sequenceGaps;
    volatile long framesLostToGaps;
    final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> gapsBySource =
            new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Frames the sequence numbers say were sent but never arrived. One that arrives late, after a later one (less than
     * {@value MavlinkFrameSplitter#LATE_WINDOW} numbers back), is taken back off this count, once, if its gap counted it.
     */
    public long framesLostToGaps() {
        return framesLostToGaps;
    }

    /** Sequence gaps per sender, keyed {@code "system/component"}, sorted. */
    public java.util.SortedMap<String, Long> sequenceGapsBySource() {
        java.util.TreeMap<String, Long> m = new java.util.TreeMap<>();
        gapsBySource.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public String toString() {
        return "frames=" + framesOk + " crcErrors=" + crcErrors + " bytesSkipped=" + bytesSkipped
                + " unknown=" + unknownMessages + " seqGaps=" + sequenceGaps + " lostToGaps=" + framesLostToGaps;
    }
}
