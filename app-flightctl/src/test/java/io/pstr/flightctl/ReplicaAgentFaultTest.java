package io.pstr.flightctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;
import io.pstr.flightctl.task.MissionPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The faults a host injects into a replica through its input ring: each one really happens inside the replica. */
class ReplicaAgentFaultTest {

    private static final int PERIOD_MS = 4;

    @TempDir
    Path dir;

    private final Messages host = new Messages();
    private RingFile input;
    private RingFile output;
    private io.pstr.core.channel.ShmChannel peer;
    private ReplicaStatusFile status;
    private ReplicaAgent agent;
    private io.pstr.core.channel.ChannelAddress agentAddress;
    private final java.util.List<AutoCloseable> opened = new java.util.ArrayList<>();

    private ReplicaAgent start(String name) throws Exception {
        return start(name, true);
    }

    /** A replica named {@code name}, holding the I/O or the shadow of the test's {@code peer}. */
    private ReplicaAgent start(String name, boolean holder) throws Exception {
        ReplicaFiles files = new ReplicaFiles(Files.createDirectories(dir.resolve(name)));
        input = RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES);
        output = RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES);
        status = ReplicaStatusFile.create(files.status());
        // The host's part: both endpoints on the direct channel, each granted the other.
        io.pstr.core.channel.ChannelRegistry channels = new io.pstr.core.channel.ChannelRegistry(ReplicaFiles.channelDirOf(dir));
        io.pstr.core.channel.ChannelAddress self = new io.pstr.core.channel.ChannelAddress(java.util.UUID.randomUUID(), 1);
        io.pstr.core.channel.ChannelAddress other = new io.pstr.core.channel.ChannelAddress(java.util.UUID.randomUUID(), 1);
        channels.register(self);
        channels.register(other);
        channels.grant(self, other);
        channels.grant(other, self);
        files.writeChannelAddress(self);
        agentAddress = self;
        peer = io.pstr.core.channel.ShmChannel.open(channels.dir(), other, new SystemNanoClock());
        opened.add(input);
        opened.add(output);
        opened.add(status);
        opened.add(channels);
        opened.add(0, peer);
        agent = new ReplicaAgent("A", files, MissionPlan.defaults(), new SystemNanoClock());
        host.role(input.ring(), 1, holder, 1, other.toString());
        host.start(input.ring(), MessageTypes.START_FRESH, 1);
        agent.doWork();
        return agent;
    }

    @AfterEach
    void close() throws Exception {
        if (agent != null) {
            agent.onClose();
        }
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private void tick(long cycle) {
        host.tick(input.ring(), cycle, System.nanoTime(), PERIOD_MS);
        agent.doWork();
    }

    private int heartbeatsToPeer() {
        return peer.poll(packet -> assertEquals(MessageTypes.HEARTBEAT, packet.type()), 1000);
    }

    @Test
    void shouldSendNothingToThePeerWhileTheChannelIsCut() throws Exception {
        start("cut");
        tick(1);
        assertEquals(1, heartbeatsToPeer());
        host.fault(input.ring(), MessageTypes.FAULT_CUT_CHANNEL, 3);
        for (long c = 2; c <= 4; c++) {
            tick(c);
        }
        assertEquals(0, heartbeatsToPeer(), "channel cut for 3 cycles");
        tick(5);
        assertEquals(1, heartbeatsToPeer(), "and back");
    }

    @Test
    void shouldStepLateButStayAliveWhileStalled() throws Exception {
        start("stall");
        tick(1);
        host.fault(input.ring(), MessageTypes.FAULT_STALL, 2);
        long before = System.nanoTime();
        tick(2);
        tick(3);
        long tookNs = System.nanoTime() - before;
        assertTrue(tookNs >= 2 * PERIOD_MS * 1_500_000L, "two steps of 1.5 periods each: " + tookNs + " ns");
        assertEquals(3, status.get(Field.LAST_CYCLE), "it still runs every cycle");
        assertTrue(status.get(Field.DEADLINE_MISSES) >= 2, "and misses their deadlines");
    }

    @Test
    void shouldChangeItsStateHashWhenPerturbed() throws Exception {
        start("diverge");
        tick(1);
        host.fault(input.ring(), MessageTypes.FAULT_DIVERGE, 0);
        tick(2);
        long perturbed = status.get(Field.LAST_ODS_HASH);
        agent.onClose();
        agent = null;

        start("twin");
        tick(1);
        tick(2);
        assertNotEquals(status.get(Field.LAST_ODS_HASH), perturbed, "same inputs, different state: the host sees divergence");
    }

    @Test
    void shouldIgnoreAnUnknownFaultKind() throws Exception {
        start("unknown");
        host.fault(input.ring(), 99, 5);
        tick(1);
        assertEquals(1, status.get(Field.LAST_CYCLE));
        assertEquals(0, status.get(Field.ACCEPTANCE_FAILURES));
    }

    /** The holder's heartbeat for {@code cycle}, sent to the replica under test as the peer's agent sends it. */
    private void peerHeartbeat(long cycle) {
        int length = host.heartbeat(cycle, System.nanoTime(), 1);
        assertEquals(io.pstr.core.channel.SendResult.SENT, peer.send(agentAddress, MessageTypes.HEARTBEAT, host.scratch(), 0, length,
                Long.MAX_VALUE, io.pstr.core.channel.DeadlineKind.SOFT));
    }

    private int takeoverRequests() {
        int[] n = {0};
        output.ring().read((type, buffer, index, length) -> {
            if (type == MessageTypes.TAKEOVER_REQUEST) {
                n[0]++;
            }
        }, 1000);
        return n[0];
    }

    /**
     * A shadow asks to take over when the holder's heartbeats stop; if the host says no (the holder is alive, its
     * heartbeats come again), the shadow must ask again the next time they stop in the same epoch: a demo's real
     * hang was caught 40 ms late, by the missed-deadline rule, because a refused request in that epoch had disarmed it.
     */
    @Test
    void shouldAskToTakeOverAgainWhenThePeerGoesSilentAgainAfterARefusedRequest() throws Exception {
        start("shadow", false);
        long c = 0;
        for (int i = 0; i < ReplicaAgent.HEARTBEATS_BEFORE_JUDGING + 5; i++) {
            peerHeartbeat(++c);
            tick(c);
        }
        assertEquals(0, takeoverRequests(), "the holder is heard every cycle");

        for (int i = 0; i < ReplicaAgent.TAKEOVER_AFTER_MISSED_CYCLES + 2; i++) {
            tick(++c);
        }
        assertEquals(1, takeoverRequests(), "silent for more than " + ReplicaAgent.TAKEOVER_AFTER_MISSED_CYCLES + " cycles: one request");

        // The host refused (no new epoch); the holder's heartbeats come again.
        for (int i = 0; i < 5; i++) {
            peerHeartbeat(++c);
            tick(c);
        }
        assertEquals(0, takeoverRequests(), "heard again: nothing to ask");

        for (int i = 0; i < ReplicaAgent.TAKEOVER_AFTER_MISSED_CYCLES + 2; i++) {
            tick(++c);
        }
        assertEquals(1, takeoverRequests(), "silent again in the same epoch: asked again");
    }
}
