package io.pstr.core.channel;

/**
 * The one-way delays of one sender's packets to one destination, as the destination's phase log holds them:
 * each is G + Q + P + T, from the moment the sender entered {@code send} to the moment the receiving task's
 * handler got the packet. Read from outside both tasks (the host manager maps every endpoint file).
 *
 * @param samples    packets in the window: those of the sender the receiver's phase log still holds (at most
 *                   {@link ChannelRegistry#DELAY_WINDOW}); 0 when none
 * @param lastUs     delay of the newest of them, µs; -1 when none
 * @param avgDelayUs AVG_delay of the paper over the window (the mean delay), µs; -1 when none
 * @param minDelayUs MIN_delay of the paper over the window (smallest G and T, mean Q and P: what the fast path
 *                   can hope for), µs; -1 when none
 * @param newestSeq  position of the newest of them in the receiver's phase log (1 for its first packet): it moves
 *                   whenever a new packet of the sender is delivered, so a reader tells a fresh figure from a
 *                   repeated one; 0 when none
 */
public record ChannelDelay(int samples, long lastUs, long avgDelayUs, long minDelayUs, long newestSeq) {

    /** No packet of the sender delivered (or no destination). */
    public static final ChannelDelay NONE = new ChannelDelay(0, -1, -1, -1, 0);
}
