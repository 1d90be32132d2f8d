package io.pstr.core.link;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.pstr.core.rt.ThreadPriority;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tcp-listen:port}: listens on 127.0.0.1 and serves one client at a time; a new client replaces
 * the old one (a restarted host must not be locked out by its own half-dead previous connection). While
 * {@link #unplug unplugged} it drops its client and turns new ones away; the client's own back-off brings
 * it back afterwards. A client silent for the endpoint's {@code silence-ms}, or that does not drain what is written
 * for as long, is dropped ({@link ConnectionWatchdog}) and the link waits for the next one.
 */
final class TcpListenLink implements ListeningLink {
    private static final Logger LOG = LoggerFactory.getLogger(TcpListenLink.class);

    private final String bindHost;
    private final int port;
    private final LinkOptions options;
    private final LinkCounters counters = new LinkCounters();
    // One thread for accept and I/O: listener calls never overlap.
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ThreadPriority.linkThreads("link-tcp-listen"), NioIoHandler.newFactory());
    private volatile Channel client;
    private volatile Channel server;
    private volatile int boundPort = -1;
    // Touched only on the event loop thread.
    private boolean unplugged;
    private long unpluggedUntilNs;
    private String nextDownReason;

    TcpListenLink(String bindHost, int port, LinkOptions options) {
        this.bindHost = bindHost;
        this.port = port;
        this.options = options;
    }

    /** Binds before returning so that {@link #boundPort()} is valid; throws if the port is taken. */
    @Override
    public void start(LinkListener listener) {
        NettyInbound inbound = new NettyInbound(counters, listener);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Links.tcpOptions(ch, options.effectiveKeepaliveS());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                if (unplugged && unpluggedUntilNs - System.nanoTime() > 0) {
                                    LOG.debug("tcp-listen:{} unplugged: client {} turned away", boundPort, ctx.channel().remoteAddress());
                                    ctx.close();
                                    return;
                                }
                                unplugged = false;
                                Channel old = client;
                                client = ctx.channel();
                                counters.connects.incrementAndGet();
                                if (old != null) {
                                    LOG.info("tcp-listen:{} new client {} replaces {}", boundPort, ctx.channel().remoteAddress(), old.remoteAddress());
                                    old.close();
                                } else {
                                    LOG.info("tcp-listen:{} client {} connected", boundPort, ctx.channel().remoteAddress());
                                }
                                listener.onUp("tcp-listen:" + boundPort + " client " + ctx.channel().remoteAddress());
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                if (client == ctx.channel()) {
                                    client = null;
                                    counters.disconnects.incrementAndGet();
                                    String reason = nextDownReason == null ? "client disconnected" : nextDownReason;
                                    nextDownReason = null;
                                    LOG.info("tcp-listen:{} client {} gone: {}", boundPort, ctx.channel().remoteAddress(), reason);
                                    listener.onDown(reason);
                                }
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                if (client == ctx.channel()) {
                                    inbound.deliver(msg);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                LOG.debug("tcp-listen:{} client error, closing: {}", boundPort, cause.toString());
                                ctx.close();
                            }
                        });
                        ConnectionWatchdog.install(ch.pipeline(), options.effectiveSilenceMs(), counters, (c, reason) -> {
                            if (c == client) {
                                nextDownReason = reason;
                                LOG.warn("tcp-listen:{} client {} {}: dropping it", boundPort, c.remoteAddress(), reason);
                            }
                            c.close();
                        });
                    }
                });
        try {
            server = b.bind(bindHost, port).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException(new java.io.IOException("cannot listen on " + bindHost + ":" + port + ": " + e.getMessage(), e));
        }
        boundPort = ((InetSocketAddress) server.localAddress()).getPort();
        LOG.info("tcp-listen: listening on {}:{}", bindHost, boundPort);
    }

    @Override
    public int boundPort() {
        return boundPort;
    }

    @Override
    public void unplug(long durationNs) {
        if (group.isShuttingDown()) {
            return;
        }
        group.execute(() -> {
            unplugged = true;
            unpluggedUntilNs = System.nanoTime() + durationNs;
            LOG.warn("tcp-listen:{} unplugged for {} ms", boundPort, TimeUnit.NANOSECONDS.toMillis(durationNs));
            Channel c = client;
            if (c != null) {
                nextDownReason = Links.unpluggedReason(durationNs);
                c.close();
            }
        });
    }

    @Override
    public boolean write(byte[] buffer, int offset, int length) {
        return Links.writeToChannel(client, counters, buffer, offset, length);
    }

    @Override
    public boolean isUp() {
        return Links.isActive(client);
    }

    @Override
    public LinkCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        Channel s = server;
        if (s != null) {
            s.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        Channel c = client;
        if (c != null) {
            c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "tcp-listen:" + (boundPort >= 0 ? boundPort : port);
    }
}
