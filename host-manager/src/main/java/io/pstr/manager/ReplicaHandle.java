package io.pstr.manager;

import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaState;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;

/** One incarnation of a replica as the host holds it: its files and its sandbox. Conductor thread only. */
final class ReplicaHandle implements AutoCloseable {

    final Slot slot;
    final int incarnation;
    final ReplicaFiles files;
    final RingFile input;
    final RingFile output;
    final RingFile mailbox;
    final ReplicaStatusFile status;
    /** Set by the launcher thread once the process exists. */
    volatile SandboxLauncher.Sandbox sandbox;
    volatile String launchError;
    /** When this replica last asked to take over, and under which epoch. */
    long takeoverRequestedNs = Long.MIN_VALUE;
    long takeoverEpoch = -1;
    long dropsSeen;

    ReplicaHandle(Slot slot, int incarnation, ReplicaFiles files) {
        this.slot = slot;
        this.incarnation = incarnation;
        this.files = files;
        this.input = RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES);
        this.output = RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES);
        this.mailbox = RingFile.create(files.mailbox(), ReplicaFiles.MAILBOX_RING_BYTES);
        this.status = ReplicaStatusFile.create(files.status());
    }

    ReplicaState state() {
        return ReplicaState.fromCode(status.get(Field.STATE));
    }

    long heartbeatAgeNs(long nowNs) {
        long hb = status.get(Field.HEARTBEAT_NS);
        return hb == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(0, nowNs - hb);
    }

    private long nextProbeNs = Long.MIN_VALUE;
    private boolean dying;

    /**
     * Whether a quiet replica's process is already dying (see {@link ProcessExit}). Asked only when its
     * heartbeat is older than {@code quietNs}; at most once per {@code quietNs} while it stays quiet, and
     * every {@code slowProbeNs} once it has been quiet for longer than that (a stopped replica).
     */
    boolean dying(long nowNs, long quietNs, long slowProbeNs) {
        SandboxLauncher.Sandbox s = sandbox;
        if (dying || s == null) {
            return dying;
        }
        long age = heartbeatAgeNs(nowNs);
        if (age < quietNs || nowNs < nextProbeNs) {
            return false;
        }
        // At most one probe (one read of /proc/PID/stat) per quiet millisecond: cheap even when a loaded machine keeps replicas waiting.
        nextProbeNs = nowNs + (age > slowProbeNs ? slowProbeNs : quietNs);
        dying = s.dying();
        return dying;
    }

    /** Alive while launching (no process yet) or while its process lives. */
    boolean alive() {
        SandboxLauncher.Sandbox s = sandbox;
        return launchError == null && (s == null || s.isAlive());
    }

    long pid() {
        SandboxLauncher.Sandbox s = sandbox;
        return s == null ? -1 : s.pid();
    }

    @Override
    public void close() {
        input.close();
        output.close();
        mailbox.close();
        status.close();
    }
}
