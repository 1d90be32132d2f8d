package io.pstr.flightctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;
import io.pstr.flightctl.task.MissionPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paper Fig. 1 between two real replica agents over their shared-memory rings: both execute a client
 * request in the same cycle, the holder notifies the shadow over the mailbox, the shadow checks it.
 */
class ReplicaAgentRequestTest {

    private static final int PERIOD_MS = 20;

    @TempDir
    Path dir;

    private final MavlinkCodec codec = new MavlinkCodec();
    private final Messages host = new Messages();
    private final List<AutoCloseable> open = new ArrayList<>();
    private long nowNs = 1_000_000_000L;
    private ChannelRegistry channels;

    /** The host's side of one replica's files, and the agent reading them. */
    private final class Replica {
        final ReplicaFiles files;
        final RingFile input;
        final RingFile output;
        final ReplicaStatusFile status;
        final ReplicaAgent agent;
        final ChannelAddress address;
        final Map<Long, byte[]> outputs = new HashMap<>();

        Replica(String slot) throws Exception {
            if (channels == null) {
                channels = new ChannelRegistry(ReplicaFiles.channelDirOf(dir));
                open.add(channels);
            }
            files = new ReplicaFiles(Files.createDirectories(dir.resolve(slot)));
            address = new ChannelAddress(java.util.UUID.randomUUID(), 1);
            channels.register(address);
            files.writeChannelAddress(address);
            input = RingFile.create(files.input(), 1 << 20);
            output = RingFile.create(files.output(), 1 << 19);
            status = ReplicaStatusFile.create(files.status());
            open.add(input);
            open.add(output);
            open.add(status);
            agent = new ReplicaAgent(slot, files, MissionPlan.defaults(), () -> nowNs);
            open.add(0, agent::onClose);
        }

        void drain() {
            while (agent.doWork() > 0) {
                nowNs += 1_000;
            }
            output.ring().read((type, buffer, index, length) -> {
                if (type == MessageTypes.OUTPUT) {
                    byte[] frames = new byte[length - Messages.OUTPUT_FRAMES];
                    buffer.getBytes(index + Messages.OUTPUT_FRAMES, frames);
                    outputs.put(buffer.getLong(index + Messages.OUTPUT_CYCLE), frames);
                }
            });
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private byte[] changeSpeed(float speedMps) {
        return codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(191)
                .command(EnumValue.create(MavCmd.class, 178)).param2(speedMps).build(), 255, 190, 0);
    }

    private void start(Replica a, Replica b) {
        channels.grant(a.address, b.address);
        channels.grant(b.address, a.address);
        host.role(a.input.ring(), 1, true, 1, b.address.toString());
        host.role(b.input.ring(), 1, false, 1, a.address.toString());
        host.start(a.input.ring(), MessageTypes.START_FRESH, 1);
        host.start(b.input.ring(), MessageTypes.START_FRESH, 1);
    }

    private void cycle(long cycle, Replica a, Replica b, byte[] requestForA, byte[] requestForB) {
        if (requestForA != null) {
            host.frame(a.input.ring(), cycle, nowNs, nowNs, new UnsafeBuffer(requestForA), 0, requestForA.length);
        }
        if (requestForB != null) {
            host.frame(b.input.ring(), cycle, nowNs, nowNs, new UnsafeBuffer(requestForB), 0, requestForB.length);
        }
        host.tick(a.input.ring(), cycle, nowNs, PERIOD_MS);
        host.tick(b.input.ring(), cycle, nowNs, PERIOD_MS);
        a.drain();
        b.drain();
        a.drain();
        b.drain();
        nowNs += PERIOD_MS * 1_000_000L;
    }

    private List<CommandAck> acks(byte[] output) {
        List<CommandAck> acks = new ArrayList<>();
        ClientRequests.forEachFrame(output, 0, output.length, (bytes, at, n, id) -> {
            byte[] frame = java.util.Arrays.copyOfRange(bytes, at, at + n);
            if (codec.decodePayload(frame) instanceof CommandAck ack) {
                acks.add(ack);
            }
        });
        return acks;
    }

    @Test
    void shouldExecuteInTheSameCycleOnBothAndHaveTheShadowConfirmTheHoldersNotice() throws Exception {
        Replica a = new Replica("A");
        Replica b = new Replica("B");
        start(a, b);
        byte[] request = changeSpeed(3f);
        for (long c = 1; c <= 10; c++) {
            cycle(c, a, b, c == 5 ? request : null, c == 5 ? request : null);
        }
        assertEquals(1, a.status.get(Field.REQUESTS_EXECUTED));
        assertEquals(1, b.status.get(Field.REQUESTS_EXECUTED));
        assertEquals(1, a.status.get(Field.REQUEST_NOTICES_SENT), "the holder notified its shadow");
        assertEquals(0, b.status.get(Field.REQUEST_NOTICES_SENT), "the shadow sends none");
        assertEquals(1, b.status.get(Field.REQUESTS_CONFIRMED), "the shadow checked the holder's result");
        assertEquals(0, b.status.get(Field.REQUEST_MISMATCHES));
        assertArrayEquals(a.outputs.get(5L), b.outputs.get(5L), "the same output, ack included");
        List<CommandAck> acks = acks(a.outputs.get(5L));
        assertEquals(1, acks.size());
        assertEquals(0, acks.get(0).result().value());
        for (long c = 1; c <= 10; c++) {
            assertTrue(c == 5 || acks(a.outputs.get(c)).isEmpty(), "ack only in the request's cycle: " + c);
        }
    }

    @Test
    void shouldCountAMismatchWhenTheShadowDidNotExecuteWhatTheHolderDid() throws Exception {
        Replica a = new Replica("A");
        Replica b = new Replica("B");
        start(a, b);
        for (long c = 1; c <= 8; c++) {
            cycle(c, a, b, c == 3 ? changeSpeed(4f) : null, c == 3 ? changeSpeed(5f) : null);
        }
        assertEquals(1, a.status.get(Field.REQUEST_NOTICES_SENT));
        assertEquals(1, b.status.get(Field.REQUEST_MISMATCHES), "a different request in the shadow's input");
        assertEquals(0, b.status.get(Field.REQUESTS_CONFIRMED));
    }
}
