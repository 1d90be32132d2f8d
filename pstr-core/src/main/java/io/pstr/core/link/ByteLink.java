package io.pstr.core.link;

/**
 * A bidirectional byte stream to a board or to the host: a serial port, a pty, a TCP or UDP socket.
 * Connecting, reconnecting with back-off and reading happen on the link's own thread(s).
 */
public interface ByteLink extends AutoCloseable {

    /** Starts connecting (or listening) and delivering received bytes to the listener. Returns at once. */
    void start(LinkListener listener);

    /**
     * Writes the bytes (copied before return). Thread-safe.
     * @return false if the link is down and the bytes were not written: the caller counts them
     */
    boolean write(byte[] buffer, int offset, int length);

    boolean isUp();

    /**
     * Fault injection: drops the connection as a pulled cable would, and for {@code durationNs} takes no new
     * one (no reconnect, no new client or peer, nothing read or written); then the link comes back the way it
     * comes back after any loss. Returns at once; if the link was up, the listener hears
     * {@link LinkListener#onDown} on the link's thread.
     */
    void unplug(long durationNs);

    /**
     * Why the latest attempt to open the link failed (a serial device missing, not permitted or busy, a TCP connection
     * refused), or null when it succeeded or there is nothing to open (a listening link). Readable from any thread.
     */
    default String lastOpenFailure() {
        return null;
    }

    /** Per-link byte counters, readable from any thread. */
    LinkCounters counters();

    @Override
    void close();
}
