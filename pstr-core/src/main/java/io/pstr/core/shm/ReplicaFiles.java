package io.pstr.core.shm;

import io.pstr.core.channel.ChannelAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one replica incarnation in the run directory; the host creates them before it
 * starts the replica, the replica maps them.
 */
public record ReplicaFiles(Path dir) {

    /** Host → replica: board frames, cycle ticks, role and control messages. */
    public static final int INPUT_RING_BYTES = 1 << 21;
    /**
     * A replica's longest sleep, µs: the host's writes to its input ring wake it at once, so this only bounds how
     * stale its heartbeat gets (under the host's 1 ms crash probe) and how late its peer's channel packets are
     * read. 500 rather than 200: a wake-up for every frame came on top of the timer's; short runs back to back gave
     * 0.62 cores for the quiet system at 200 µs and 0.51–0.53 at 500 (full runs vary 0.49–0.64, docs/reliability.md).
     */
    public static final int REPLICA_MAX_SLEEP_US = 500;
    /**
     * A replica's longest sleep, µs, where it sleeps on its input ring and its channel endpoint at once
     * ({@code futex_waitv}): the peer's packets wake it too, so the cap bounds only how stale its heartbeat gets
     * between the host's writes (frames, a tick every period).
     */
    public static final int REPLICA_MAX_SLEEP_BOTH_US = 2_000;

    /** A replica's longest sleep (µs) on this host: {@link #REPLICA_MAX_SLEEP_BOTH_US} where it can sleep on both queues. */
    public static int replicaMaxSleepUs() {
        return Doorbell.sleepsOnSeveral() ? REPLICA_MAX_SLEEP_BOTH_US : REPLICA_MAX_SLEEP_US;
    }

    /**
     * How old (µs) a replica's heartbeat must be before the host checks its process for death (the fallback behind
     * its lifeline): twice its longest sleep, or the host would probe a healthy sleeping replica again and again.
     */
    public static int crashProbeAfterUs() {
        return 2 * replicaMaxSleepUs();
    }

    /** Replica → host: outputs and requests. */
    public static final int OUTPUT_RING_BYTES = 1 << 19;

    public Path input() {
        return dir.resolve("input.ring");
    }

    public Path output() {
        return dir.resolve("output.ring");
    }

    /** The replica's own address on the direct channel, one line {@code <sandbox-uuid>/<task>}, written by the host. */
    public Path channelAddress() {
        return dir.resolve("channel.address");
    }

    /** Writes the replica's own address on the direct channel where it reads it ({@link #channelAddress()}). */
    public void writeChannelAddress(ChannelAddress address) {
        try {
            Files.writeString(channelAddress(), address + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + channelAddress(), e);
        }
    }

    /** The replica's own address on the direct channel, as the host wrote it. */
    public ChannelAddress readChannelAddress() {
        try {
            return ChannelAddress.parse(Files.readString(channelAddress(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this replica's channel address " + channelAddress(), e);
        }
    }

    /** The run directory's channel directory, where the host's registry keeps every endpoint. */
    public Path channelDir() {
        return channelDirOf(dir.toAbsolutePath().getParent());
    }

    public static Path channelDirOf(Path runDir) {
        return runDir.resolve("channel");
    }

    public Path status() {
        return dir.resolve("status.dat");
    }

    /**
     * The Aeron directory of a replica that runs on another computer: its relay's media driver, in the slot's
     * directory so that it goes with the incarnation.
     */
    public Path aeronDir() {
        return dir.resolve("aeron");
    }

    public Path log() {
        return dir.resolve("replica.log");
    }
}
