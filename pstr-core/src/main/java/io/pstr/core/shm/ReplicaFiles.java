package io.pstr.core.shm;

import java.nio.file.Path;

/**
 * The files of one replica incarnation in the run directory; the host creates them before it
 * starts the replica, the replica maps them.
 */
public record ReplicaFiles(Path dir) {

    /** Host → replica: board frames, cycle ticks, role and control messages. */
    public static final int INPUT_RING_BYTES = 1 << 21;
    /** Replica → host: outputs and requests. */
    public static final int OUTPUT_RING_BYTES = 1 << 19;
    /** Peer → replica (the direct channel): checkpoints and heartbeats. */
    public static final int MAILBOX_RING_BYTES = 1 << 20;

    public Path input() {
        return dir.resolve("input.ring");
    }

    public Path output() {
        return dir.resolve("output.ring");
    }

    public Path mailbox() {
        return dir.resolve("mailbox.ring");
    }

    public Path status() {
        return dir.resolve("status.dat");
    }

    public Path log() {
        return dir.resolve("replica.log");
    }
}
