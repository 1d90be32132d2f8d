package io.pstr.core.link;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinksTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration UNPLUG = Duration.ofMillis(800);

    private static boolean send(ByteLink link, String text) {
        byte[] b = text.getBytes(US_ASCII);
        return link.write(b, 0, b.length);
    }

    @Test
    void shouldSayWhyATcpBoardCannotBeReached() {
        int port = FreePorts.tcp();
        try (ByteLink client = Links.open(Endpoint.parse("tcp:127.0.0.1:" + port))) {
            client.start(new RecordingListener());
            await().atMost(WAIT).until(() -> client.lastOpenFailure() != null);
            assertTrue(client.lastOpenFailure().startsWith("tcp:127.0.0.1:" + port + " connect failed: Connection refused"),
                    client.lastOpenFailure());
            try (ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:" + port))) {
                server.start(new RecordingListener());
                await().atMost(WAIT).until(client::isUp);
                assertEquals(null, client.lastOpenFailure());
            }
        }
    }

    @Test
    void shouldRoundTripBytesBetweenTcpClientAndListenerOnEphemeralPort() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        try (ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            server.start(serverSide);
            assertTrue(server.boundPort() > 0);
            try (ByteLink client = Links.open(Endpoint.parse("tcp:127.0.0.1:" + server.boundPort()))) {
                client.start(clientSide);
                await().atMost(WAIT).until(() -> client.isUp() && server.isUp());
                assertTrue(send(client, "hello board"));
                await().atMost(WAIT).until(() -> serverSide.text().equals("hello board"));
                assertTrue(send(server, "hello host"));
                await().atMost(WAIT).until(() -> clientSide.text().equals("hello host"));
                assertEquals(11, server.counters().bytesIn.get());
                assertEquals(10, client.counters().bytesIn.get());
            }
        }
    }

    @Test
    void shouldReconnectAfterServerGoesAwayAndCountRefusedWritesWhileDown() {
        RecordingListener clientSide = new RecordingListener();
        ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"));
        server.start(new RecordingListener());
        int port = server.boundPort();
        try (ByteLink client = Links.open(Endpoint.parse("tcp:127.0.0.1:" + port))) {
            client.start(clientSide);
            await().atMost(WAIT).until(client::isUp);
            server.close();
            await().atMost(WAIT).until(() -> !client.isUp() && clientSide.downs.get() == 1);

            assertFalse(send(client, "lost"));
            assertEquals(1, client.counters().writesRefused.get());

            RecordingListener secondServerSide = new RecordingListener();
            try (ListeningLink again = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:" + port))) {
                again.start(secondServerSide);
                // Back-off is at most 2 s, so the client is back well within the wait.
                await().atMost(WAIT).until(() -> client.isUp() && again.isUp());
                assertEquals(2, clientSide.ups.get());
                assertTrue(send(client, "back"));
                await().atMost(WAIT).until(() -> secondServerSide.text().equals("back"));
            }
        }
    }

    @Test
    void shouldReplaceTheOldClientWhenANewOneConnects() {
        RecordingListener serverSide = new RecordingListener();
        try (ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            server.start(serverSide);
            RecordingListener firstSide = new RecordingListener();
            RecordingListener secondSide = new RecordingListener();
            try (ByteLink first = Links.open(Endpoint.parse("tcp:127.0.0.1:" + server.boundPort()));
                 ByteLink second = Links.open(Endpoint.parse("tcp:127.0.0.1:" + server.boundPort()))) {
                first.start(firstSide);
                await().atMost(WAIT).until(() -> serverSide.ups.get() == 1);
                second.start(secondSide);
                await().atMost(WAIT).until(() -> serverSide.ups.get() >= 2 && secondSide.ups.get() == 1);
                await().atMost(WAIT).until(() -> firstSide.downs.get() >= 1);
                // The first client reconnects and in turn replaces the second; writes go to whoever is current.
                assertTrue(server.isUp());
            }
        }
    }

    @Test
    void shouldRefuseWritesOnListenerWithoutClient() {
        try (ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            server.start(new RecordingListener());
            assertFalse(send(server, "nobody"));
            assertEquals(1, server.counters().writesRefused.get());
        }
    }

    @Test
    void shouldRoundTripUdpDatagramsAndReplyToLastSender() {
        RecordingListener boardSide = new RecordingListener();
        RecordingListener hostSide = new RecordingListener();
        try (ListeningLink board = (ListeningLink) Links.open(Endpoint.parse("udp-listen:0"))) {
            board.start(boardSide);
            assertFalse(send(board, "nobody yet"));
            try (ByteLink host = Links.open(Endpoint.parse("udp:127.0.0.1:" + board.boundPort()))) {
                host.start(hostSide);
                assertTrue(host.isUp());
                assertTrue(send(host, "setpoint"));
                await().atMost(WAIT).until(() -> boardSide.text().equals("setpoint"));
                assertTrue(board.isUp());
                assertTrue(send(board, "attitude"));
                await().atMost(WAIT).until(() -> hostSide.text().equals("attitude"));
            }
        }
    }

    @Test
    void shouldDropTheConnectionOnUnplugAndReconnectOnlyWhenItsTimeIsUp() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        try (ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            server.start(serverSide);
            try (ByteLink client = Links.open(Endpoint.parse("tcp:127.0.0.1:" + server.boundPort()))) {
                client.start(clientSide);
                await().atMost(WAIT).until(() -> client.isUp() && server.isUp());

                long unpluggedNs = System.nanoTime();
                client.unplug(UNPLUG.toNanos());
                await("down at once").atMost(WAIT).until(() -> clientSide.downs.get() == 1 && serverSide.downs.get() == 1);
                assertTrue(clientSide.lastDownReason.startsWith("unplugged for 800 ms"), clientSide.lastDownReason);
                assertFalse(send(client, "lost"));
                assertEquals(4, client.counters().bytesUnwritable.get(), "counted, not silently lost");
                await("no reconnection while unplugged").during(UNPLUG.dividedBy(2)).atMost(UNPLUG)
                        .until(() -> !client.isUp() && serverSide.ups.get() == 1);

                await("back by itself").atMost(WAIT).until(() -> client.isUp() && clientSide.ups.get() == 2 && server.isUp());
                assertTrue(clientSide.lastUpNs - unpluggedNs >= UNPLUG.toNanos(),
                        "up again " + (clientSide.lastUpNs - unpluggedNs) / 1_000_000 + " ms after the unplug");
                assertEquals(1, client.counters().disconnects.get());
                assertTrue(send(client, "back"));
                await().atMost(WAIT).until(() -> serverSide.text().equals("back"));
            }
        }
    }

    @Test
    void shouldTurnClientsAwayWhileTheListenerIsUnplugged() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        try (ListeningLink server = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            server.start(serverSide);
            try (ByteLink client = Links.open(Endpoint.parse("tcp:127.0.0.1:" + server.boundPort()))) {
                client.start(clientSide);
                await().atMost(WAIT).until(() -> client.isUp() && server.isUp());

                long unpluggedNs = System.nanoTime();
                server.unplug(UNPLUG.toNanos());
                await("down at once").atMost(WAIT).until(() -> serverSide.downs.get() == 1 && clientSide.downs.get() >= 1);
                assertTrue(serverSide.lastDownReason.startsWith("unplugged"), serverSide.lastDownReason);
                assertFalse(send(server, "lost"));
                await("the reconnecting client is turned away").during(UNPLUG.dividedBy(2)).atMost(UNPLUG)
                        .until(() -> !server.isUp() && serverSide.ups.get() == 1);

                await("the client's back-off brings it back").atMost(WAIT).until(() -> server.isUp() && serverSide.ups.get() == 2);
                assertTrue(serverSide.lastUpNs - unpluggedNs >= UNPLUG.toNanos());
                await().atMost(WAIT).until(client::isUp);
                assertTrue(send(server, "back"));
                await().atMost(WAIT).until(() -> clientSide.text().equals("back"));
            }
        }
    }

    @Test
    void shouldDropDatagramsBothWaysWhileAUdpLinkIsUnplugged() {
        RecordingListener boardSide = new RecordingListener();
        RecordingListener hostSide = new RecordingListener();
        try (ListeningLink board = (ListeningLink) Links.open(Endpoint.parse("udp-listen:0"))) {
            board.start(boardSide);
            try (ByteLink host = Links.open(Endpoint.parse("udp:127.0.0.1:" + board.boundPort()))) {
                host.start(hostSide);
                assertTrue(send(host, "hello"));
                await().atMost(WAIT).until(() -> board.isUp() && boardSide.text().equals("hello"));

                long unpluggedNs = System.nanoTime();
                host.unplug(UNPLUG.toNanos());
                await("down at once").atMost(WAIT).until(() -> hostSide.downs.get() == 1 && !host.isUp());
                assertFalse(send(host, "lost"));
                assertTrue(send(board, "unheard"));
                await("nothing gets through while unplugged").during(UNPLUG.dividedBy(2)).atMost(UNPLUG)
                        .until(() -> hostSide.text().isEmpty() && !host.isUp());

                await("up when the time is over").atMost(WAIT).until(() -> host.isUp() && hostSide.ups.get() == 2);
                assertTrue(hostSide.lastUpNs - unpluggedNs >= UNPLUG.toNanos());
                assertTrue(send(board, "heard"));
                await().atMost(WAIT).until(() -> hostSide.text().equals("heard"));
                assertTrue(send(host, "again"));
                await().atMost(WAIT).until(() -> boardSide.text().equals("helloagain"));
            }
        }
    }

    @Test
    void shouldRejectPtyWithoutPath() {
        assertThrows(IllegalArgumentException.class, () -> Links.open(Endpoint.parse("pty:")));
        assertInstanceOf(ListeningLink.class, Links.open(Endpoint.parse("udp-listen:0")));
    }
}
