package io.pstr.manager.remote;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.channel.AeronTransport;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.link.FreePorts;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.remote.RemoteLink;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.RingFile;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.Slot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica host driven as a relay drives it, over a real Aeron UDP link on loopback; the "replica" is this test,
 * reading and writing the files the host made for it (no process is started).
 */
class ReplicaHostTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** The sandboxes the host "launched": their files, and whether they were killed. */
    private final List<Launched> launched = new CopyOnWriteArrayList<>();

    private record Launched(Slot slot, int incarnation, ReplicaFiles files, boolean[] alive, List<String> args) {
    }

    private SandboxLauncher launcher(List<String> args) {
        return new SandboxLauncher() {
            @Override
            public Sandbox launch(Slot slot, int incarnation, ReplicaFiles files) {
                boolean[] alive = {true};
                launched.add(new Launched(slot, incarnation, files, alive, args));
                return new Sandbox() {
                    @Override
                    public long pid() {
                        return -1;
                    }

                    @Override
                    public boolean isAlive() {
                        return alive[0];
                    }

                    @Override
                    public void kill() {
                        alive[0] = false;
                    }

                    @Override
                    public void stop() {
                    }

                    @Override
                    public void resume() {
                    }

                    @Override
                    public void running(ThreadPriority.Mode mode, String agentThread) {
                    }
                };
            }

            @Override
            public String kind() {
                return "process";
            }
        };
    }

    @Test
    void shouldRunAReplicaForAHelloCarryItsInputAndStatusAndEndItWhenItsRelayFallsSilent() {
        int hostPort = FreePorts.udp();
        int relayPort = FreePorts.udp();
        try (AeronTransport transport = AeronTransport.launch(dir.resolve("aeron"), 100_000)) {
            ReplicaHost host = new ReplicaHost(dir.resolve("sessions"), transport.aeron(), "127.0.0.1:" + hostPort,
                    this::launcher, new SystemNanoClock(), 300_000_000L, ThreadPriority.Mode.OFF);
            RemoteLink.Outbound toHost = new RemoteLink.Outbound(transport.aeron(), "127.0.0.1:" + hostPort);
            RemoteLink.Inbound fromHost = new RemoteLink.Inbound(transport.aeron(), "127.0.0.1:" + relayPort);
            List<Integer> kinds = new ArrayList<>();
            List<Long> states = new ArrayList<>();
            RemoteLink.Handler relay = (kind, b, offset, length, session) -> {
                kinds.add(kind);
                if (kind == RemoteLink.STATUS) {
                    states.add(b.getLong(offset + RemoteLink.STATUS_FIELDS + ReplicaStatusFile.Field.STATE.offset()));
                }
            };
            ChannelAddress address = new ChannelAddress(UUID.randomUUID(), 1);
            runUntil(host, "connected", () -> toHost.connected());
            int length = new RemoteLink.Hello("B", 2, "127.0.0.1:" + relayPort, address.toString(), List.of("--laps", "2"))
                    .encode(toHost.scratch());
            assertTrue(toHost.offer(length));
            runUntil(host, "a replica launched", () -> !launched.isEmpty());
            Launched replica = launched.get(0);
            assertEquals(Slot.B, replica.slot());
            assertEquals(2, replica.incarnation());
            assertEquals(List.of("--laps", "2"), replica.args());
            assertEquals(1, host.sessions());

            // The host's input goes into the replica's input ring, in order.
            for (long cycle = 1; cycle <= 3; cycle++) {
                int at = toHost.begin(RemoteLink.INPUT);
                toHost.scratch().putInt(RemoteLink.RING_TYPE, MessageTypes.TICK);
                toHost.scratch().putLong(RemoteLink.RING_BYTES, cycle);
                assertTrue(toHost.offer(RemoteLink.RING_BYTES + Long.BYTES), "offered at " + at);
            }
            List<Long> ticks = new ArrayList<>();
            try (RingFile input = RingFile.open(replica.files().input());
                    ReplicaStatusFile status = ReplicaStatusFile.open(replica.files().status())) {
                await("the ticks in the replica's input ring").atMost(WAIT).until(() -> {
                    keepAlive(host, toHost);
                    input.ring().read((type, b, index, len) -> ticks.add(b.getLong(index)), 10);
                    return ticks.size() == 3;
                });
                assertEquals(List.of(1L, 2L, 3L), ticks);

                // The replica's status reaches the relay; a change of state at once.
                status.set(ReplicaStatusFile.Field.STATE, 2);
                status.set(ReplicaStatusFile.Field.HEARTBEAT_NS, 42);
                await("the status at the relay").atMost(WAIT).until(() -> {
                    keepAlive(host, toHost);
                    fromHost.poll(relay, 10);
                    return states.contains(2L);
                });
            }

            // An older incarnation of the slot is refused; the running one stays.
            long skipped = host.skipped();
            RemoteLink.Outbound stale = new RemoteLink.Outbound(transport.aeron(), "127.0.0.1:" + hostPort);
            await("stale relay connected").atMost(WAIT).until(() -> {
                keepAlive(host, toHost);
                return stale.connected();
            });
            assertTrue(stale.offer(new RemoteLink.Hello("B", 1, "127.0.0.1:" + relayPort, address.toString(), List.of())
                    .encode(stale.scratch())));
            await("the stale HELLO refused").atMost(WAIT).until(() -> {
                keepAlive(host, toHost);
                return host.skipped() > skipped;
            });
            assertEquals(1, launched.size());
            assertEquals(1, host.sessions());

            // Its relay falls silent: the replica is killed, the session ends.
            runUntil(host, "the session ended", () -> host.sessions() == 0);
            assertTrue(!replica.alive()[0], "the replica was killed");
            host.onClose();
            stale.close();
            toHost.close();
            fromHost.close();
        }
    }

    @Test
    void shouldStartAReplicaOnASignedLinkOnlyForAHelloThatEchoesItsChallenge() {
        int hostPort = FreePorts.udp();
        int relayPort = FreePorts.udp();
        RemoteLink.Key key = new RemoteLink.Key(new byte[32]);
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        try (AeronTransport transport = AeronTransport.launch(dir.resolve("aeron"), 100_000)) {
            ReplicaHost host = new ReplicaHost(dir.resolve("sessions"), transport.aeron(), "127.0.0.1:" + hostPort, key,
                    this::launcher, now::get, 300_000_000L, ThreadPriority.Mode.OFF, ReplicaHost.KEPT_SESSIONS);
            RemoteLink.Inbound fromHost = new RemoteLink.Inbound(transport.aeron(), "127.0.0.1:" + relayPort, key,
                    RemoteLink.Side.RELAY);
            RemoteLink.Outbound toHost = new RemoteLink.Outbound(transport.aeron(), "127.0.0.1:" + hostPort, key,
                    RemoteLink.Side.RELAY);
            // A relay's first HELLO: it has heard nothing, so it echoes no challenge (as a recorded one would).
            toHost.challenges(fromHost.challenge(), 0);
            List<Integer> kinds = new CopyOnWriteArrayList<>();
            int[] hostSession = new int[1];
            RemoteLink.Handler relay = (kind, b, offset, length, session) -> {
                kinds.add(kind);
                hostSession[0] = session;
            };
            ChannelAddress address = new ChannelAddress(UUID.randomUUID(), 1);
            runUntil(host, "connected", () -> toHost.connected());
            assertTrue(hello(toHost, 2, relayPort, address));
            runUntil(host, "the host's challenge at the relay", () -> {
                fromHost.poll(relay, 10);
                return kinds.contains(RemoteLink.CHALLENGE);
            });
            assertEquals(List.of(RemoteLink.CHALLENGE), kinds, "a challenge, and nothing else, for a HELLO echoing none");
            assertTrue(launched.isEmpty(), "no replica started for a HELLO that echoes no challenge");
            assertEquals(1, host.challenged());

            // The HELLO again, echoing the challenge: the replica starts, and its status comes on the same link.
            toHost.challenges(fromHost.challenge(), fromHost.challengeOf(hostSession[0]));
            assertTrue(hello(toHost, 2, relayPort, address));
            runUntil(host, "a replica launched", () -> !launched.isEmpty());
            assertEquals(2, launched.get(0).incarnation());
            assertEquals(0, host.challenged());
            runUntil(host, "its status at the relay", () -> {
                fromHost.poll(relay, 10);
                return kinds.contains(RemoteLink.STATUS);
            });

            // A newer incarnation's HELLO echoing no challenge (a recording, say) ends nothing and starts nothing.
            RemoteLink.Outbound other = new RemoteLink.Outbound(transport.aeron(), "127.0.0.1:" + hostPort, key,
                    RemoteLink.Side.RELAY);
            other.challenges(fromHost.challenge(), 0);
            runUntil(host, "second relay connected", () -> other.connected());
            assertTrue(hello(other, 3, relayPort, address));
            runUntil(host, "the newer HELLO challenged", () -> host.challenged() == 1);
            assertEquals(1, launched.size());
            assertTrue(launched.get(0).alive()[0], "the running replica was not ended by a HELLO that proved nothing");
            assertEquals(1, host.sessions());

            // Unanswered, the challenge is forgotten after its time.
            now.addAndGet(ReplicaHost.CHALLENGE_KEPT_NS + 1);
            host.doWork();
            assertEquals(0, host.challenged());
            host.onClose();
            other.close();
            toHost.close();
            fromHost.close();
        }
    }

    @Test
    void shouldKeepTheNewestEndedSessionsDirectoriesAcrossRestartsAndNumberNewOnesAfterThem() throws Exception {
        Path sessions = dir.resolve("sessions");
        for (int n = 1; n <= 5; n++) {
            Path log = sessions.resolve("B-1-" + n).resolve("replica").resolve("replica.log");
            java.nio.file.Files.createDirectories(log.getParent());
            java.nio.file.Files.writeString(log, "run " + n);
        }
        java.nio.file.Files.createDirectories(sessions.resolve("aeron"));
        java.nio.file.Files.writeString(sessions.resolve("A-1-9x"), "not a session");
        int hostPort = FreePorts.udp();
        int relayPort = FreePorts.udp();
        try (AeronTransport transport = AeronTransport.launch(dir.resolve("aeron"), 100_000)) {
            // A previous run left five; two are kept: the three oldest go at once, nothing else is touched.
            ReplicaHost host = new ReplicaHost(sessions, transport.aeron(), "127.0.0.1:" + hostPort, null, this::launcher,
                    new SystemNanoClock(), 300_000_000L, ThreadPriority.Mode.OFF, 2);
            assertEquals(List.of("A-1-9x", "B-1-4", "B-1-5", "aeron"), names(sessions));
            assertEquals("run 5", java.nio.file.Files.readString(sessions.resolve("B-1-5/replica/replica.log")));

            // A new session is numbered after them; when it ends (its relay silent) the oldest kept one goes.
            RemoteLink.Outbound toHost = new RemoteLink.Outbound(transport.aeron(), "127.0.0.1:" + hostPort);
            runUntil(host, "connected", () -> toHost.connected());
            assertTrue(hello(toHost, 2, relayPort, new ChannelAddress(UUID.randomUUID(), 1)));
            runUntil(host, "a replica launched", () -> !launched.isEmpty());
            assertEquals(sessions.resolve("B-2-6").resolve("replica"), launched.get(0).files().dir());
            runUntil(host, "the session ended", () -> host.sessions() == 0);
            await("the oldest kept directory deleted").atMost(WAIT)
                    .until(() -> names(sessions).equals(List.of("A-1-9x", "B-1-5", "B-2-6", "aeron")));
            host.onClose();
            toHost.close();
        }
    }

    @Test
    void shouldRefuseANegativeNumberOfSessionsKept() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ReplicaHost(dir, null, "127.0.0.1:1", null, this::launcher, new SystemNanoClock(), 1, ThreadPriority.Mode.OFF,
                        -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    private static List<String> names(Path d) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs the host's duty cycle until {@code done}. */
    private static void runUntil(ReplicaHost host, String what, java.util.function.BooleanSupplier done) {
        await(what).atMost(WAIT).until(() -> {
            host.doWork();
            return done.getAsBoolean();
        });
    }

    /** A relay's HELLO for slot B at {@code incarnation}, answered at {@code relayPort}, offered on {@code out}. */
    private static boolean hello(RemoteLink.Outbound out, int incarnation, int relayPort, ChannelAddress address) {
        return out.offer(new RemoteLink.Hello("B", incarnation, "127.0.0.1:" + relayPort, address.toString(), List.of())
                .encode(out.scratch()));
    }

    /** One duty cycle of the host, and a keepalive from the relay: it must not fall silent meanwhile. */
    private static void keepAlive(ReplicaHost host, RemoteLink.Outbound relay) {
        host.doWork();
        relay.offer(relay.begin(RemoteLink.KEEPALIVE));
    }

}
