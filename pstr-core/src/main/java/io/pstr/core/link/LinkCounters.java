package io.pstr.core.link;

import java.util.concurrent.atomic.AtomicLong;

/** Byte-level counters of one link, in the spirit of mavlink-router's per-endpoint statistics. */
public final class LinkCounters {
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    public final AtomicLong writesRefused = new AtomicLong();
    public final AtomicLong connects = new AtomicLong();
    public final AtomicLong disconnects = new AtomicLong();
}
