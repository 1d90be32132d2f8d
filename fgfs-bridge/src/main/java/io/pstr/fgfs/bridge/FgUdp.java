package io.pstr.fgfs.bridge;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The bridge's UDP socket towards FlightGear: one Netty datagram channel bound to a local port (where FlightGear
 * sends), which also sends to FlightGear's input port. Everything runs on the channel's single event loop, so the
 * handler, the scheduled senders and the peer watch never overlap.
 */
final class FgUdp implements AutoCloseable {
    /** Loopback drops bursts with the default receive buffer (measured on this project's machines). */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    /** Receives one datagram on the event loop; the array is only valid during the call. */
    @FunctionalInterface
    interface Receiver {
        void onDatagram(byte[] data, int length, InetSocketAddress sender, long rxNs);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final int boundPort;

    /** Binds {@code bindHost:bindPort} (0 = any free port) before returning; throws if the port is taken. */
    FgUdp(String bindHost, int bindPort, Receiver receiver) {
        byte[] scratch = new byte[65_536];
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ByteBuf content = packet.content();
                        int n = content.readableBytes();
                        content.readBytes(scratch, 0, n);
                        receiver.onDatagram(scratch, n, packet.sender(), System.nanoTime());
                    }
                });
        try {
            channel = b.bind(bindHost, bindPort).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException(new IOException("cannot bind UDP " + bindHost + ":" + bindPort + ": " + e.getMessage(), e));
        }
        boundPort = ((InetSocketAddress) channel.localAddress()).getPort();
    }

    int boundPort() {
        return boundPort;
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Sends a copy of {@code data}. @return false if the channel is closed */
    boolean send(byte[] data, int length, InetSocketAddress to) {
        if (!channel.isActive()) {
            return false;
        }
        channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(data, 0, length), to), channel.voidPromise());
        return true;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
