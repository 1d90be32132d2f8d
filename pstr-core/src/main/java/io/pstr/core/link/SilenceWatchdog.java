package io.pstr.core.link;

import java.util.concurrent.TimeUnit;

/**
 * The receive-silence bound of a link without an event loop of its own (serial and pty): the reader tells it when
 * bytes came and asks it, with the time from the link's clock, whether the peer has been silent too long. One
 * thread. A MAVLink board sends HEARTBEAT at 1 Hz, so a live board is never silent for long; a half-open
 * connection, a board without power or a pulled cable looks exactly like silence.
 */
final class SilenceWatchdog {
    private final long silenceNs;
    private long lastHeardNs;

    /** @param silenceMs 0 turns the watchdog off */
    SilenceWatchdog(int silenceMs) {
        this.silenceNs = TimeUnit.MILLISECONDS.toNanos(silenceMs);
    }

    boolean enabled() {
        return silenceNs > 0;
    }

    /** The link came up or bytes arrived at {@code nowNs}. */
    void heard(long nowNs) {
        lastHeardNs = nowNs;
    }

    /** True once nothing has been heard for the bound (never when off). */
    boolean expired(long nowNs) {
        return silenceNs > 0 && nowNs - lastHeardNs >= silenceNs;
    }

    /** What a link says when it goes down for silence: the same words on every transport. */
    static String reason(long silentNs) {
        return "silent for " + TimeUnit.NANOSECONDS.toMillis(silentNs) + " ms";
    }

    /** The reason for the current silence, at {@code nowNs}. */
    String reasonAt(long nowNs) {
        return reason(nowNs - lastHeardNs);
    }
}
