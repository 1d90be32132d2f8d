package io.pstr.core.channel;

/**
 * An endpoint's counters, as a snapshot.
 *
 * @param sent        packets queued (normal + fast)
 * @param received    packets handed to the task
 * @param refused     HARD sends refused by the deadline estimate, and sends to destinations not granted
 * @param late        SOFT sends the estimate said would be late, plus delivered packets that were late
 * @param fastPath    packets queued on the fast path
 * @param overflow    sends refused because the destination's queue was full
 * @param fallbacks   fast-path sends that found the pool empty and went the normal way
 * @param unreachable sends to a closed or unknown destination
 */
public record ChannelCounters(long sent, long received, long refused, long late, long fastPath, long overflow,
        long fallbacks, long unreachable) {

    public static final ChannelCounters ZERO = new ChannelCounters(0, 0, 0, 0, 0, 0, 0, 0);
}
