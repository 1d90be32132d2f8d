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

    private static boolean send(ByteLink link, String text) {
        byte[] b = text.getBytes(US_ASCII);
        return link.write(b, 0, b.length);
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
    void shouldRejectPtyWithoutPath() {
        assertThrows(IllegalArgumentException.class, () -> Links.open(Endpoint.parse("pty:")));
        assertInstanceOf(ListeningLink.class, Links.open(Endpoint.parse("udp-listen:0")));
    }
}
