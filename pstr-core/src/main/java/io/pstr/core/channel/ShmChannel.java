package io.pstr.core.channel;

import io.pstr.core.shm.RingFile;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The direct channel between tasks on one host: each endpoint is a file of shared memory (see
 * {@link ShmEndpointFile}) with a fast queue and a normal queue; a sender writes straight into the
 * destination's queue, and wakes it through a futex only when its "reader asleep" flag is up.
 */
public final class ShmChannel extends Channel {

    /** Packet type id in the Agrona ring (the task's own type travels in the header). */
    private static final int RING_TYPE = 1;

    private final Path dir;
    private final ShmEndpointFile own;
    private final Dispatch dispatch = new Dispatch();
    private long logSeq;

    private ShmChannel(Path dir, ShmEndpointFile own, ChannelAddress self, NanoClock clock, int delayWindow) {
        super(self, clock, new ShmGrants(own.header), own.header, ShmEndpointFile.COUNTERS, delayWindow);
        this.dir = dir;
        this.own = own;
        this.logSeq = ShmEndpointFile.settleLog(own.header);
        own.header.putLongVolatile(ShmEndpointFile.OWNER_PID, ProcessHandle.current().pid());
    }

    /**
     * Opens the endpoint the registry created for {@code self} in the channel directory {@code dir}.
     *
     * @throws IllegalStateException when there is none (the registry has not handed it out)
     */
    public static ShmChannel open(Path dir, ChannelAddress self, NanoClock clock) {
        return open(dir, self, clock, DelayDatabase.DEFAULT_WINDOW);
    }

    public static ShmChannel open(Path dir, ChannelAddress self, NanoClock clock, int delayWindow) {
        ShmEndpointFile f = ShmEndpointFile.openIfExists(dir, self);
        if (f == null) {
            throw new IllegalStateException("no channel endpoint for " + self + " in " + dir + ": not registered");
        }
        return new ShmChannel(dir, f, self, clock, delayWindow);
    }

    @Override
    public int maxPayloadBytes() {
        return own.normal.maxMsgLength() - Packet.HEADER_BYTES;
    }

    @Override
    protected Route openRoute(ChannelAddress destination) {
        ShmEndpointFile f;
        try {
            f = ShmEndpointFile.openIfExists(dir, destination);
        } catch (RuntimeException e) {
            return null;
        }
        return f == null ? null : new ShmRoute(destination, f, delayWindow);
    }

    @Override
    public int poll(PacketHandler handler, int limit) {
        Dispatch d = dispatch;
        d.handler = handler;
        d.passStarted = false;
        int n = drain(own.fast, d, limit);
        if (n < limit) {
            n += drain(own.normal, d, limit - n);
        }
        return n;
    }

    /** Reads up to {@code limit}: Agrona stops a read at the end of the buffer, so a short read reads on once. */
    private static int drain(RingBuffer ring, MessageHandler handler, int limit) {
        int n = ring.read(handler, limit);
        if (n < limit) {
            n += ring.read(handler, limit - n);
        }
        return n;
    }

    /**
     * The receiver's side of one sleep of a {@link io.pstr.core.shm.Doorbell.Group} that also waits on other queues
     * (a replica sleeps on its input ring and its channel at once): raises this endpoint's flag, says whether a packet
     * is waiting already.
     */
    public boolean prepareAndLook(io.pstr.core.shm.Doorbell.Group group) {
        group.prepare(own.doorbell);
        return RingFile.readable(own.fast) || RingFile.readable(own.normal);
    }

    @Override
    protected int sleepAndPoll(PacketHandler handler, int limit, long maxWaitNs) {
        int word = own.doorbell.prepareToSleep();
        int n = poll(handler, limit);
        if (n == 0 && !own.closed()) {
            own.doorbell.sleep(word, maxWaitNs);
        }
        own.doorbell.awake();
        return n > 0 ? n : poll(handler, limit);
    }

    /** Frees records left half-written by a sender that died mid-write (call when a peer is replaced). */
    public void unblockStale() {
        own.fast.unblock();
        own.normal.unblock();
    }

    @Override
    protected void report(Packet packet, long gNs, long qNs, long pNs, long tNs, boolean late) {
        ShmEndpointFile.writeLog(own.header, ++logSeq, gNs, qNs, pNs, tNs, packet.sourceMsb(), packet.sourceLsb(),
                (packet.sourceTask() & 0xFFFF_FFFFL) | (late ? 1L << 32 : 0));
    }

