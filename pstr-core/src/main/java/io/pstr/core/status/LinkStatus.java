package io.pstr.core.status;

import java.util.Map;

/**
 * Counters of one link, like mavlink-router's per-endpoint statistics.
 *
 * @param framing              {@code mavlink} or {@code raw}
 * @param signing              true when the link signs its frames and refuses unsigned ones
 * @param framesIn             frames accepted and fanned out (raw: chunks)
 * @param crcErrors            frames whose CRC did not match (dropped)
 * @param bytesSkipped         bytes dropped while resynchronising (garbage, bad frames)
 * @param unknownMessages      frames with a message id the dialect does not know (skipped)
 * @param sequenceGaps         sequence-number jumps, all senders
 * @param framesLostToGaps     frames the sequence numbers say were sent and never arrived
 * @param sequenceGapsBySource sequence gaps per sender, keyed {@code "system/component"}
 * @param queueDrops           outputs dropped because the output queue held more than a second of wire time
 * @param writesRefused        writes the link refused (it was down)
 * @param bytesUnwritable      bytes that never reached the wire (refused, partial or unsignable writes)
 * @param unsignedRefused      inbound frames a signing link refused for carrying no signature
 * @param badSignatures        inbound frames refused for a wrong signature
 * @param replayedRefused      inbound frames refused because their signature timestamp did not increase
 * @param unsignableOut        outbound frames a signing link could not sign (not written)
 * @param downs                times the link went down
 * @param connects             times the link came up
 * @param silences             times it went down because the peer sent nothing for the endpoint's {@code silence-ms}
 * @param sendStalls           times a connection was dropped because what was written to it did not drain
 * @param writesBlocked        writes refused because a connection's send buffer was full (part of {@code writesRefused})
 * @param lastDownReason       why it is down (the latest failed attempt to open it) or last went down, or null
 * @param queueDelayP50Us      output queueing delay (gate to wire), median, µs
 */
public record LinkStatus(
        String endpoint,
        boolean up,
        String framing,
        boolean signing,
        long bytesIn,
        long bytesOut,
        long framesIn,
        long framesOut,
        long crcErrors,
        long bytesSkipped,
        long unknownMessages,
        long sequenceGaps,
        long framesLostToGaps,
        Map<String, Long> sequenceGapsBySource,
        long queueDrops,
        long writesRefused,
        long bytesUnwritable,
        long unsignedRefused,
        long badSignatures,
        long replayedRefused,
        long unsignableOut,
        long downs,
        long connects,
        long silences,
        long sendStalls,
        long writesBlocked,
        String lastDownReason,
        long queueDelayP50Us,
        long queueDelayP99Us,
        long queueDelayMaxUs) {
}
