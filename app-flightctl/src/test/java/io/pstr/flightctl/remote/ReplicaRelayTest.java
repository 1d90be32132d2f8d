package io.pstr.flightctl.remote;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.channel.AeronTransport;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.link.FreePorts;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.remote.RemoteLink;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay in a slot's files as the host makes them, against a replica host played by this test over a real Aeron
 * link on loopback.
 */
class ReplicaRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void shouldCarryTheSlotBothWaysAndKeepItsOwnLossesBesideTheReplicasCounts() throws Exception {
        ReplicaFiles files = new ReplicaFiles(Files.createDirectories(dir.resolve("B-1")));
        ChannelAddress address = new ChannelAddress(UUID.randomUUID(), 1);
        int hostPort = FreePorts.udp();
        AtomicInteger exitCode = new AtomicInteger(-1);
        try (ChannelRegistry registry = new ChannelRegistry(ReplicaFiles.channelDirOf(dir));
                RingFile input = RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES);
                RingFile output = RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES);
                ReplicaStatusFile status = ReplicaStatusFile.create(files.status());
                AeronTransport transport = AeronTransport.launch(dir.resolve("aeron"), 100_000)) {
            registry.register(address);
            files.writeChannelAddress(address);
            // The link signed, as with --link-key: the test's side of it signs and checks as the replica host.
            RemoteLink.Key key = new RemoteLink.Key(new byte[32]);
            RemoteLink.Inbound host = new RemoteLink.Inbound(transport.aeron(), "127.0.0.1:" + hostPort, key,
                    RemoteLink.Side.REPLICA_HOST);
            ReplicaRelay relay = new ReplicaRelay("B", 1, files, transport.aeron(), "127.0.0.1:" + hostPort, "127.0.0.1", key,
                    List.of("--laps", "3"), new SystemNanoClock(), 5_000_000_000L, (code, why) -> exitCode.set(code));
            relay.onStart();

            // HELLO first, with what the replica host needs.
            List<RemoteLink.Hello> hellos = new ArrayList<>();
            List<Boolean> hellosEchoing = new ArrayList<>();
            List<int[]> inputs = new ArrayList<>();
            int[] relaySession = new int[1];
            RemoteLink.Handler atHost = (kind, b, offset, length, session) -> {
                if (kind == RemoteLink.HELLO) {
                    hellos.add(RemoteLink.Hello.decode(b, offset, length));
                    hellosEchoing.add(host.echoedChallenge());
                    relaySession[0] = session;
                } else if (kind == RemoteLink.INPUT) {
                    inputs.add(new int[] {b.getInt(offset + RemoteLink.RING_TYPE), b.getInt(offset + RemoteLink.RING_BYTES)});
                }
            };
            await("HELLO").atMost(WAIT).until(() -> {
                relay.doWork();
                host.poll(atHost, 10);
                return !hellos.isEmpty();
            });
            RemoteLink.Hello hello = hellos.get(0);
            assertEquals("B", hello.slot());
            assertEquals(address.toString(), hello.channelAddress());
            assertEquals(List.of("--laps", "3"), hello.args());
            assertTrue(hello.replyEndpoint().startsWith("127.0.0.1:"), hello.replyEndpoint());
            assertEquals(List.of(false), hellosEchoing, "the first HELLO has heard no challenge to echo");

            // The replica host answers with the replica's status: the relay copies it.
            RemoteLink.Outbound toRelay = new RemoteLink.Outbound(transport.aeron(), hello.replyEndpoint(), key,
                    RemoteLink.Side.REPLICA_HOST);
            // As the replica host: its challenge, and the relay's (from its HELLO) echoed; the relay echoes it back.
            assertTrue(host.challengeOf(relaySession[0]) != 0, "the relay's HELLO carries its challenge");
            toRelay.challenges(host.challenge(), host.challengeOf(relaySession[0]));
            long[] fields = new long[Field.values().length];
            fields[Field.STATE.ordinal()] = 1;
            fields[Field.OUTPUT_RING_FULL.ordinal()] = 5;
            fields[Field.PEER_SEND_FAILED.ordinal()] = 2;
            await("connected back").atMost(WAIT).until(() -> {
                relay.doWork();
                return toRelay.connected();
            });
            // The replica host's challenge: the relay says HELLO again echoing it, and is not answered by it alone.
            assertTrue(toRelay.offer(toRelay.begin(RemoteLink.CHALLENGE)));
            await("a HELLO echoing the challenge").atMost(WAIT).until(() -> {
                relay.doWork();
                host.poll(atHost, 10);
                return hellosEchoing.contains(true);
            });
            assertTrue(!relay.answered(), "a challenge is not an answer");
            sendStatus(toRelay, fields);
            await("status copied").atMost(WAIT).until(() -> {
                relay.doWork();
                return status.get(Field.STATE) == 1 && status.get(Field.OUTPUT_RING_FULL) == 5;
            });
            assertTrue(relay.answered());

            // What the host writes to the input ring goes over, in order.
            UnsafeBuffer msg = new UnsafeBuffer(new byte[8]);
            for (int i = 1; i <= 3; i++) {
                msg.putInt(0, i);
                assertTrue(input.ring().write(MessageTypes.FAULT, msg, 0, 8));
            }
            await("input carried").atMost(WAIT).until(() -> {
                relay.doWork();
                host.poll(atHost, 10);
                return inputs.size() == 3;
            });
            assertEquals(List.of(1, 2, 3), inputs.stream().map(x -> x[1]).toList());
            assertTrue(inputs.stream().allMatch(x -> x[0] == MessageTypes.FAULT));

            // The replica's output comes back into the slot's output ring.
            UnsafeBuffer cycle = new UnsafeBuffer(new byte[48]);
            cycle.putLong(0, 77);
            assertTrue(toRelay.offer(RemoteLink.putRingMessage(toRelay.scratch(), RemoteLink.OUTPUT, MessageTypes.OUTPUT, cycle, 0, 48)));
            List<Long> outputs = new ArrayList<>();
            await("output carried").atMost(WAIT).until(() -> {
                relay.doWork();
                output.ring().read((type, b, index, length) -> outputs.add(type == MessageTypes.OUTPUT ? b.getLong(index) : -1), 10);
                return !outputs.isEmpty();
            });
            assertEquals(List.of(77L), outputs);

            // A packet of the replica's to someone it was never granted: not sent, counted here on top of the replica's
            // own count, and a later status of the replica's does not wipe it.
            toRelay.begin(RemoteLink.PEER_OUT);
            toRelay.scratch().putInt(RemoteLink.PEER_TYPE, MessageTypes.HEARTBEAT);
            toRelay.scratch().putInt(RemoteLink.PEER_HARD, 0);
            toRelay.scratch().putLong(RemoteLink.PEER_REQUESTED_NS, 20_000_000L);
            toRelay.scratch().putLong(RemoteLink.PEER_MSB, 7);
            toRelay.scratch().putLong(RemoteLink.PEER_LSB, 9);
            toRelay.scratch().putInt(RemoteLink.PEER_TASK, 1);
            assertTrue(toRelay.offer(RemoteLink.PEER_PAYLOAD + 8));
            await("the refused packet counted").atMost(WAIT).until(() -> {
                relay.doWork();
                return status.get(Field.PEER_SEND_FAILED) == 3;
            });
            fields[Field.CYCLES_RUN.ordinal()] = 100;
            sendStatus(toRelay, fields);
            await("the next status copied").atMost(WAIT).until(() -> {
                relay.doWork();
                return status.get(Field.CYCLES_RUN) == 100;
            });
            assertEquals(3, status.get(Field.PEER_SEND_FAILED), "the relay's own count stays on top of the replica's");

            // The replica exited there: the relay ends.
            toRelay.begin(RemoteLink.GONE);
            toRelay.scratch().putInt(RemoteLink.GONE_EXIT_CODE, 137);
            int n = toRelay.scratch().putStringUtf8(RemoteLink.GONE_REASON, "killed");
            assertTrue(toRelay.offer(RemoteLink.GONE_REASON + n));
            await("the relay ended").atMost(WAIT).until(() -> {
                relay.doWork();
                return exitCode.get() == ReplicaRelay.EXIT_REMOTE_LOST;
            });
            relay.onClose();
            toRelay.close();
            host.close();
        }
    }

    private static void sendStatus(RemoteLink.Outbound to, long[] fields) {
        to.begin(RemoteLink.STATUS);
        to.scratch().putInt(RemoteLink.STATUS_COUNT, fields.length);
        for (int i = 0; i < fields.length; i++) {
            to.scratch().putLong(RemoteLink.STATUS_FIELDS + i * Long.BYTES, fields[i]);
        }
        assertTrue(to.offer(RemoteLink.STATUS_FIELDS + fields.length * Long.BYTES));
    }

}
