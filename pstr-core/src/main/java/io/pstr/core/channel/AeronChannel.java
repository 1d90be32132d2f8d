package io.pstr.core.channel;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The direct channel across hosts, over Aeron UDP: the same API and packets as {@link ShmChannel}, so
 * primary and shadow can run on two companion computers. Each endpoint listens on one UDP endpoint with
 * two streams, fast and normal; the receiver polls the fast one first. The receiver sends each packet's
 * phases back to its sender (when it may send to it) to feed the sender's delay database.
 * <p>
 * Aeron has no futex to sleep on: an idle receiver polls every {@code IDLE_POLL_NS}. Phases Q, P, T use
 * the receiver's clock; they mean what they say when both hosts' monotonic clocks agree (one host, or
 * PTP-synchronised), and G is always the sender's own.
 */
public final class AeronChannel extends Channel {

    public static final int NORMAL_STREAM = 1001;
    public static final int FAST_STREAM = 1002;
    private static final long IDLE_POLL_NS = 100_000;
    private static final int REPORT_BYTES = 40;
    /** Largest packet: Aeron fragments it; well under a term. */
    private static final int MAX_PACKET_BYTES = 64 * 1024;

    private final Aeron aeron;
    private final RemoteGrants grants;
    private final Subscription fast;
    private final Subscription normal;
    private final UnsafeBuffer report = new UnsafeBuffer(new byte[Packet.HEADER_BYTES + REPORT_BYTES]);
    private final FragmentAssembler assembler;
    private PacketHandler handler;
    private boolean passStarted;
    private long passNs;

    private AeronChannel(Aeron aeron, ChannelAddress self, String listenEndpoint, RemoteGrants grants, NanoClock clock) {
        super(self, clock, grants, new UnsafeBuffer(new byte[COUNTERS * 8]), 0, DelayDatabase.DEFAULT_WINDOW);
        this.aeron = aeron;
        this.grants = grants;
        String uri = "aeron:udp?endpoint=" + listenEndpoint;
        this.fast = aeron.addSubscription(uri, FAST_STREAM);
        this.normal = aeron.addSubscription(uri, NORMAL_STREAM);
        FragmentHandler onFragment = this::onFragment;
        this.assembler = new FragmentAssembler(onFragment);
    }

    /**
     * Opens an endpoint for {@code self} listening on {@code listenEndpoint} ({@code host:port}), sending only
     * to what {@code grants} lists.
     */
    public static AeronChannel open(Aeron aeron, ChannelAddress self, String listenEndpoint, RemoteGrants grants,
            NanoClock clock) {
        return new AeronChannel(aeron, self, listenEndpoint, grants, clock);
    }

    @Override
    public int maxPayloadBytes() {
        return MAX_PACKET_BYTES - Packet.HEADER_BYTES;
    }

    @Override
    protected Route openRoute(ChannelAddress destination) {
        String endpoint = grants.endpointOf(destination);
        if (endpoint == null) {
            return null;
        }
        String uri = "aeron:udp?endpoint=" + endpoint;
        return new AeronRoute(destination, aeron.addExclusivePublication(uri, FAST_STREAM),
                aeron.addExclusivePublication(uri, NORMAL_STREAM), delayWindow);
    }

    @Override
    public int poll(PacketHandler h, int limit) {
        handler = h;
        passStarted = false;
        int n = fast.poll(assembler, limit);
        if (n < limit) {
            n += normal.poll(assembler, limit - n);
        }
        return n;
    }

    private void onFragment(DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
        long now = clock.nanoTime();
        if (!passStarted) {
            passStarted = true;
            passNs = now;
        }
        if (length < Packet.HEADER_BYTES || length > MAX_PACKET_BYTES) {
            return;
        }
        // Read in place: the receiver's stamps go into the view, so Aeron's term buffer is not written.
        deliver(buffer, offset, length, passNs, now, handler);
    }

    @Override
    protected int sleepAndPoll(PacketHandler h, int limit, long maxWaitNs) {
        LockSupport.parkNanos(Math.min(maxWaitNs, IDLE_POLL_NS));
        return poll(h, limit);
    }

    @Override
    protected void report(Packet packet, long gNs, long qNs, long pNs, long tNs, boolean late) {
        Route back = routeTo(packet.sourceMsb(), packet.sourceLsb(), packet.sourceTask());
        if (back == null) {
            return; // we may not talk to the sender: it learns nothing of its delays
        }
        Packet.writeHeader(report, 0, 0, Packet.FLAG_REPORT, self, Long.MAX_VALUE, clock.nanoTime());
        report.putLong(Packet.HEADER_BYTES, gNs);
        report.putLong(Packet.HEADER_BYTES + 8, qNs);
        report.putLong(Packet.HEADER_BYTES + 16, pNs);
        report.putLong(Packet.HEADER_BYTES + 24, tNs);
        report.putLong(Packet.HEADER_BYTES + 32, late ? 1 : 0);
        ((AeronRoute) back).normal.offer(report, 0, report.capacity());
    }

    @Override
    protected void onReport(Packet r) {
        Route to = routeTo(r.sourceMsb(), r.sourceLsb(), r.sourceTask());
        if (to == null || r.payloadLength() < REPORT_BYTES) {
            return;
        }
        DirectBuffer b = r.buffer();
        int at = r.payloadOffset();
        recordPhases(to, b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24), b.getLong(at + 32) != 0);
    }

    @Override
    public void close() {
        super.close();
        fast.close();
        normal.close();
    }

    private static final class AeronRoute extends Route {
        private final ExclusivePublication fast;
        private final ExclusivePublication normal;
        private final UnsafeBuffer tx = new UnsafeBuffer(new byte[MAX_PACKET_BYTES]);

        AeronRoute(ChannelAddress address, ExclusivePublication fast, ExclusivePublication normal, int window) {
            super(address, window);
            this.fast = fast;
            this.normal = normal;
        }

        @Override
        protected int offer(boolean wantFast, int type, int flags, ChannelAddress source, long requestedNs, long genNs,
                DirectBuffer payload, int offset, int length, NanoClock clock) {
            Packet.writeHeader(tx, 0, type, flags, source, requestedNs, genNs);
            tx.putBytes(Packet.HEADER_BYTES, payload, offset, length);
            tx.putLong(Packet.QUEUED_NS, clock.nanoTime());
            int total = Packet.HEADER_BYTES + length;
            if (wantFast) {
                long r = fast.offer(tx, 0, total);
                if (r > 0) {
                    return OFFERED_FAST;
                }
                if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED) {
                    return OFFER_CLOSED;
                }
                tx.putInt(Packet.FLAGS, flags & ~Packet.FLAG_FAST);
            }
            long r = normal.offer(tx, 0, total);
            if (r == Publication.ADMIN_ACTION) {
                r = normal.offer(tx, 0, total);
            }
            if (r > 0) {
                return wantFast ? OFFERED_FALLBACK : OFFERED_NORMAL;
            }
            if (r == Publication.NOT_CONNECTED) {
                return OFFER_UNREACHABLE;
            }
            if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED) {
                return OFFER_CLOSED;
            }
            return OFFER_FULL;
        }

        @Override
        protected void ingestReports(Channel owner) {
            // Reports arrive as packets and are recorded when the owner polls.
        }

        @Override
        public void close() {
            fast.close();
            normal.close();
        }
    }
}
