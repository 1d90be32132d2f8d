package io.pstr.core.remote;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.channel.AeronTransport;
import io.pstr.core.link.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteLinkTest {

    @TempDir
    Path dir;

    @Test
    void shouldCarryAHelloWhole() {
        RemoteLink.Hello hello = new RemoteLink.Hello("B", 3, "10.0.0.2:40411", "0b4c1a52-7f3e-4c55-9a43-3a7d6fd0d4a1/1",
                List.of("--laps", "2", "--square-m", "20.0"));
        ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        int length = hello.encode(b);
        assertEquals(RemoteLink.HELLO, b.getInt(RemoteLink.KIND));
        assertEquals(hello, RemoteLink.Hello.decode(b, 0, length));
    }

    @Test
    void shouldRefuseATruncatedOrOversizedHello() {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        int length = new RemoteLink.Hello("A", 1, "h:1", "x", List.of("--laps", "1")).encode(b);
        for (int cut = RemoteLink.BODY; cut < length; cut += 3) {
            int at = cut;
            assertThrows(IllegalArgumentException.class, () -> RemoteLink.Hello.decode(b, 0, at), "cut at " + at);
        }
        UnsafeBuffer big = new UnsafeBuffer(new byte[64]);
        big.putInt(RemoteLink.KIND, RemoteLink.HELLO);
        big.putInt(RemoteLink.BODY, 1);
        big.putInt(RemoteLink.BODY + 4, Integer.MAX_VALUE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteLink.Hello.decode(big, 0, 64));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
        big.putInt(RemoteLink.BODY + 4, -5);
        assertThrows(IllegalArgumentException.class, () -> RemoteLink.Hello.decode(big, 0, 64));
    }

    @Test
    void shouldCheckEndpoints() {
        assertEquals("10.0.0.2:40400", RemoteLink.checkEndpoint("10.0.0.2:40400", false));
        assertEquals("0.0.0.0:0", RemoteLink.checkEndpoint("0.0.0.0:0", true));
        for (String bad : new String[] {"", "host", ":40400", "host:", "host:x", "host:70000", "host:-1"}) {
            assertThrows(IllegalArgumentException.class, () -> RemoteLink.checkEndpoint(bad, false), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> RemoteLink.checkEndpoint("host:0", false));
        assertThrows(IllegalArgumentException.class, () -> RemoteLink.checkEndpoint(null, false));
    }

    @Test
    void shouldKeepWhatTheOtherEndCannotTakeYetAndDeliverItInOrder() {
        try (AeronTransport transport = AeronTransport.launch(dir.resolve("aeron"))) {
            int port = FreePorts.udp();
            RemoteLink.Outbound out = new RemoteLink.Outbound(transport.aeron(), "127.0.0.1:" + port);
            OutboundQueue queue = new OutboundQueue(out, 3, "test");
            for (int i = 0; i < 5; i++) {
                int at = out.begin(RemoteLink.INPUT);
                out.scratch().putInt(at, i);
                queue.send(at + Integer.BYTES);
            }
            // Nobody listens yet: three wait, the other two are counted lost.
            assertEquals(3, queue.waiting());
            assertEquals(2, queue.lost());
            assertFalse(queue.flush());

            List<Integer> got = new ArrayList<>();
            try (RemoteLink.Inbound in = new RemoteLink.Inbound(transport.aeron(), "127.0.0.1:" + port)) {
                await("connected").atMost(Duration.ofSeconds(10)).until(out::connected);
                await("delivered").atMost(Duration.ofSeconds(10)).until(() -> {
                    queue.flush();
                    in.poll((kind, b, offset, length, session) -> got.add(b.getInt(offset + RemoteLink.BODY)), 10);
                    return got.size() == 3;
                });
            }
            assertEquals(List.of(0, 1, 2), got);
            assertTrue(queue.isEmpty());
            out.close();
        }
    }

}
