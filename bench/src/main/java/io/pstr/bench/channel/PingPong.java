package io.pstr.bench.channel;

import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.channel.DeadlineKind;
import io.pstr.core.channel.PacketHandler;
import io.pstr.core.channel.SendResult;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.rt.Jvm;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.SharedFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;

/** The near end of one transport's ping-pong: starts the peer process and times round trips to it. */
abstract class PingPong implements AutoCloseable {

    private Process peer;

    /** One round trip of {@code size} bytes; returns its time in ns. */
    abstract long roundTripNs(int size, boolean paced) throws IOException;

    protected String startPeer(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Jvm.javaBinary(),
                Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-XX:+UseSerialGC", "-Xmx128m",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), PingPongPeer.class.getName()));
        cmd.addAll(args);
        peer = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith("READY")) {
            line = out.readLine();
        }
        if (line == null || !line.startsWith("READY")) {
            peer.destroyForcibly();
            throw new IOException("ping-pong peer " + args.get(0) + " did not start: " + line);
        }
        return line.substring("READY".length()).trim();
    }

    protected long peerPid() {
        return peer.pid();
    }

    @Override
    public void close() throws IOException {
        stop();
        try {
            if (peer != null && !peer.waitFor(5, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroyForcibly();
        }
    }

    protected abstract void stop() throws IOException;

    /** The direct channel between two processes on this host; {@code fast} asks for the fast path. */
    static final class Channel extends PingPong {
        private final ChannelRegistry registry;
        private final ShmChannel ch;
        private final ChannelAddress peerAddress;
        private final UnsafeBuffer buf = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        private final long requestedNs;
        private final long[] idle = new long[3];
        private final PacketHandler onReply = p -> {
            if (p.type() == Wire.IDLE_END) {
                idle[0] = p.buffer().getLong(p.payloadOffset());
                idle[1] = p.buffer().getLong(p.payloadOffset() + 8);
                idle[2] = p.buffer().getLong(p.payloadOffset() + 16);
            }
        };

        Channel(Path dir, boolean fast) throws IOException {
            registry = new ChannelRegistry(dir);
            ChannelAddress self = new ChannelAddress(UUID.randomUUID(), 1);
            peerAddress = new ChannelAddress(UUID.randomUUID(), 2);
            registry.register(self);
            registry.register(peerAddress);
            registry.grant(self, peerAddress);
            registry.grant(peerAddress, self);
            ch = ShmChannel.open(registry.dir(), self, System::nanoTime);
            // Asking for 1 ns is below any AVG_delay: every packet takes the fast path once the database has data.
            requestedNs = fast ? 1 : Long.MAX_VALUE;
            startPeer(List.of("channel", registry.dir().toString(), peerAddress.toString(), self.toString()));
        }

        @Override
        long roundTripNs(int size, boolean paced) {
            int type = paced ? Wire.PACED : Wire.BACK_TO_BACK;
            long start = System.nanoTime();
            send(type, size);
            while (ch.receive(onReply, 1, paced ? 0 : Wire.SPIN_NS, TimeUnit.SECONDS.toNanos(1)) == 0) {
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(10)) {
                    throw new IllegalStateException("no reply from the channel peer in 10 s");
                }
            }
            return System.nanoTime() - start;
        }

        private void send(int type, int size) {
            SendResult r = ch.send(peerAddress, type, buf, 0, size, requestedNs, DeadlineKind.SOFT);
            if (!r.sent()) {
                throw new IllegalStateException("channel send refused: " + r);
            }
        }

        /** Leaves the peer idle for {@code idleMs}; returns its receiving thread's CPU ns, process CPU ns and wall ns. */
        long[] idle(long idleMs) throws InterruptedException {
            send(Wire.IDLE_BEGIN, 0);
            // The benchmark's idle period itself, measured on the clock (not a wait for something).
            long idleEndNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleMs);
            for (long left = idleEndNs - System.nanoTime(); left > 0; left = idleEndNs - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("idle period interrupted");
                }
            }
            idle[2] = 0;
            send(Wire.IDLE_END, 0);
            long start = System.nanoTime();
            while (idle[2] == 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                ch.receive(onReply, 1, 0, TimeUnit.MILLISECONDS.toNanos(100));
            }
            return idle.clone();
        }

        ShmChannel channel() {
            return ch;
        }

        @Override
        protected void stop() {
            send(Wire.STOP, 0);
        }

        @Override
        public void close() throws IOException {
            super.close();
            ch.close();
            registry.close();
        }
    }

    /**
     * The floor under any shared-memory transport: the message is copied into a mapped file and a sequence
     * number published, the peer copies the message to its reply area and publishes the number back. No queue, no
     * header, no phases: what two processes on this machine's two CPUs take to pass a message of this size, measured
     * in the same run as the channel. Two kinds, each for one pattern:
     * <ul>
     *   <li>spinning ({@code shm-raw}), back to back: both ends spin for the other's number, no doorbell;</li>
     *   <li>woken ({@code shm-futex}), paced: each end sleeps on the channel's own {@link Doorbell} (a futex, rung only
     *       while the reader says it is asleep) as the channel's receiver does, and rings the other's after
     *       publishing. No delay database, no counters either: what the channel adds to a paced round trip is its
     *       figure minus this one.</li>
     * </ul>
     */
    static final class Raw extends PingPong {
        private final Path file;
        private final UnsafeBuffer shared;
        private final boolean woken;
        private final Doorbell ping;
        private final Doorbell pong;
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[Wire.RAW_MAX_PAYLOAD]);
        private long seq;

        /** {@code woken}: the paced floor, woken through doorbells; otherwise the spinning, back-to-back one. */
        Raw(Path dir, boolean woken) throws IOException {
            this.woken = woken;
            file = dir.resolve(woken ? "futex-pingpong" : "raw-pingpong");
            shared = new UnsafeBuffer(SharedFiles.createMapped(file, Wire.RAW_FILE_BYTES));
            ping = new Doorbell(shared, Wire.RAW_PING_BELL);
            pong = new Doorbell(shared, Wire.RAW_PONG_BELL);
            startPeer(List.of(woken ? "futex" : "raw", file.toString()));
        }

        @Override
        long roundTripNs(int size, boolean paced) {
            if (paced != woken || size > Wire.RAW_MAX_PAYLOAD) {
                throw new IllegalArgumentException("this shared-memory floor runs " + (woken ? "paced" : "back to back")
                        + " with at most " + Wire.RAW_MAX_PAYLOAD + " bytes");
            }
            long n = ++seq;
            long start = System.nanoTime();
            shared.putBytes(Wire.RAW_PING_DATA, message, 0, size);
            shared.putInt(Wire.RAW_PING_SIZE, size);
            shared.putLongRelease(Wire.RAW_PING_SEQ, n);
            if (woken) {
                ping.ring();
            }
            while ((woken ? awaitChange(shared, pong, Wire.RAW_PONG_SEQ, n - 1, TimeUnit.SECONDS.toNanos(1))
                    : shared.getLongVolatile(Wire.RAW_PONG_SEQ)) != n) {
                if (!woken) {
                    Thread.onSpinWait();
                }
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(10)) {
                    throw new IllegalStateException("no reply from the shared-memory ping-pong peer in 10 s");
                }
            }
            return System.nanoTime() - start;
        }

        /**
         * Waits as the channel's receiver does (flag up, look, sleep until rung or {@code maxNs}, flag down) for the
         * word at {@code at} to differ from {@code old}; returns what it holds then.
         */
        static long awaitChange(UnsafeBuffer shared, Doorbell bell, int at, long old, long maxNs) {
            long now = shared.getLongVolatile(at);
            if (now != old) {
                return now;
            }
            int word = bell.prepareToSleep();
            if (shared.getLongVolatile(at) == old) {
                bell.sleep(word, maxNs);
            }
            bell.awake();
            return shared.getLongVolatile(at);
        }

        @Override
        protected void stop() {
            shared.putLongRelease(Wire.RAW_PING_SEQ, Wire.RAW_STOP);
            ping.ring();
        }

        @Override
        public void close() throws IOException {
            super.close();
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** UDP datagrams over loopback. */
    static final class Udp extends PingPong {
        private final DatagramChannel ch;
        private final ByteBuffer out = ByteBuffer.allocateDirect(Wire.MAX_PAYLOAD);
        private final ByteBuffer in = ByteBuffer.allocateDirect(Wire.MAX_PAYLOAD);

        Udp() throws IOException {
            int port = Integer.parseInt(startPeer(List.of("udp")));
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.connect(new InetSocketAddress("127.0.0.1", port));
        }

        @Override
        long roundTripNs(int size, boolean paced) throws IOException {
            out.clear().limit(size);
            in.clear();
            long start = System.nanoTime();
            ch.write(out);
            ch.read(in);
            long rtt = System.nanoTime() - start;
            if (in.position() != size) {
                throw new IOException("udp echo of " + size + " bytes came back with " + in.position());
            }
            return rtt;
        }

        @Override
        protected void stop() throws IOException {
            ch.write(ByteBuffer.allocate(0));
            ch.close();
        }
    }

    /** A stream socket: TCP over loopback (NODELAY) or a Unix domain socket. */
    static final class Stream extends PingPong {
        private final SocketChannel ch;
        private final ByteBuffer out = ByteBuffer.allocateDirect(Wire.LENGTH_BYTES + Wire.MAX_PAYLOAD);
        private final ByteBuffer in = ByteBuffer.allocateDirect(Wire.LENGTH_BYTES + Wire.MAX_PAYLOAD);

        Stream(boolean unix, Path socketDir) throws IOException {
            SocketAddress to;
            if (unix) {
                Path socket = socketDir.resolve("pingpong-" + ProcessHandle.current().pid() + ".sock");
                java.nio.file.Files.deleteIfExists(socket);
                startPeer(List.of("uds", socket.toString()));
                to = UnixDomainSocketAddress.of(socket);
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                int port = Integer.parseInt(startPeer(List.of("tcp")));
                to = new InetSocketAddress("127.0.0.1", port);
                ch = SocketChannel.open(StandardProtocolFamily.INET);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            ch.connect(to);
        }

        @Override
        long roundTripNs(int size, boolean paced) throws IOException {
            out.clear();
            out.putInt(0, size);
            out.limit(Wire.LENGTH_BYTES + size);
            in.clear().limit(Wire.LENGTH_BYTES + size);
            long start = System.nanoTime();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            if (!PingPongPeer.readFully(ch, in)) {
                throw new IOException("stream echo peer closed the connection");
            }
            return System.nanoTime() - start;
        }

        @Override
        protected void stop() throws IOException {
            ch.close();
        }
    }
}
