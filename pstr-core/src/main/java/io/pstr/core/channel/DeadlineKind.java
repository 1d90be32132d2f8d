package io.pstr.core.channel;

/** The paper's two deadline checks on a send. */
public enum DeadlineKind {
    /** Refuse up front a packet whose estimated delay (MIN_delay) exceeds the requested transmission time. */
    HARD,
    /** Send anyway, and tell the sender when the estimate says it will be late. */
    SOFT
}
