package io.pstr.core.channel;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * One task's endpoint on the direct channel (paper III.E): it sends packets to the addresses its registry
 * granted and receives the packets sent to its own address.
 * <p>
 * {@link #send} stamps the packet, checks the deadline against the destination's {@link DelayDatabase} and
 * picks the path: requested time below AVG_delay takes the fast path (a slot of the pre-mapped pool, the
 * front of the queue, the receiver woken at once), otherwise the normal path. A HARD deadline below
 * MIN_delay is refused up front; a SOFT one is sent and reported as {@link SendResult#SENT_LATE}. Every
 * outcome is a {@link SendResult} and a counter; the send and receive paths do not allocate once a
 * destination has been used.
 * <p>
 * An endpoint belongs to one thread (its counters have one writer).
 */
public abstract class Channel implements AutoCloseable {

    /** Counter slots, each a long in the endpoint's counters area. */
    static final int SENT = 0;
    static final int RECEIVED = 1;
    static final int REFUSED = 2;
    static final int LATE = 3;
    static final int FAST_PATH = 4;
    static final int OVERFLOW = 5;
    static final int FALLBACKS = 6;
    static final int UNREACHABLE = 7;
    static final int COUNTERS = 8;

    /** What a transport did with a packet. */
    protected static final int OFFERED_NORMAL = 0;
    protected static final int OFFERED_FAST = 1;
    /** Fast path wanted, pool empty: went the normal way. */
    protected static final int OFFERED_FALLBACK = 2;
    protected static final int OFFER_FULL = 3;
    protected static final int OFFER_CLOSED = 4;
    protected static final int OFFER_UNREACHABLE = 5;
    protected static final int OFFER_TOO_LARGE = 6;

    /** A destination as the sender holds it: its transport state and its delay database. */
    protected abstract static class Route implements AutoCloseable {
        final ChannelAddress address;
        final DelayDatabase delays;
        /** Packets sent since the destination's reports were last taken in. */
        int sentSinceReports;

        protected Route(ChannelAddress address, int window) {
            this.address = address;
            this.delays = new DelayDatabase(window);
        }

        /** Queues the packet; returns one of the {@code OFFER…} codes. */
        protected abstract int offer(boolean fast, int type, int flags, ChannelAddress source, long requestedNs,
                long genNs, DirectBuffer payload, int offset, int length, NanoClock clock);

        /** Brings the delay database up to date with what the destination reported. */
        protected abstract void ingestReports(Channel owner);

        @Override
        public abstract void close();
    }

    protected final ChannelAddress self;
    protected final NanoClock clock;
    private final GrantTable grants;
    private final AtomicBuffer counters;
    private final int countersOffset;
    protected final int delayWindow;
    private final Packet view = new Packet();
    private Route[] routes = new Route[4];
    private int routeCount;
    private long grantsVersion = Long.MIN_VALUE;

    /**
     * At most this many packets go to one destination between two readings of its reports: a receiver's phase log
     * keeps the last {@link ShmEndpointFile#LOG_ENTRIES} of all its senders' packets, and a sender that never waits
     * for anything must read its own before they are overwritten.
     */
    static final int SENDS_BETWEEN_REPORTS = ShmEndpointFile.LOG_ENTRIES / 2;

    protected Channel(ChannelAddress self, NanoClock clock, GrantTable grants, AtomicBuffer counters, int countersOffset,
            int delayWindow) {
        this.self = self;
        this.clock = clock;
        this.grants = grants;
        this.counters = counters;
        this.countersOffset = countersOffset;
        this.delayWindow = delayWindow;
    }

    public ChannelAddress address() {
        return self;
    }

    /** Largest payload one packet can carry. */
    public abstract int maxPayloadBytes();

    /**
     * Sends {@code length} bytes of {@code payload} as message {@code type} to {@code destination}, which should
     * arrive within {@code requestedTransmissionTimeNs}.
     */
    public final SendResult send(ChannelAddress destination, int type, DirectBuffer payload, int offset, int length,
            long requestedTransmissionTimeNs, DeadlineKind deadlineKind) {
        final long genNs = clock.nanoTime();
        if (length < 0 || length > maxPayloadBytes()) {
            increment(REFUSED);
            return SendResult.TOO_LARGE;
        }
        Route route = route(destination);
        if (route == null) {
            if (!grants.granted(destination)) {
                increment(REFUSED);
                return SendResult.NOT_GRANTED;
            }
            route = openRoute(destination);
            if (route == null) {
                increment(UNREACHABLE);
                return SendResult.UNREACHABLE;
            }
            addRoute(route);
        }
        DelayDatabase db = route.delays;
        // The destination's reports are taken in while this endpoint waits (receive), not here: reading them costs
        // a cache line from the receiver's CPU on every packet. Here only before the first decision, and when the
        // log could otherwise lap us.
        if (db.size() == 0 || route.sentSinceReports >= SENDS_BETWEEN_REPORTS) {
            takeReports(route);
        }
        route.sentSinceReports++;
        // MIN_delay ≤ AVG_delay: a packet not asking for less than the average cannot be late by the minimum.
        boolean fast = db.size() > 0 && requestedTransmissionTimeNs < db.avgDelayNs();
        boolean late = fast && requestedTransmissionTimeNs < db.minDelayNs();
        if (late && deadlineKind == DeadlineKind.HARD) {
            increment(REFUSED);
            return SendResult.REFUSED_DEADLINE;
        }
        int flags = (fast ? Packet.FLAG_FAST : 0) | (deadlineKind == DeadlineKind.HARD ? Packet.FLAG_HARD : 0);
        int offered = route.offer(fast, type, flags, self, requestedTransmissionTimeNs, genNs, payload, offset, length,
                clock);
        switch (offered) {
            case OFFERED_NORMAL -> increment(SENT);
            case OFFERED_FAST -> {
                increment(SENT);
                increment(FAST_PATH);
            }
            case OFFERED_FALLBACK -> {
                increment(SENT);
                increment(FALLBACKS);
            }
            case OFFER_FULL -> {
                increment(OVERFLOW);
                return SendResult.FULL;
            }
            case OFFER_CLOSED -> {
                increment(UNREACHABLE);
                return SendResult.CLOSED;
            }
            case OFFER_TOO_LARGE -> {
                increment(REFUSED);
                return SendResult.TOO_LARGE;
            }
            default -> {
                increment(UNREACHABLE);
                return SendResult.UNREACHABLE;
            }
        }
        if (late) {
            increment(LATE);
            return SendResult.SENT_LATE;
        }
        return offered == OFFERED_FAST ? SendResult.SENT_FAST : SendResult.SENT;
    }

    /** Hands up to {@code limit} waiting packets to {@code handler}, fast-path ones first; never blocks. */
    public abstract int poll(PacketHandler handler, int limit);

    /**
     * Polls, spinning up to {@code spinNs} while nothing is there, then sleeps until a packet arrives (the
     * sender wakes it) or {@code maxWaitNs} passes. Spin only around an expected arrival: on a small machine
     * one spinning thread is all there is room for.
     */
    public final int receive(PacketHandler handler, int limit, long spinNs, long maxWaitNs) {
        int n = poll(handler, limit);
        if (n > 0) {
            return n;
        }
        // Nothing is there: time to take in what our destinations reported, off the send path.
        takeReports();
        if (spinNs <= 0 && maxWaitNs <= 0) {
            return 0;
        }
        if (spinNs > 0) {
            long start = clock.nanoTime();
            do {
                Thread.onSpinWait();
                n = poll(handler, limit);
                if (n > 0) {
                    return n;
                }
            } while (clock.nanoTime() - start < spinNs);
        }
        return maxWaitNs > 0 ? sleepAndPoll(handler, limit, maxWaitNs) : 0;
    }

    /**
     * Brings every destination's delay database up to date with what it reported. {@link #receive} does it whenever
     * it finds nothing to deliver; a task that waits some other way (an agent's idle strategy) calls it there, so
     * that {@link #send} decides on fresh figures without reading them itself.
     */
    public final void takeReports() {
        for (int i = 0; i < routeCount; i++) {
            takeReports(routes[i]);
        }
    }

    private void takeReports(Route route) {
        route.ingestReports(this);
        route.sentSinceReports = 0;
    }

    /** Sleeps until woken by a sender or {@code maxWaitNs} passes, then polls. */
    protected abstract int sleepAndPoll(PacketHandler handler, int limit, long maxWaitNs);

    /** MIN_delay towards {@code destination} (0 when unknown), for status and tests. */
    public final long minDelayNs(ChannelAddress destination) {
        DelayDatabase db = delays(destination);
        return db == null ? 0 : db.minDelayNs();
    }

    /** AVG_delay towards {@code destination} (0 when unknown). */
    public final long avgDelayNs(ChannelAddress destination) {
        DelayDatabase db = delays(destination);
        return db == null ? 0 : db.avgDelayNs();
    }

    private DelayDatabase delays(ChannelAddress destination) {
        Route r = route(destination);
        if (r == null) {
            return null;
        }
        takeReports(r);
        return r.delays;
    }

    public final ChannelCounters counters() {
        return readCounters(counters, countersOffset);
    }

    static ChannelCounters readCounters(AtomicBuffer buffer, int offset) {
        return new ChannelCounters(buffer.getLongVolatile(offset + SENT * 8), buffer.getLongVolatile(offset + RECEIVED * 8),
                buffer.getLongVolatile(offset + REFUSED * 8), buffer.getLongVolatile(offset + LATE * 8),
                buffer.getLongVolatile(offset + FAST_PATH * 8), buffer.getLongVolatile(offset + OVERFLOW * 8),
                buffer.getLongVolatile(offset + FALLBACKS * 8), buffer.getLongVolatile(offset + UNREACHABLE * 8));
    }

    final void increment(int counter) {
        int at = countersOffset + counter * 8;
        counters.putLongRelease(at, counters.getLong(at) + 1);
    }

    /**
     * Delivers one packet the transport took off a queue at {@code dequeuedNs}, in a pass that began at
     * {@code passNs}: stamps the receive phases into the view (never into the packet's bytes), hands it to the
     * task and reports its phases to the sender's delay database.
     */
    protected final void deliver(DirectBuffer buffer, int index, int length, long passNs, long dequeuedNs,
            PacketHandler handler) {
        long queuedNs = buffer.getLong(index + Packet.QUEUED_NS);
        // Queued while we were already draining: there was no wake-up to wait for.
        long noticedNs = Math.max(passNs, queuedNs);
        long deliveredNs = clock.nanoTime();
        view.wrap(buffer, index, length, noticedNs, dequeuedNs, deliveredNs);
        if ((buffer.getInt(index + Packet.FLAGS) & Packet.FLAG_REPORT) != 0) {
            onReport(view);
            return;
        }
        long genNs = view.genNs();
        long gNs = Math.max(0, queuedNs - genNs);
        long tNs = Math.max(0, noticedNs - queuedNs);
        long qNs = Math.max(0, dequeuedNs - noticedNs);
        long pNs = Math.max(0, deliveredNs - dequeuedNs);
        boolean late = deliveredNs - genNs > view.requestedNs();
        increment(RECEIVED);
        handler.onPacket(view);
        report(view, gNs, qNs, pNs, tNs, late);
    }

    /** Tells the sender of {@code packet} its phases (shared memory: a log in our file; over UDP: a report packet). */
    protected abstract void report(Packet packet, long gNs, long qNs, long pNs, long tNs, boolean late);

    /** A phase report arrived (transports that send them). */
    protected void onReport(Packet report) {
    }

    /** Records a report of one of our packets into the route of its destination. */
    protected final void recordPhases(Route route, long gNs, long qNs, long pNs, long tNs, boolean late) {
        route.delays.record(gNs, qNs, pNs, tNs);
        if (late) {
            increment(LATE);
        }
    }

    /** The open route to {@code destination}, dropping routes whose grant was withdrawn; null if none yet. */
    protected final Route route(ChannelAddress destination) {
        long version = grants.version();
        if (version != grantsVersion) {
            grantsVersion = version;
            int kept = 0;
            for (int i = 0; i < routeCount; i++) {
                if (grants.granted(routes[i].address)) {
                    routes[kept++] = routes[i];
                } else {
                    routes[i].close();
                }
            }
            Arrays.fill(routes, kept, routeCount, null);
            routeCount = kept;
        }
        for (int i = 0; i < routeCount; i++) {
            if (routes[i].address.equals(destination)) {
                return routes[i];
            }
        }
        return null;
    }

    /** An open route whose address matches the three words, or null. */
    protected final Route routeTo(long msb, long lsb, int task) {
        for (int i = 0; i < routeCount; i++) {
            if (routes[i].address.is(msb, lsb, task)) {
                return routes[i];
            }
        }
        return null;
    }

    private void addRoute(Route route) {
        if (routeCount == routes.length) {
            routes = Arrays.copyOf(routes, routeCount * 2);
        }
        routes[routeCount++] = route;
    }

    /** Opens the transport to a granted destination; null when it cannot be reached. */
    protected abstract Route openRoute(ChannelAddress destination);

    @Override
    public void close() {
        for (int i = 0; i < routeCount; i++) {
            routes[i].close();
        }
        routeCount = 0;
    }
}
