package io.pstr.core.status;

/** Counters of the board link, like mavlink-router's per-endpoint statistics. */
public record LinkStatus(
        String endpoint,
        boolean up,
        long bytesIn,
        long bytesOut,
        long framesIn,
        long framesOut,
        long crcErrors,
        long bytesSkipped,
        long sequenceGaps,
        long framesLostToGaps,
        long writesRefused) {
}
