package io.pstr.flightctl;

import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.SharedFiles;
import io.pstr.core.shm.RingFile;
import io.pstr.flightctl.task.MissionPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a replica's start does, once, in a throwaway directory: the files the host makes, the agent built (its
 * warm-up included), a role, a fresh start and a few cycles of telemetry and ticks, then a clean exit. Run under
 * {@code -XX:ArchiveClassesAtExit} it leaves the class-data archive that every later replica JVM maps instead of
 * loading, verifying and linking those classes again (see the host manager's {@code ReplicaClassArchive}).
 */
public final class ReplicaTraining {

    static final int CYCLES = 50;
    /** The cycle that carries a ground station's request. */
    static final int REQUEST_CYCLE = 40;

    private ReplicaTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ReplicaTraining SCRATCH_DIR (made and deleted; not meant to be run by hand)");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        try {
            run(dir);
        } finally {
            SharedFiles.deleteTree(dir);
        }
    }

    /** One replica's start and first cycles against files made here as the host makes them. */
    static void run(Path dir) throws IOException {
        ReplicaFiles files = new ReplicaFiles(Files.createDirectories(dir.resolve("A-1")));
        SystemNanoClock clock = new SystemNanoClock();
        ChannelAddress self = new ChannelAddress(UUID.randomUUID(), 1);
        ChannelAddress peer = new ChannelAddress(UUID.randomUUID(), 1);
        ReplicaStatusFile.create(files.status()).close();
        try (RingFile input = RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES);
             RingFile output = RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES);
             ChannelRegistry channels = new ChannelRegistry(ReplicaFiles.channelDirOf(dir))) {
            channels.register(self);
            channels.register(peer);
            channels.grant(self, peer);
            channels.grant(peer, self);
            files.writeChannelAddress(self);
            try (ShmChannel other = ShmChannel.open(channels.dir(), peer, clock)) {
                ReplicaAgent agent = new ReplicaAgent("A", files, MissionPlan.defaults(), clock);
                agent.onStart();
                Messages host = new Messages();
                MavlinkCodec codec = new MavlinkCodec();
                host.role(input.ring(), 1, true, 1, peer.toString());
                host.start(input.ring(), MessageTypes.START_FRESH, 1);
                long seq = 0;
                for (int c = 1; c <= CYCLES; c++) {
                    List<byte[]> frames = new ArrayList<>(WarmUp.telemetry(codec, c));
                    if (c == REQUEST_CYCLE) {
                        // a client request: decoded, executed (refused on the ground), acknowledged, noticed to the peer
                        frames.add(WarmUp.goTo(codec, c));
                    }
                    for (byte[] frame : frames) {
                        long now = clock.nanoTime();
                        host.frame(input.ring(), ++seq, now, now, new UnsafeBuffer(frame), 0, frame.length);
                    }
                    host.tick(input.ring(), c, clock.nanoTime(), 20);
                    while (agent.doWork() > 0) {
                        // drain this cycle's input
                    }
                    output.ring().read((type, buffer, index, length) -> { }, Integer.MAX_VALUE);
                    other.poll(packet -> { }, Integer.MAX_VALUE);
                }
                agent.onClose();
            }
        }
    }
}
