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
            case TCP -> new TcpClientLink(e.host(), e.port(), e.options());
            case TCP_LISTEN -> new TcpListenLink(e.host(), e.port(), e.options());
            case UDP -> new UdpLink(e.host(), e.port(), false, e.options());
            case UDP_LISTEN -> new UdpLink(e.host(), e.port(), true, e.options());
            case SERIAL, PTY -> {
                if (e.path() == null || e.path().isEmpty()) {
                    throw new IllegalArgumentException("endpoint '" + e + "' names no device: make a pair with SocatPty and open one side");
                }
                yield new SerialLink(e.path(), e.baudRate(), e.options(), System::nanoTime);
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

    /**
     * Writes to a Netty channel if it is active and its send buffer is not full, counting what was written or
     * refused. Bytes count as out once the kernel has taken them; a write that fails later (the connection closed
     * with it still queued) counts as unwritable, so nothing is dropped without a count. Refusing writes while
     * the channel is unwritable (more than Netty's 64 KiB high-water mark queued) bounds the memory a peer that
     * stops reading can hold; {@link ConnectionWatchdog} drops such a connection after the silence bound.
     */
    static boolean writeToChannel(io.netty.channel.Channel ch, LinkCounters counters, byte[] buffer, int offset, int length) {
        if (ch == null || !ch.isActive()) {
            counters.refused(length);
            return false;
        }
        if (!ch.isWritable()) {
            counters.writesBlocked.incrementAndGet();
            counters.refused(length);
            return false;
        }
        ch.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(buffer, offset, length)).addListener(f -> {
            if (f.isSuccess()) {
                counters.bytesOut.addAndGet(length);
            } else {
                counters.bytesUnwritable.addAndGet(length);
            }
        });
        return true;
    }

    /**
     * Socket options of a TCP link's connection, set as it is initialised: no Nagle delay, and keepalive with
     * short probes ({@code keepaliveS} idle, then one probe a second, {@link LinkOptions#KEEPALIVE_PROBES} of them)
     * so the kernel also gives up on a peer that is gone. The short probe times need the JDK's extended socket
     * options (Linux, macOS); elsewhere the system's keepalive times apply.
     */
    static void tcpOptions(io.netty.channel.Channel ch, int keepaliveS) {
        ch.config().setOption(io.netty.channel.ChannelOption.TCP_NODELAY, true);
        // A board link carries kilobytes a second: a small kernel send buffer keeps a peer that stops reading from
        // holding megabytes of stale outputs (loopback autotuning would grow it to 4 MB) and lets the watchdog see it.
        ch.config().setOption(io.netty.channel.ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES);
        if (keepaliveS <= 0) {
            return;
        }
        ch.config().setOption(io.netty.channel.ChannelOption.SO_KEEPALIVE, true);
        if (SHORT_KEEPALIVE) {
            ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE), keepaliveS);
            ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL), 1);
            ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT),
                    LinkOptions.KEEPALIVE_PROBES);
        }
    }

    /** Kernel send buffer of a TCP link (Linux doubles it for its own bookkeeping). */
    static final int SEND_BUFFER_BYTES = 64 << 10;

    /** Whether this platform lets a socket set its own keepalive times. */
    static final boolean SHORT_KEEPALIVE = shortKeepaliveSupported();

    private static boolean shortKeepaliveSupported() {
        try (java.nio.channels.SocketChannel s = java.nio.channels.SocketChannel.open()) {
            return s.supportedOptions().containsAll(java.util.List.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE,
                    jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean isActive(io.netty.channel.Channel ch) {
        return ch != null && ch.isActive();
    }
}