    @Override
    public void close() {
        super.close();
        own.header.putIntVolatile(ShmEndpointFile.CLOSED, 1);
        own.close();
    }

    private final class Dispatch implements MessageHandler {
        PacketHandler handler;
        boolean passStarted;
        long passNs;

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            long now = clock.nanoTime();
            if (!passStarted) {
                passStarted = true;
                passNs = now;
            }
            if (length < Packet.HEADER_BYTES) {
                return;
            }
            deliver(buffer, index, length, passNs, now, handler);
        }
    }

    /** A destination on this host: its file mapped, and how far we have read its phase log. */
    private static final class ShmRoute extends Route {
        private final ShmEndpointFile dest;
        private long logSeen;
        private ShmEndpointFile.LogRecordSink ownPackets;

        ShmRoute(ChannelAddress address, ShmEndpointFile dest, int window) {
            super(address, window);
            this.dest = dest;
            // Only our own packets from now on count: older entries are history of another sender.
            this.logSeen = ShmEndpointFile.newestLogRecord(dest.header);
        }

        @Override
        protected int offer(boolean fast, int type, int flags, ChannelAddress source, long requestedNs, long genNs,
                DirectBuffer payload, int offset, int length, NanoClock clock) {
            if (dest.closed()) {
                return OFFER_CLOSED;
            }
            int recordLength = Packet.HEADER_BYTES + length;
            int outcome = OFFERED_NORMAL;
            RingBuffer ring = dest.normal;
            int index = -1;
            if (fast) {
                if (recordLength <= dest.fast.maxMsgLength()) {
                    index = dest.fast.tryClaim(RING_TYPE, recordLength);
                }
                if (index >= 0) {
                    ring = dest.fast;
                    outcome = OFFERED_FAST;
                } else {
                    outcome = OFFERED_FALLBACK;
                    flags &= ~Packet.FLAG_FAST;
                }
            }
            if (index < 0) {
                if (recordLength > dest.normal.maxMsgLength()) {
                    return OFFER_TOO_LARGE;
                }
                index = dest.normal.tryClaim(RING_TYPE, recordLength);
                if (index < 0) {
                    return OFFER_FULL;
                }
            }
            MutableDirectBuffer b = ring.buffer();
            Packet.writeHeader(b, index, type, flags, source, requestedNs, genNs);
            b.putBytes(index + Packet.HEADER_BYTES, payload, offset, length);
            b.putLong(index + Packet.QUEUED_NS, clock.nanoTime());
            ring.commit(index);
            dest.doorbell.ring();
            return outcome;
        }

        @Override
        protected void ingestReports(Channel owner) {
            if (ownPackets == null) {
                // made once: a route belongs to one channel, and the send path must not allocate
                ownPackets = (i, g, q, p, t, msb, lsb, taskLate) -> {
                    if (owner.self.is(msb, lsb, (int) taskLate)) {
                        owner.recordPhases(this, g, q, p, t, (taskLate >>> 32) != 0);
                    }
                };
            }
            logSeen = ShmEndpointFile.readLogAfter(dest.header, logSeen, ownPackets);
        }

        @Override
        public void close() {
            dest.close();
        }
    }

    /** Grants the registry wrote into our own file, under a sequence lock (odd version: being written). */
    private static final class ShmGrants implements GrantTable {
        private final UnsafeBuffer h;

        ShmGrants(UnsafeBuffer header) {
            this.h = header;
        }

        @Override
        public long version() {
            return h.getLongVolatile(ShmEndpointFile.GRANT_VERSION);
        }

        @Override
        public boolean granted(ChannelAddress d) {
            while (true) {
                long v = h.getLongVolatile(ShmEndpointFile.GRANT_VERSION);
                if ((v & 1) == 0) {
                    boolean found = false;
                    int count = Math.min(h.getInt(ShmEndpointFile.GRANT_COUNT), ShmEndpointFile.MAX_GRANTS);
                    for (int i = 0; i < count && !found; i++) {
                        int at = ShmEndpointFile.GRANT_ENTRIES + i * ShmEndpointFile.GRANT_BYTES;
                        found = d.is(h.getLong(at), h.getLong(at + 8), h.getInt(at + 16));
                    }
                    VarHandle.loadLoadFence();
                    if (h.getLongVolatile(ShmEndpointFile.GRANT_VERSION) == v) {
                        return found;
                    }
                }
                Thread.onSpinWait();
            }
        }
    }
}
