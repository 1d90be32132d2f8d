package io.pstr.core.link;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that stop talking, on real loopback sockets. A true half-open connection needs a network path that drops
 * packets; what the watchdog judges is the same observable, a peer from which nothing arrives, so these peers are
 * plain sockets that accept (or connect) and then say nothing. Bounds are generous for a loaded 2-core machine.
 */
class HalfOpenLinkTest {

    private static final int SILENCE_MS = 600;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ScheduledExecutorService peerTalk = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTalking() {
        peerTalk.shutdownNow();
    }

    private static boolean send(ByteLink link, String text) {
        byte[] b = text.getBytes(US_ASCII);
        return link.write(b, 0, b.length);
    }

    /** Writes a byte to the socket every 100 ms, as a board's telemetry would, until the test ends. */
    private void talk(Socket s) {
        peerTalk.scheduleAtFixedRate(() -> {
            try {
                s.getOutputStream().write('h');
            } catch (IOException e) {
                // the link dropped this connection: the test looks at the link, not here
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Test
    void shouldReportATcpLinkToASilentPeerDownWithinTheBoundAndStayUpOnceThePeerTalks() throws IOException {
        RecordingListener hostSide = new RecordingListener();
        try (ServerSocket board = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ByteLink link = Links.open(Endpoint.parse("tcp:127.0.0.1:" + board.getLocalPort() + ",silence-ms=" + SILENCE_MS))) {
            board.setSoTimeout((int) WAIT.toMillis());
            link.start(hostSide);
            try (Socket frozen = board.accept()) {
                await().atMost(WAIT).until(link::isUp);
                long upNs = hostSide.lastUpNs;
                // The frozen board accepted and says nothing: down with the cause, within the bound plus slack.
                await().atMost(WAIT).until(() -> hostSide.downs.get() == 1);
                long downAfterMs = (System.nanoTime() - upNs) / 1_000_000;
                assertEquals("silent for " + SILENCE_MS + " ms", hostSide.lastDownReason);
                assertTrue(downAfterMs >= SILENCE_MS, "down after " + downAfterMs + " ms");
                assertEquals(1, link.counters().silences.get());
                assertFalse(link.isUp());
                assertFalse(send(link, "lost"));
                assertEquals(4, link.counters().bytesUnwritable.get(), "counted, not silently lost");
                assertEquals(-1, frozen.getInputStream().read(), "the link closed its end of the dead connection");
            }
            // The board comes back and talks: the link reconnects and stays up past the bound.
            try (Socket alive = board.accept()) {
                talk(alive);
                await().atMost(WAIT).until(() -> link.isUp() && hostSide.ups.get() == 2);
                await("stays up while the board talks").during(Duration.ofMillis(3L * SILENCE_MS)).atMost(WAIT)
                        .until(() -> link.isUp() && hostSide.downs.get() == 1);
                assertTrue(hostSide.text().startsWith("h"));
                assertEquals(1, link.counters().silences.get());
            }
        }
    }

    @Test
    void shouldDropASilentClientOnTcpListenAndAcceptTheNextOne() throws IOException {
        RecordingListener boardSide = new RecordingListener();
        try (ListeningLink link = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0,silence-ms=" + SILENCE_MS))) {
            link.start(boardSide);
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), link.boundPort());
            try (Socket silent = new Socket()) {
                silent.connect(at);
                silent.setSoTimeout((int) WAIT.toMillis());
                await().atMost(WAIT).until(link::isUp);
                await().atMost(WAIT).until(() -> boardSide.downs.get() == 1);
                assertEquals("silent for " + SILENCE_MS + " ms", boardSide.lastDownReason);
                assertEquals(-1, silent.getInputStream().read(), "the silent client was dropped");
                assertFalse(link.isUp());
            }
            try (Socket next = new Socket()) {
                next.connect(at);
                talk(next);
                await().atMost(WAIT).until(() -> link.isUp() && boardSide.ups.get() == 2);
                await("the talking client stays").during(Duration.ofMillis(3L * SILENCE_MS)).atMost(WAIT)
                        .until(() -> link.isUp() && boardSide.downs.get() == 1);
                assertEquals(1, link.counters().silences.get());
            }
        }
    }

    @Test
    void shouldRefuseAndCountWritesToAPeerThatNeverReadsThenDropIt() throws IOException {
        RecordingListener hostSide = new RecordingListener();
        try (ServerSocket board = new ServerSocket()) {
            board.setReceiveBufferSize(4096); // the accepted socket inherits it: the path fills sooner
            board.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            board.setSoTimeout((int) WAIT.toMillis());
            try (ByteLink link = Links.open(Endpoint.parse("tcp:127.0.0.1:" + board.getLocalPort() + ",silence-ms=" + SILENCE_MS));
                 Socket deaf = acceptAndTalk(board, link, hostSide)) {
                byte[] chunk = new byte[1024];
                AtomicLong offeredBytes = new AtomicLong();
                AtomicLong refusedWrites = new AtomicLong();
                // The host keeps writing its outputs, 1 KiB every 10 ms, to a peer that never reads.
                ScheduledFuture<?> writer = peerTalk.scheduleAtFixedRate(() -> {
                    offeredBytes.addAndGet(chunk.length);
                    if (!link.write(chunk, 0, chunk.length)) {
                        refusedWrites.incrementAndGet();
                    }
                }, 0, 10, TimeUnit.MILLISECONDS);
                await("refused once the send buffer is full").atMost(WAIT).until(() -> link.counters().writesBlocked.get() >= 1);
                assertFalse(deaf.isClosed());
                // The peer still talks, so it is the stuck send side that takes the connection down.
                await().atMost(WAIT).until(() -> hostSide.downs.get() == 1);
                writer.cancel(false);
                assertTrue(hostSide.lastDownReason.startsWith("send buffer full for "), hostSide.lastDownReason);
                assertEquals(1, link.counters().sendStalls.get());
                assertEquals(0, link.counters().silences.get());
                LinkCounters c = link.counters();
                // Every byte offered is accounted for: on the wire, or counted as never reaching it.
                await().atMost(WAIT).until(() -> writer.isDone()
                        && c.bytesOut.get() + c.bytesUnwritable.get() == offeredBytes.get());
                assertTrue(c.bytesOut.get() < 1L << 20, "the kernel and Netty held " + c.bytesOut.get() + " bytes: bounded");
                assertTrue(c.bytesUnwritable.get() > refusedWrites.get() * chunk.length,
                        "what was queued when the connection dropped is counted too");
            }
        }
    }

    private Socket acceptAndTalk(ServerSocket board, ByteLink link, RecordingListener listener) throws IOException {
        link.start(listener);
        Socket s = board.accept();
        talk(s);
        await().atMost(WAIT).until(link::isUp);
        return s;
    }

    @Test
    void shouldReportAUdpPeerStaleAndBackWhenItTalksAgainWhileStillSending() throws IOException {
        RecordingListener hostSide = new RecordingListener();
        try (DatagramChannel board = DatagramChannel.open()) {
            board.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int boardPort = ((InetSocketAddress) board.getLocalAddress()).getPort();
            try (ByteLink link = Links.open(Endpoint.parse("udp:127.0.0.1:" + boardPort + ",silence-ms=" + SILENCE_MS))) {
                link.start(hostSide);
                assertTrue(link.isUp());
                await().atMost(WAIT).until(() -> hostSide.downs.get() == 1);
                assertEquals("silent for " + SILENCE_MS + " ms", hostSide.lastDownReason);
                assertFalse(link.isUp());
                assertTrue(send(link, "still sent"), "a stale UDP link keeps sending");
                ByteBuffer got = ByteBuffer.allocate(64);
                board.configureBlocking(true);
                InetSocketAddress host = (InetSocketAddress) board.receive(got);
                assertEquals("still sent", new String(got.array(), 0, got.position(), US_ASCII));
                board.send(ByteBuffer.wrap("hb".getBytes(US_ASCII)), host);
                await().atMost(WAIT).until(() -> link.isUp() && hostSide.ups.get() == 2);
                assertEquals(1, link.counters().silences.get());
                assertEquals(0, link.counters().writesRefused.get());
            }
        }
    }

    @Test
    void shouldNotJudgeSilenceOnARawLinkUnlessAsked() throws IOException {
        RecordingListener hostSide = new RecordingListener();
        try (ServerSocket board = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ByteLink link = Links.open(Endpoint.parse("tcp:127.0.0.1:" + board.getLocalPort() + ",framing=raw"))) {
            board.setSoTimeout((int) WAIT.toMillis());
            link.start(hostSide);
            try (Socket quiet = board.accept()) {
                quiet.setSoTimeout(LinkOptions.DEFAULT_SILENCE_MS + 1_000);
                await().atMost(WAIT).until(link::isUp);
                InputStream in = quiet.getInputStream();
                // Blocks past the MAVLink default bound: a raw link is not dropped for silence by default.
                try {
                    in.read();
                } catch (SocketTimeoutException expected) {
                    // nothing came and nothing closed: the point of the wait
                }
                assertTrue(link.isUp());
                assertEquals(0, hostSide.downs.get());
            }
        }
    }
}
