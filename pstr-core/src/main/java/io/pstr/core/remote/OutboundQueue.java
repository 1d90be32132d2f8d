package io.pstr.core.remote;

import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages for the other end of a {@link RemoteLink} in the order they were made: one the stream did not take
 * (back pressure, not connected yet) waits here, and everything after it waits behind it, so nothing is reordered.
 * Bounded: beyond {@code capacity} waiting messages a new one is counted as lost and said in the log.
 */
public final class OutboundQueue {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundQueue.class);

    private final RemoteLink.Outbound link;
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private final int capacity;
    private final String name;
    private long lost;

    public OutboundQueue(RemoteLink.Outbound link, int capacity, String name) {
        this.link = link;
        this.capacity = capacity;
        this.name = name;
    }

    public RemoteLink.Outbound link() {
        return link;
    }

    /** Sends the first {@code length} bytes of the link's scratch buffer now, or after those waiting. */
    public void send(int length) {
        if (waiting.isEmpty() && link.offer(length)) {
            return;
        }
        if (waiting.size() >= capacity) {
            if (lost++ == 0 || Long.bitCount(lost) == 1) {
                LOG.error("{}: {} messages waiting for the remote end, {} lost so far", name, waiting.size(), lost);
            }
            return;
        }
        byte[] copy = new byte[length];
        link.scratch().getBytes(0, copy);
        waiting.addLast(copy);
    }

    /** Sends what waits, in order, until the stream refuses one; true when nothing waits any more. */
    public boolean flush() {
        while (!waiting.isEmpty()) {
            byte[] next = waiting.peekFirst();
            link.scratch().putBytes(0, next);
            if (!link.offer(next.length)) {
                return false;
            }
            waiting.removeFirst();
        }
        return true;
    }

    public boolean isEmpty() {
        return waiting.isEmpty();
    }

    public int waiting() {
        return waiting.size();
    }

    /** Messages that found the queue full: lost, each one said. */
    public long lost() {
        return lost;
    }
}
