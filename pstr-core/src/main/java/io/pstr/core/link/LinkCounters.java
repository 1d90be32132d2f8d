package io.pstr.core.link;

import java.util.concurrent.atomic.AtomicLong;

/** Byte-level counters of one link, in the spirit of mavlink-router's per-endpoint statistics. */
public final class LinkCounters {
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    /** Writes the link could not take (it was down or the write failed). */
    public final AtomicLong writesRefused = new AtomicLong();
    /** Bytes of refused or partial writes: what never reached the wire. */
    public final AtomicLong bytesUnwritable = new AtomicLong();
    public final AtomicLong connects = new AtomicLong();
    public final AtomicLong disconnects = new AtomicLong();
    /** Times the link went down because the peer sent nothing for the endpoint's {@code silence-ms}. */
    public final AtomicLong silences = new AtomicLong();
    /** Times a connection was dropped because what was written to it did not drain within the silence bound. */
    public final AtomicLong sendStalls = new AtomicLong();
    /** Writes refused because the connection's send buffer was full (a subset of {@link #writesRefused}). */
    public final AtomicLong writesBlocked = new AtomicLong();

    /** Counts a write of {@code length} bytes that did not happen. */
    public void refused(int length) {
        writesRefused.incrementAndGet();
        bytesUnwritable.addAndGet(length);
    }
}
