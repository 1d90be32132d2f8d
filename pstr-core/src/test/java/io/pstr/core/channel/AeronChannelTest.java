package io.pstr.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.FreePorts;
import io.pstr.core.rt.Jvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct channel across hosts: two processes, each with its own embedded Aeron driver, over loopback UDP. */
class AeronChannelTest {

    @TempDir
    Path dir;


    @Test
    void shouldCarryPacketsBetweenTwoProcessesAndLearnTheDelays() throws Exception {
        ChannelAddress self = new ChannelAddress(UUID.randomUUID(), 1);
        ChannelAddress peer = new ChannelAddress(UUID.randomUUID(), 1);
        ChannelAddress stranger = new ChannelAddress(UUID.randomUUID(), 9);
        ChannelAddress silent = new ChannelAddress(UUID.randomUUID(), 2);
        String selfEndpoint = "127.0.0.1:" + FreePorts.udp();
        String peerEndpoint = "127.0.0.1:" + FreePorts.udp();
        String silentEndpoint = "127.0.0.1:" + FreePorts.udp();
        Process child = new ProcessBuilder(Jvm.javaBinary(),
                Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-Xmx128m",
                "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"), AeronEchoPeer.class.getName(),
                dir.resolve("aeron-peer").toString(), peer.toString(), peerEndpoint, self.toString(), selfEndpoint)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (AeronTransport transport = AeronTransport.launch(dir.resolve("aeron-self"));
             AeronChannel ch = transport.open(self, selfEndpoint,
                     new RemoteGrants().grant(peer, peerEndpoint).grant(silent, silentEndpoint), System::nanoTime)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("READY"));
            assertEquals("READY", line, "peer process did not start");

            UnsafeBuffer payload = new UnsafeBuffer(new byte[4096]);
            // Aeron connects asynchronously: until then the honest answer is UNREACHABLE.
            List<SendResult> early = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                SendResult r = ch.send(peer, 7, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT);
                early.add(r);
                return r.sent();
            });
            assertTrue(early.stream().allMatch(r -> r.sent() || r == SendResult.UNREACHABLE), early.toString());

            List<Integer> echoed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                payload.putInt(0, i);
                assertTrue(ch.send(peer, 100 + i, payload, 0, 4 + i * 200, Long.MAX_VALUE, DeadlineKind.SOFT).sent());
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                ch.receive(p -> {
                    if (p.type() >= 100) {
                        assertEquals(4 + (p.type() - 100) * 200, p.payloadLength());
                        assertEquals(p.type() - 100, p.buffer().getInt(p.payloadOffset()));
                        echoed.add(p.type());
                    }
                }, 10, 0, TimeUnit.MILLISECONDS.toNanos(1));
                return echoed.size() == 20;
            });
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add(100 + i);
            }
            assertEquals(expected, echoed, "in order, whole, across 4 KB fragments");
            // The peer reported each packet's phases back: the delay database has them.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                ch.poll(p -> { }, 100);
                return ch.avgDelayNs(peer) > 0;
            });
            assertTrue(ch.minDelayNs(peer) <= ch.avgDelayNs(peer));
            // 1 ns is below MIN_delay: SOFT sends it anyway, over the fast stream, and says it will be late.
            assertEquals(SendResult.SENT_LATE, ch.send(peer, 500, payload, 0, 8, 1, DeadlineKind.SOFT));
            // And HARD below MIN_delay: refused before it leaves.
            assertEquals(SendResult.REFUSED_DEADLINE, ch.send(peer, 501, payload, 0, 8, 0, DeadlineKind.HARD));

            assertEquals(SendResult.NOT_GRANTED, ch.send(stranger, 1, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
            assertEquals(SendResult.UNREACHABLE, ch.send(silent, 1, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
            ChannelCounters c = ch.counters();
            assertTrue(c.sent() >= 22 && c.received() >= 21 && c.fastPath() == 1 && c.refused() == 2 && c.late() >= 1, c.toString());

            ch.send(peer, 0, payload, 0, 0, Long.MAX_VALUE, DeadlineKind.SOFT);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "peer stops when told");
        } finally {
            child.destroyForcibly();
        }
    }
}
