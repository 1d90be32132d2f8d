package io.pstr.core.remote;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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


    private static RemoteLink.Key key(int seed) {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (seed * 31 + i);
        }
        return new RemoteLink.Key(secret);
    }

    /** The receiving end's challenge in the gate tests, and the sender's. */
    private static final long HOST_CHALLENGE = 0x1234_5678_9ABCL;
    private static final long RELAY_CHALLENGE = 0x7777L;

    /**
     * An INPUT carrying {@code value}, signed by {@code from} as number {@code number} of session {@code session},
     * echoing the host's challenge.
     */
    private static int signed(ExpandableArrayBuffer b, RemoteLink.Key key, RemoteLink.Side from, int session, long number,
            int value) {
        return signed(b, key, from, session, number, value, RemoteLink.INPUT, HOST_CHALLENGE);
    }

    private static int signed(ExpandableArrayBuffer b, RemoteLink.Key key, RemoteLink.Side from, int session, long number,
            int value, int kind, long echo) {
        b.putInt(RemoteLink.KIND, kind | RemoteLink.SIGNED);
        b.putInt(RemoteLink.BODY, value);
        return RemoteLink.Signer.of(key, from).sign(session, number, RELAY_CHALLENGE, echo, b, RemoteLink.BODY + Integer.BYTES);
    }

    @Test
    void shouldTakeOnlyMessagesTheOtherEndSignedEachOnce() {
        RemoteLink.Key key = key(1);
        RemoteLink.Gate host = new RemoteLink.Gate(key, RemoteLink.Side.REPLICA_HOST, HOST_CHALLENGE, "test");
        ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        int body = RemoteLink.BODY + Integer.BYTES;
        int length = signed(b, key, RemoteLink.Side.RELAY, 7, 1, 42);
        assertEquals(body + RemoteLink.TRAILER_BYTES, length);
        assertEquals(body, host.admit(b, 0, length, 7));
        assertEquals(-1, host.admit(b, 0, length, 7), "the same message again: a replay");
        assertEquals(body, host.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 7, 5, 43), 7), "a gap in the numbers is fine");
        assertEquals(-1, host.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 7, 4, 44), 7), "an older number");
        assertEquals(body, host.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 1, 45), 8), "another session numbers anew");
        assertEquals(-1, host.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 2, 46), 9), "moved into another session");
        assertEquals(-1, host.admit(b, 0, signed(b, key, RemoteLink.Side.REPLICA_HOST, 8, 3, 47), 8), "sent back the other way");
        assertEquals(-1, host.admit(b, 0, signed(b, key(2), RemoteLink.Side.RELAY, 8, 4, 48), 8), "another key");
        long refused = host.refused();
        assertEquals(5, refused);
        for (int i = 0; i < length; i++) {
            length = signed(b, key, RemoteLink.Side.RELAY, 10, 100 + i, 49);
            b.putByte(i, (byte) (b.getByte(i) ^ 0x10));
            assertEquals(-1, host.admit(b, 0, length, 10), "byte " + i + " altered");
        }
        assertEquals(refused + length, host.refused());
        b.putInt(RemoteLink.KIND, RemoteLink.INPUT);
        assertEquals(-1, host.admit(b, 0, body, 10), "not signed");
        b.putInt(RemoteLink.KIND, RemoteLink.INPUT | RemoteLink.SIGNED);
        assertEquals(-1, host.admit(b, 0, RemoteLink.TRAILER_BYTES, 10), "too short for a signature");
        assertEquals(body, host.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 10, 1_000, 50), 10), "and the session goes on");
        assertEquals(RELAY_CHALLENGE, host.challengeOf(10), "the sender's challenge, to echo back");
        assertEquals(0, host.challengeOf(11), "none heard");
    }

    @Test
    void shouldRefuseWhatAnswersAnotherChallengeButAFirstHello() {
        RemoteLink.Key key = key(1);
        ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        int body = RemoteLink.BODY + Integer.BYTES;
        // A session recorded by an end that has since restarted: the new end drew another challenge.
        int recorded = signed(b, key, RemoteLink.Side.RELAY, 7, 1, 42);
        byte[] copy = java.util.Arrays.copyOf(b.byteArray(), recorded);
        RemoteLink.Gate before = new RemoteLink.Gate(key, RemoteLink.Side.REPLICA_HOST, HOST_CHALLENGE, "before");
        assertEquals(body, before.admit(new org.agrona.concurrent.UnsafeBuffer(copy), 0, recorded, 7));
        RemoteLink.Gate restarted = new RemoteLink.Gate(key, RemoteLink.Side.REPLICA_HOST, HOST_CHALLENGE + 1, "restarted");
        assertEquals(-1, restarted.admit(new org.agrona.concurrent.UnsafeBuffer(copy), 0, recorded, 7), "recorded before it started");
        assertEquals(0, restarted.challengeOf(7), "nothing learnt from a refused message");
        // Before the relay has heard the replica host it can echo nothing: its HELLO, and only that, may echo 0.
        assertEquals(body, restarted.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 1, 1, RemoteLink.HELLO, 0), 8));
        assertFalse(restarted.echoed(), "taken, but it proves nothing of when it was sent: the replica host starts nothing for it");
        assertEquals(-1, restarted.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 2, 1, RemoteLink.INPUT, 0), 8),
                "an INPUT must answer the challenge");
        assertEquals(-1, restarted.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 3, 1, RemoteLink.HELLO, 99), 8),
                "a HELLO that echoes a challenge must echo this end's");
        assertEquals(body, restarted.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 4, 1, RemoteLink.INPUT,
                HOST_CHALLENGE + 1), 8), "answered");
        assertTrue(restarted.echoed());
        assertEquals(body, restarted.admit(b, 0, signed(b, key, RemoteLink.Side.RELAY, 8, 5, 1, RemoteLink.HELLO,
                HOST_CHALLENGE + 1), 8), "a HELLO that echoes the challenge");
        assertTrue(restarted.echoed(), "the HELLO the replica host starts a replica for");
        assertEquals(3, restarted.refused());
        assertEquals(RemoteLink.newChallenge() == 0, false, "a drawn challenge is never 0, the echo of an end not heard");
    }

    @Test
    void shouldRefuseSignedMessagesWhereThereIsNoKey() {
        RemoteLink.Gate plain = new RemoteLink.Gate(null, null, 0, "test");
        ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        b.putInt(RemoteLink.KIND, RemoteLink.INPUT);
        assertEquals(8, plain.admit(b, 0, 8, 1));
        assertTrue(plain.echoed(), "without a key there is no challenge to answer");
        assertEquals(-1, plain.admit(b, 0, signed(b, key(1), RemoteLink.Side.RELAY, 1, 1, 1), 1));
        assertEquals(1, plain.refused());
        assertThrows(IllegalArgumentException.class, () -> new RemoteLink.Gate(key(1), null, 1, "test"));
    }

    @Test
    void shouldCarrySignedMessagesOverAeronAndRefuseOthers() {
        try (AeronTransport transport = AeronTransport.launch(dir.resolve("aeron"))) {
            String at = "127.0.0.1:" + FreePorts.udp();
            RemoteLink.Key key = key(1);
            try (RemoteLink.Inbound in = new RemoteLink.Inbound(transport.aeron(), at, key, RemoteLink.Side.REPLICA_HOST);
                 RemoteLink.Outbound good = new RemoteLink.Outbound(transport.aeron(), at, key, RemoteLink.Side.RELAY);
                 RemoteLink.Outbound otherKey = new RemoteLink.Outbound(transport.aeron(), at, key(2), RemoteLink.Side.RELAY);
                 RemoteLink.Outbound unsigned = new RemoteLink.Outbound(transport.aeron(), at);
                 RemoteLink.Outbound stale = new RemoteLink.Outbound(transport.aeron(), at, key, RemoteLink.Side.RELAY)) {
                good.challenges(5, in.challenge());
                // The right key but another challenge answered (a recording made before this end started): refused too.
                stale.challenges(5, in.challenge() + 1);
                List<int[]> got = new ArrayList<>();
                await("connected").atMost(Duration.ofSeconds(10))
                        .until(() -> good.connected() && otherKey.connected() && unsigned.connected() && stale.connected());
                for (int i = 0; i < 3; i++) {
                    for (RemoteLink.Outbound out : List.of(good, otherKey, unsigned, stale)) {
                        int body = out.begin(RemoteLink.INPUT);
                        out.scratch().putInt(body, i);
                        assertTrue(out.offer(body + Integer.BYTES));
                    }
                }
                await("all twelve in").atMost(Duration.ofSeconds(10)).until(() -> {
                    in.poll((kind, b, offset, length, session) -> got.add(new int[] {kind, length,
                            b.getInt(offset + RemoteLink.BODY)}), 10);
                    return got.size() + in.refused() == 12;
                });
                assertEquals(9, in.refused());
                assertEquals(3, got.size());
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(new int[] {RemoteLink.INPUT, RemoteLink.BODY + Integer.BYTES, i}, got.get(i));
                }
            }
        }
    }
}
