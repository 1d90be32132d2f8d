package io.pstr.core.channel;

/** What became of a {@link Channel#send send}: every outcome is explicit, nothing is dropped silently. */
public enum SendResult {
    /** Queued on the normal path. */
    SENT,
    /** Queued on the fast path: pool slot, front of the queue, receiver woken. */
    SENT_FAST,
    /** SOFT deadline: queued, but the estimate (MIN_delay) says it arrives after the requested time. */
    SENT_LATE,
    /** HARD deadline: refused, the estimate (MIN_delay) says it cannot arrive in time. */
    REFUSED_DEADLINE,
    /** The sender was not granted this destination. */
    NOT_GRANTED,
    /** The destination's queue is full: the receiver is alive but behind. */
    FULL,
    /** The destination was closed by its owner or withdrawn by the registry. */
    CLOSED,
    /** No endpoint at this address (not registered, or no route to its host). */
    UNREACHABLE,
    /** Payload larger than the channel's largest packet. */
    TOO_LARGE;

    /** True when the packet is on its way. */
    public boolean sent() {
        return this == SENT || this == SENT_FAST || this == SENT_LATE;
    }
}
