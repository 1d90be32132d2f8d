package io.pstr.core.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pstr.core.rt.ThreadPriority;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tcp:host:port}: connects, and reconnects with back-off (100 ms doubling to 2 s) until closed; an
 * {@link #unplug} holds reconnection off until its time is up. A connection whose peer is silent for the
 * endpoint's {@code silence-ms}, or that does not drain what is written for as long, is closed and reconnected
 * ({@link ConnectionWatchdog}). The back-off starts again from 100 ms only once a connection has brought a
 * byte: a peer that accepts and then says nothing (a frozen board) is retried ever more slowly, not hammered.
 */
final class TcpClientLink implements ByteLink {
    private static final Logger LOG = LoggerFactory.getLogger(TcpClientLink.class);

    private final String host;
    private final int port;
    private final LinkOptions options;
    private final LinkCounters counters = new LinkCounters();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ThreadPriority.linkThreads("link-tcp"), NioIoHandler.newFactory());
    private volatile Channel channel;
    private volatile boolean closed;
    private final OpenFailure failure = new OpenFailure(LOG);
    private Bootstrap bootstrap;
    private LinkListener listener;
    // Touched only on the event loop thread.
    private long backoffMs = Links.FIRST_BACKOFF_MS;
    private boolean unplugged;
    private long unpluggedUntilNs;
    private String nextDownReason;
    private boolean heardOnThisConnection;

    TcpClientLink(String host, int port, LinkOptions options) {
        this.host = host;
        this.port = port;
        this.options = options;
    }

    @Override
    public String lastOpenFailure() {
        return failure.last();
    }

    @Override
    public void start(LinkListener listener) {
        this.listener = listener;
        NettyInbound inbound = new NettyInbound(counters, listener);
        bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Links.MAX_BACKOFF_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Links.tcpOptions(ch, options.effectiveKeepaliveS());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                if (!heardOnThisConnection && ctx.channel() == channel) {
                                    heardOnThisConnection = true;
                                    backoffMs = Links.FIRST_BACKOFF_MS;
                                }
                                inbound.deliver(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                LOG.debug("tcp:{}:{} error, closing: {}", host, port, cause.toString());
                                ctx.close();
                            }
                        });
                        ConnectionWatchdog.install(ch.pipeline(), options.effectiveSilenceMs(), counters, (c, reason) -> {
                            if (c == channel) {
                                nextDownReason = reason;
                                LOG.warn("tcp:{}:{} {}: closing and reconnecting", host, port, reason);
                            }
                            c.close();
                        });
                    }
                });
        group.execute(this::connect);
    }

    private void connect() {
        if (closed || holdingUnplugged()) {
            return;
        }
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                failure.failed("tcp:" + host + ":" + port + " connect failed: " + (f.cause() == null ? "unknown cause"
                        : f.cause().getMessage() != null ? f.cause().getMessage() : f.cause().toString()));
                retryLater();
                return;
            }
            Channel ch = f.channel();
            if (closed) {
                ch.close();
                return;
            }
            if (holdingUnplugged()) {
                ch.close(); // connected while being unplugged: never announced, so no down either
                return;
            }
            channel = ch;
            failure.opened();
            heardOnThisConnection = false;
            counters.connects.incrementAndGet();
            LOG.info("tcp:{}:{} connected", host, port);
            listener.onUp("tcp:" + host + ":" + port);
            ch.closeFuture().addListener(c -> {
                channel = null;
                counters.disconnects.incrementAndGet();
                String reason = nextDownReason == null ? "connection closed" : nextDownReason;
                nextDownReason = null;
                LOG.info("tcp:{}:{} disconnected: {}", host, port, reason);
                listener.onDown(reason);
                retryLater();
            });
        });
    }

    /**
     * While an unplug lasts, schedules the next attempt for its end and says so; after it, clears it. Event loop.
     */
    private boolean holdingUnplugged() {
        if (!unplugged) {
            return false;
        }
        long leftNs = unpluggedUntilNs - System.nanoTime();
        if (leftNs > 0) {
            group.schedule(this::connect, leftNs, TimeUnit.NANOSECONDS);
            return true;
        }
        unplugged = false;
        LOG.info("tcp:{}:{} plugged back in: reconnecting", host, port);
        return false;
    }

    @Override
    public void unplug(long durationNs) {
        if (closed || group.isShuttingDown()) {
            return;
        }
        group.execute(() -> {
            unplugged = true;
            unpluggedUntilNs = System.nanoTime() + durationNs;
            LOG.warn("tcp:{}:{} unplugged for {} ms", host, port, TimeUnit.NANOSECONDS.toMillis(durationNs));
            Channel ch = channel;
            if (ch != null) {
                nextDownReason = Links.unpluggedReason(durationNs);
                ch.close();
            }
        });
    }

    private void retryLater() {
        if (closed || group.isShuttingDown()) {
            return;
        }
        long delayMs = backoffMs;
        backoffMs = Links.nextBackoffMs(backoffMs);
        group.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean write(byte[] buffer, int offset, int length) {
        return Links.writeToChannel(channel, counters, buffer, offset, length);
    }

    @Override
    public boolean isUp() {
        return Links.isActive(channel);
    }

    @Override
    public LinkCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "tcp:" + host + ":" + port;
    }
}
