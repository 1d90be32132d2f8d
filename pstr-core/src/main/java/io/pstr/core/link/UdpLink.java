package io.pstr.core.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.pstr.core.rt.ThreadPriority;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code udp:host:port} sends to the peer and takes datagrams only from it;
 * {@code udp-listen:port} binds 127.0.0.1 and replies to whoever sent last (up once someone has sent).
 * UDP has no connection to pull: while {@link #unplug unplugged} the link drops every datagram both ways
 * and reports itself down; {@code udp:} is up again when the time is over, {@code udp-listen:} when the
 * next datagram comes after it.
 * <p>
 * No datagram from the peer for the endpoint's {@code silence-ms} makes the link <em>stale</em>: it reports itself
 * down (cause "silent for N ms", counted), keeps its socket and keeps sending to the peer it knows (a datagram costs
 * nothing, a radio may have lost only one direction, and some peers talk only once they hear from us); the next
 * datagram from the peer brings it up again. There is no connection to close and reopen.
 */
final class UdpLink implements ListeningLink {
    private static final Logger LOG = LoggerFactory.getLogger(UdpLink.class);
    /** Loopback drops bursts with the default receive buffer (measured-facts.md). */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final String host;
    private final int port;
    private final boolean listen;
    private final LinkOptions options;
    private final LinkCounters counters = new LinkCounters();
    private final AtomicLong datagramsFromStrangers = new AtomicLong();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ThreadPriority.linkThreads("link-udp"), NioIoHandler.newFactory());
    private volatile Channel channel;
    private volatile InetSocketAddress peer;
    private volatile int boundPort = -1;
    private volatile boolean unplugged;
    // Touched only on the event loop thread.
    private long unpluggedUntilNs;
    private LinkListener listener;
    private volatile boolean stale;
    private IdleStateHandler idle;

    UdpLink(String host, int port, boolean listen, LinkOptions options) {
        this.host = host;
        this.port = port;
        this.listen = listen;
        this.options = options;
    }

    /** Binds before returning; throws if the port is taken. */
    @Override
    public void start(LinkListener listener) {
        if (!listen) {
            peer = new InetSocketAddress(host, port);
            if (peer.isUnresolved()) {
                throw new IllegalArgumentException("udp:" + host + ":" + port + ": cannot resolve host");
            }
        }
        this.listener = listener;
        NettyInbound inbound = new NettyInbound(counters, listener);
        int silenceMs = options.effectiveSilenceMs();
        // After the handler that filters the peer's datagrams, which resets it: a stranger's do not count as heard.
        idle = silenceMs > 0 ? new IdleStateHandler(silenceMs, 0, 0, TimeUnit.MILLISECONDS) : null;
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(peerFilter(inbound));
                        if (idle != null) {
                            ch.pipeline().addLast(idle, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
                                        goStale(silenceMs);
                                    }
                                }
                            });
                        }
                    }
                });
        try {
            channel = listen ? b.bind(host, port).sync().channel() : b.bind(0).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException(new java.io.IOException("cannot bind UDP for " + this + ": " + e.getMessage(), e));
        }
        boundPort = ((InetSocketAddress) channel.localAddress()).getPort();
        if (!listen) {
            counters.connects.incrementAndGet();
            listener.onUp(toString());
        }
        LOG.info("{} bound to local port {}", this, boundPort);
    }

    /** Takes the peer's datagrams (udp-listen: whoever sent last), notes them as heard, and delivers them. */
    private SimpleChannelInboundHandler<DatagramPacket> peerFilter(NettyInbound inbound) {
        return new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                InetSocketAddress sender = packet.sender();
                if (unplugged) {
                    if (!listen || unpluggedUntilNs - System.nanoTime() > 0) {
                        return;
                    }
                    unplugged = false; // udp-listen: the first datagram after the unplug brings it back
                }
                if (listen) {
                    InetSocketAddress last = peer;
                    if (!sender.equals(last)) {
                        LOG.info("udp-listen:{} now replying to {}", boundPort, sender);
                        peer = sender;
                        stale = false;
                        counters.connects.incrementAndGet();
                        listener.onUp("udp-listen:" + boundPort + " peer " + sender);
                    }
                } else if (!sender.equals(peer)) {
                    long n = datagramsFromStrangers.incrementAndGet();
                    LOG.debug("udp:{}:{} ignored datagram #{} from {}", host, port, n, sender);
                    return;
                }
                if (idle != null) {
                    idle.resetReadTimeout();
                }
                if (stale) {
                    stale = false;
                    counters.connects.incrementAndGet();
                    LOG.info("{} hears its peer {} again", UdpLink.this, sender);
                    listener.onUp(UdpLink.this + " peer " + sender);
                }
                inbound.deliver(packet.content());
            }
        };
    }

    /** The peer has been silent for the bound: down, once, until it is heard again. Event loop. */
    private void goStale(int silenceMs) {
        if (stale || !isUp()) {
            return;
        }
        stale = true;
        counters.silences.incrementAndGet();
        counters.disconnects.incrementAndGet();
        String reason = SilenceWatchdog.reason(TimeUnit.MILLISECONDS.toNanos(silenceMs));
        LOG.warn("{} {}: stale, still listening and sending to {}", this, reason, peer);
        listener.onDown(reason);
    }

    @Override
    public int boundPort() {
        return boundPort;
    }

    /** Datagrams a {@code udp:} link dropped because they did not come from its peer. */
    long datagramsFromStrangers() {
        return datagramsFromStrangers.get();
    }

    @Override
    public boolean write(byte[] buffer, int offset, int length) {
        Channel ch = channel;
        InetSocketAddress to = peer;
        // A stale link still sends: see the class comment.
        if (ch == null || !ch.isActive() || to == null || unplugged) {
            counters.refused(length);
            return false;
        }
        ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(buffer, offset, length), to), ch.voidPromise());
        counters.bytesOut.addAndGet(length);
        return true;
    }

    @Override
    public boolean isUp() {
        Channel ch = channel;
        return ch != null && ch.isActive() && peer != null && !unplugged && !stale;
    }

    @Override
    public void unplug(long durationNs) {
        if (channel == null || group.isShuttingDown()) {
            return;
        }
        group.execute(() -> {
            boolean wasUp = isUp();
            unpluggedUntilNs = System.nanoTime() + durationNs;
            unplugged = true;
            LOG.warn("{} unplugged for {} ms", this, TimeUnit.NANOSECONDS.toMillis(durationNs));
            if (listen) {
                peer = null;
            } else {
                group.schedule(this::plugBackIn, durationNs, TimeUnit.NANOSECONDS);
            }
            if (wasUp) {
                counters.disconnects.incrementAndGet();
                listener.onDown(Links.unpluggedReason(durationNs));
            }
        });
    }

    /** {@code udp:} at the end of an unplug (a later unplug may have moved the end). Event loop. */
    private void plugBackIn() {
        long leftNs = unpluggedUntilNs - System.nanoTime();
        if (!unplugged) {
            return;
        }
        if (leftNs > 0) {
            group.schedule(this::plugBackIn, leftNs, TimeUnit.NANOSECONDS);
            return;
        }
        unplugged = false;
        stale = false;
        if (idle != null) {
            idle.resetReadTimeout();
        }
        counters.connects.incrementAndGet();
        LOG.info("{} plugged back in", this);
        listener.onUp(toString());
    }

    @Override
    public LinkCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return listen ? "udp-listen:" + (boundPort >= 0 ? boundPort : port) : "udp:" + host + ":" + port;
    }
}
