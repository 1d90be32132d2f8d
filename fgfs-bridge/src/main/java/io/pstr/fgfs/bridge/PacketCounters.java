package io.pstr.fgfs.bridge;

import io.pstr.fgfs.protocol.Reject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters of the packets one direction of the bridge received or sent; readable from any thread. */
public final class PacketCounters {
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(Reject.values().length);
    private final AtomicLong fromStrangers = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    void countReceived() {
        received.incrementAndGet();
    }

    void countAccepted() {
        accepted.incrementAndGet();
    }

    void countRejected(Reject why) {
        rejected.incrementAndGet(why.ordinal());
    }

    void countStranger() {
        fromStrangers.incrementAndGet();
    }

    void countSent() {
        sent.incrementAndGet();
    }

    public long received() {
        return received.get();
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected(Reject why) {
        return rejected.get(why.ordinal());
    }

    public long rejectedTotal() {
        long n = 0;
        for (Reject r : Reject.values()) {
            n += rejected(r);
        }
        return n;
    }

    /** Datagrams from an address other than the FlightGear the bridge talks to. */
    public long fromStrangers() {
        return fromStrangers.get();
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("received=").append(received()).append(" accepted=").append(accepted());
        for (Reject r : Reject.values()) {
            long n = rejected(r);
            if (n > 0) {
                s.append(' ').append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(n);
            }
        }
        if (fromStrangers() > 0) {
            s.append(" fromStrangers=").append(fromStrangers());
        }
        return s.append(" sent=").append(sent()).toString();
    }
}
