package io.pstr.manager;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.MissionAck;
import io.pstr.core.mavlink.ClientRequests;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host's account of client requests (paper Fig. 1), from what it saw on the links: requests that
 * came in (board or GCS link), and acknowledgements that went out in the gate's chosen outputs. It also
 * remembers which link each requester spoke on, so that its acknowledgement goes back there.
 * <p>
 * A COMMAND_ACK names its request by the id in {@code result_param2}; a MISSION_ACK (which has no such
 * field) answers the oldest unanswered MISSION_ITEM_INT of its target. Thread-safe: requests are seen on
 * the link threads, acknowledgements on the conductor.
 */
public final class RequestLedger {

    /** Where a request came from, and where its acknowledgement goes. */
    public enum Origin { BOARD, GCS }

    /** Requests remembered; beyond this the oldest answered ones are forgotten first. */
    static final int KEPT = 4096;

    private static final class Entry {
        final int id;
        final int messageId;
        final int requester;
        final long firstSeenNs;
        int timesSeen;
        int acks;
        boolean accepted;

        Entry(int id, int messageId, int requester, long firstSeenNs) {
            this.id = id;
            this.messageId = messageId;
            this.requester = requester;
            this.firstSeenNs = firstSeenNs;
        }
    }

    private final long lostAfterNs;
    private final LinkedHashMap<Integer, Entry> entries = new LinkedHashMap<>();
    private final Map<Integer, Origin> requesters = new LinkedHashMap<>();
    private long seen;
    private long retransmissions;
    private long acksSent;
    private long acksUnmatched;
    private long executed;
    private long forgotten;

    /** @param lostAfterNs a request still unanswered this long after it arrived counts as lost */
    public RequestLedger(long lostAfterNs) {
        this.lostAfterNs = lostAfterNs;
    }

    private static int requester(int system, int component) {
        return (system & 0xFF) << 8 | (component & 0xFF);
    }

    /** A request arrived on a link (and was fanned out to the replicas). */
    public synchronized void seen(int requestId, int messageId, int sourceSystem, int sourceComponent, Origin origin, long nowNs) {
        int who = requester(sourceSystem, sourceComponent);
        requesters.put(who, origin);
        Entry e = entries.get(requestId);
        if (e == null) {
            e = new Entry(requestId, messageId, who, nowNs);
            entries.put(requestId, e);
            seen++;
            trim();
        } else {
            retransmissions++;
        }
        e.timesSeen++;
    }

    private void trim() {
        Iterator<Entry> it = entries.values().iterator();
        while (entries.size() > KEPT && it.hasNext()) {
            Entry e = it.next();
            if (e.acks > 0 || entries.size() > 2 * KEPT) {
                it.remove();
                forgotten++;
            }
        }
    }

    /** The link an acknowledgement for this target goes to: where the requester last spoke, else the board. */
    public synchronized Origin originOf(int targetSystem, int targetComponent) {
        return requesters.getOrDefault(requester(targetSystem, targetComponent), Origin.BOARD);
    }

    /** An acknowledgement went out (decoded COMMAND_ACK or MISSION_ACK). */
    public synchronized void acked(Object ack, long nowNs) {
        acksSent++;
        Entry e = null;
        if (ack instanceof CommandAck c) {
            e = entries.get(c.resultParam2());
        } else if (ack instanceof MissionAck m) {
            int who = requester(m.targetSystem(), m.targetComponent());
            Entry latest = null;
            for (Entry x : entries.values()) {
                if (x.requester == who && x.messageId == ClientRequests.MISSION_ITEM_INT) {
                    if (x.acks == 0) {
                        e = x;
                        break;
                    }
                    latest = x;
                }
            }
            e = e != null ? e : latest;
        }
        if (e == null) {
            acksUnmatched++;
            return;
        }
        e.acks++;
        if (ClientRequests.ackAccepted(ack) && !e.accepted) {
            e.accepted = true;
            executed++;
        }
    }

    /** The figures at time {@code nowNs}; see docs/requests.md. */
    public synchronized Map<String, Object> summary(long nowNs) {
        long answered = 0;
        long lost = 0;
        long pending = 0;
        long duplicated = 0;
        for (Entry e : entries.values()) {
            if (e.acks > 0) {
                answered++;
            } else if (nowNs - e.firstSeenNs >= lostAfterNs) {
                lost++;
            } else {
                pending++;
            }
            if (e.acks > e.timesSeen) {
                duplicated++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestsSeen", seen);
        m.put("requestsRetransmitted", retransmissions);
        m.put("requestsExecuted", executed);
        m.put("requestsAcked", acksSent);
        m.put("requestsAnswered", answered);
        m.put("requestsLost", lost);
        m.put("requestsPending", pending);
        m.put("requestsDuplicated", duplicated);
        m.put("acksUnmatched", acksUnmatched);
        m.put("requestsForgotten", forgotten);
        return m;
    }

    public synchronized long seenCount() {
        return seen;
    }

    public synchronized long acksSent() {
        return acksSent;
    }

    public synchronized long executedCount() {
        return executed;
    }
}
