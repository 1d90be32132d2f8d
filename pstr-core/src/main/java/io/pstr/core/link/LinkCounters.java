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

    /** Counts a write of {@code length} bytes that did not happen. */
    public void refused(int length) {
        writesRefused.incrementAndGet();
        bytesUnwritable.addAndGet(length);
    }
}
