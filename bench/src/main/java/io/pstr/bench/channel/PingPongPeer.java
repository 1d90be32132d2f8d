package io.pstr.bench.channel;

import com.sun.management.OperatingSystemMXBean;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.DeadlineKind;
import io.pstr.core.channel.Packet;
import io.pstr.core.channel.PacketHandler;
import io.pstr.core.channel.SendResult;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.SharedFiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The far end of the ping-pong benchmark, in its own JVM: echoes every message back the way it came.
 * Prints {@code READY} (and a port) on stdout when it listens. Not for use by hand.
 * <pre>
 *   PingPongPeer channel DIR SELF PEER
 *   PingPongPeer udp | tcp
 *   PingPongPeer uds SOCKET-PATH
 *   PingPongPeer raw FILE
 *   PingPongPeer futex FILE
 * </pre>
 */
public final class PingPongPeer {

    private PingPongPeer() {
    }

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "channel" -> channel(Path.of(args[1]), ChannelAddress.parse(args[2]), ChannelAddress.parse(args[3]));
            case "udp" -> udp();
            case "tcp" -> stream(new InetSocketAddress("127.0.0.1", 0), StandardProtocolFamily.INET);
            case "uds" -> stream(UnixDomainSocketAddress.of(args[1]), StandardProtocolFamily.UNIX);
            case "raw" -> raw(Path.of(args[1]));
            case "futex" -> futex(Path.of(args[1]));
            default -> throw new IllegalArgumentException("unknown transport " + args[0]);
        }
    }

    private static void channel(Path dir, ChannelAddress self, ChannelAddress peer) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        UnsafeBuffer reply = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        try (ShmChannel ch = ShmChannel.open(dir, self, System::nanoTime)) {
            System.out.println("READY");
            System.out.flush();
            boolean[] stop = {false};
            int[] lastType = {Wire.PACED};
            long[] idle = new long[3];
            PacketHandler handler = (Packet p) -> {
                    int type = p.type();
                    lastType[0] = type;
                    switch (type) {
                        case Wire.BACK_TO_BACK, Wire.PACED -> {
                            reply.putBytes(0, p.buffer(), p.payloadOffset(), p.payloadLength());
                            echo(ch, peer, type, reply, p.payloadLength(), p.requestedNs());
                        }
                        case Wire.IDLE_BEGIN -> {
                            idle[0] = threads.getCurrentThreadCpuTime();
                            idle[1] = os.getProcessCpuTime();
                            idle[2] = System.nanoTime();
                        }
                        case Wire.IDLE_END -> {
                            reply.putLong(0, threads.getCurrentThreadCpuTime() - idle[0]);
                            reply.putLong(8, os.getProcessCpuTime() - idle[1]);
                            reply.putLong(16, System.nanoTime() - idle[2]);
                            echo(ch, peer, type, reply, 24, Long.MAX_VALUE);
                        }
                        default -> stop[0] = true;
                    }
                };
            while (!stop[0]) {
                // Back to back, the next ping comes within microseconds: spin for it. Paced or idle: sleep.
                long spinNs = lastType[0] == Wire.BACK_TO_BACK ? Wire.SPIN_NS : 0;
                ch.receive(handler, 1, spinNs, TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    private static void echo(ShmChannel ch, ChannelAddress peer, int type, UnsafeBuffer reply, int length, long requestedNs) {
        SendResult r;
        while ((r = ch.send(peer, type, reply, 0, length, requestedNs, DeadlineKind.SOFT)) == SendResult.FULL) {
            Thread.onSpinWait();
        }
        if (!r.sent()) {
            throw new IllegalStateException("echo refused: " + r);
        }
    }

    /**
     * The raw baseline's far end: spins for the next sequence number, copies the message to the reply area and
     * publishes the number back. After {@link Wire#SPIN_NS} without a ping (another transport's turn) it looks only
     * every {@link Wire#RAW_IDLE_LOOK_NS} instead, so that it neither holds a CPU against the others nor wakes
     * often during their turns; the first ping of its next turn waits for that look.
     */
    private static void raw(Path file) {
        UnsafeBuffer shared = new UnsafeBuffer(SharedFiles.mapExisting(file));
        System.out.println("READY");
        System.out.flush();
        long seen = shared.getLongVolatile(Wire.RAW_PING_SEQ);
        long lastPingNs = System.nanoTime();
        while (true) {
            long seq = shared.getLongVolatile(Wire.RAW_PING_SEQ);
            if (seq == Wire.RAW_STOP) {
                return;
            }
            if (seq != seen) {
                seen = seq;
                echo(shared, seq);
                lastPingNs = System.nanoTime();
            } else if (System.nanoTime() - lastPingNs < Wire.SPIN_NS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(Wire.RAW_IDLE_LOOK_NS);
            }
        }
    }

    /**
     * The woken floor's far end: sleeps on its doorbell until the next sequence number, copies the message to the
     * reply area, publishes the number back and rings the pinger's doorbell.
     */
    private static void futex(Path file) {
        UnsafeBuffer shared = new UnsafeBuffer(SharedFiles.mapExisting(file));
        Doorbell ping = new Doorbell(shared, Wire.RAW_PING_BELL);
        Doorbell pong = new Doorbell(shared, Wire.RAW_PONG_BELL);
        System.out.println("READY");
        System.out.flush();
        long seen = shared.getLongVolatile(Wire.RAW_PING_SEQ);
        while (true) {
            long seq = PingPong.Raw.awaitChange(shared, ping, Wire.RAW_PING_SEQ, seen, TimeUnit.MILLISECONDS.toNanos(100));
            if (seq == Wire.RAW_STOP) {
                return;
            }
            if (seq != seen) {
                seen = seq;
                echo(shared, seq);
                pong.ring();
            }
        }
    }

    /** Copies ping {@code seq}'s message to the reply area and publishes the number back. */
    private static void echo(UnsafeBuffer shared, long seq) {
        int size = shared.getInt(Wire.RAW_PING_SIZE);
        shared.putBytes(Wire.RAW_PONG_DATA, shared, Wire.RAW_PING_DATA, size);
        shared.putLongRelease(Wire.RAW_PONG_SEQ, seq);
    }

    private static void udp() throws IOException {
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            System.out.println("READY " + ((InetSocketAddress) ch.getLocalAddress()).getPort());
            System.out.flush();
            ByteBuffer buf = ByteBuffer.allocateDirect(Wire.MAX_PAYLOAD);
            while (true) {
                buf.clear();
                SocketAddress from = ch.receive(buf);
                buf.flip();
                if (buf.remaining() == 0) {
                    return;
                }
                ch.send(buf, from);
            }
        }
    }

    private static void stream(SocketAddress bindTo, StandardProtocolFamily family) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(family)) {
            server.bind(bindTo);
            System.out.println(family == StandardProtocolFamily.INET
                    ? "READY " + ((InetSocketAddress) server.getLocalAddress()).getPort() : "READY");
            System.out.flush();
            try (SocketChannel ch = server.accept()) {
                if (family == StandardProtocolFamily.INET) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                ByteBuffer buf = ByteBuffer.allocateDirect(Wire.LENGTH_BYTES + Wire.MAX_PAYLOAD);
                while (true) {
                    buf.clear().limit(Wire.LENGTH_BYTES);
                    if (!readFully(ch, buf)) {
                        return;
                    }
                    int length = buf.getInt(0);
                    buf.limit(Wire.LENGTH_BYTES + length);
                    if (!readFully(ch, buf)) {
                        return;
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
            }
        }
    }

    static boolean readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                return false;
            }
        }
        return true;
    }
}
