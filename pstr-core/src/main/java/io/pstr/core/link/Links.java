package io.pstr.core.link;

/** Opens the {@link ByteLink} an {@link Endpoint} names. The link does nothing until {@link ByteLink#start}. */
public final class Links {

    /** Back-off before the first reconnect attempt. */
    static final long FIRST_BACKOFF_MS = 100;
    /** Back-off doubles up to this. */
    static final long MAX_BACKOFF_MS = 2_000;

    private Links() {
    }

    /**
     * @throws IllegalArgumentException for {@code pty:} with no path: the caller must make the pair
     *         (see {@link SocatPty}) and open one side
     */
    public static ByteLink open(Endpoint e) {
        return switch (e.kind()) {
            case TCP -> new TcpClientLink(e.host(), e.port());
            case TCP_LISTEN -> new TcpListenLink(e.host(), e.port());
            case UDP -> new UdpLink(e.host(), e.port(), false);
            case UDP_LISTEN -> new UdpLink(e.host(), e.port(), true);
            case SERIAL, PTY -> {
                if (e.path() == null || e.path().isEmpty()) {
                    throw new IllegalArgumentException("endpoint '" + e + "' names no device: make a pair with SocatPty and open one side");
                }
                yield new SerialLink(e.path(), e.baudRate(), e.options());
            }
        };
    }

    /** Why a link went down when a fault unplugged it: the same words on every transport. */
    static String unpluggedReason(long durationNs) {
        return "unplugged for " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(durationNs) + " ms (fault injection)";
    }

    static long nextBackoffMs(long currentMs) {
        return Math.min(currentMs * 2, MAX_BACKOFF_MS);
    }

    /** Writes to a Netty channel if it is active, counting what was written or refused. */
    static boolean writeToChannel(io.netty.channel.Channel ch, LinkCounters counters, byte[] buffer, int offset, int length) {
        if (ch == null || !ch.isActive()) {
            counters.refused(length);
            return false;
        }
        ch.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(buffer, offset, length), ch.voidPromise());
        counters.bytesOut.addAndGet(length);
        return true;
    }

    static boolean isActive(io.netty.channel.Channel ch) {
        return ch != null && ch.isActive();
    }
}
