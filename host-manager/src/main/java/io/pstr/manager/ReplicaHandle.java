package io.pstr.manager;

import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.shm.Lifeline;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaState;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;
import java.util.function.Predicate;

/**
 * One incarnation of a replica as the host holds it: its files and its sandbox. Conductor thread only, but for
 * {@link #prepare} and {@link #close}, which the launcher thread runs for a failover's successor and its
 * predecessor.
 */
final class ReplicaHandle implements AutoCloseable {

    /** The flight-control task's id within its sandbox on the direct channel. */
    static final int FLIGHT_TASK_ID = 1;

    final Slot slot;
    final int incarnation;
    final ReplicaFiles files;
    final RingFile input;
    final RingFile output;
    /** The replica's address on the direct channel: a fresh sandbox UUID per incarnation. */
    final ChannelAddress address;
    final ReplicaStatusFile status;
    /** Set by the launcher thread once the process exists. */
    volatile SandboxLauncher.Sandbox sandbox;
    /** The replica process for good (pid and start time), once known: what a re-attaching manager checks. */
    volatile ProcessIdentity identity;
    volatile String launchError;
    /** The agent thread's priority has been raised, or tried (once per incarnation, when it is ready). */
    boolean prioritised;
    /** When this replica last asked to take over, and under which epoch. */
    long takeoverRequestedNs = Long.MIN_VALUE;
    long takeoverEpoch = -1;
    long dropsSeen;

    ReplicaHandle(Slot slot, int incarnation, ReplicaFiles files, ChannelAddress address) {
        this(slot, incarnation, files, address, RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES),
                RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES), ReplicaStatusFile.create(files.status()));
    }

    private ReplicaHandle(Slot slot, int incarnation, ReplicaFiles files, ChannelAddress address, RingFile input, RingFile output,
            ReplicaStatusFile status) {
        this.slot = slot;
        this.incarnation = incarnation;
        this.files = files;
        this.input = input;
        this.output = output;
        this.address = address;
        this.status = status;
    }

    /**
     * A running incarnation a host manager now gone started: its existing rings, status file and channel endpoint
     * are mapped again, nothing is created or cleared.
     */
    static ReplicaHandle attach(Slot slot, int incarnation, ReplicaFiles files, ChannelAddress address,
            io.pstr.core.channel.ChannelRegistry channels) {
        RingFile input = RingFile.open(files.input());
        RingFile output = null;
        ReplicaStatusFile status = null;
        try {
            output = RingFile.open(files.output());
            status = ReplicaStatusFile.open(files.status());
            channels.adopt(address);
            return new ReplicaHandle(slot, incarnation, files, address, input, output, status);
        } catch (RuntimeException e) {
            input.close();
            if (output != null) {
                output.close();
            }
            if (status != null) {
                status.close();
            }
            throw e;
        }
    }

    /**
     * A new incarnation: its rings and status file, and a fresh address on the direct channel, registered and
     * written where the replica reads it.
     */
    static ReplicaHandle create(Slot slot, int incarnation, ReplicaFiles files, io.pstr.core.channel.ChannelRegistry channels) {
        return prepare(slot, incarnation, files, channels).install(channels);
    }

    /**
     * The file work of {@link #create}, on any thread: the rings, the status file, the channel endpoint's file and the
     * address file exist when it returns; the registry learns of the endpoint only when the conductor
     * {@linkplain Prepared#install installs} it.
     */
    static Prepared prepare(Slot slot, int incarnation, ReplicaFiles files, io.pstr.core.channel.ChannelRegistry channels) {
        ChannelAddress address = new ChannelAddress(java.util.UUID.randomUUID(), FLIGHT_TASK_ID);
        io.pstr.core.channel.ChannelRegistry.PreparedEndpoint endpoint = channels.prepare(address);
        try {
            files.writeChannelAddress(address);
            return new Prepared(new ReplicaHandle(slot, incarnation, files, address), endpoint);
        } catch (RuntimeException e) {
            endpoint.discard();
            throw e;
        }
    }

    /** A new incarnation whose files exist, not yet known to the channel registry. */
    record Prepared(ReplicaHandle handle, io.pstr.core.channel.ChannelRegistry.PreparedEndpoint endpoint) {

        /** On the conductor: the endpoint is registered, the handle ready to use. */
        ReplicaHandle install(io.pstr.core.channel.ChannelRegistry channels) {
            channels.install(endpoint);
            return handle;
        }

        /** For one that will not be installed (the manager closed meanwhile). */
        void discard() {
            handle.close();
            endpoint.discard();
        }
    }

    /** Grants each replica's endpoint the right to send to its peer's, and to nobody else's. */
    static void grantPeers(java.util.Map<Slot, ReplicaHandle> replicas, io.pstr.core.channel.ChannelRegistry channels) {
        for (Slot s : Slot.values()) {
            ReplicaHandle self = replicas.get(s);
            ReplicaHandle peer = replicas.get(s.other());
            if (self != null) {
                channels.revokeAll(self.address);
                if (peer != null) {
                    channels.grant(self.address, peer.address);
                }
            }
        }
    }

    ReplicaState state() {
        return ReplicaState.fromCode(status.get(Field.STATE));
    }

    long heartbeatAgeNs(long nowNs) {
        long hb = status.get(Field.HEARTBEAT_NS);
        return hb == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(0, nowNs - hb);
    }

    private long nextProbeNs = Long.MIN_VALUE;
    /** Written by the conductor, read by the failover boost. */
    private volatile boolean dying;

    /**
     * Whether the replica is dying: its agent thread exited (the kernel marked its {@link io.pstr.core.shm.Lifeline},
     * and woke the conductor), or a quiet replica's process is already dying (see {@link ProcessExit}). The process
     * is asked only when its heartbeat is older than {@code quietNs}; at most once per {@code quietNs} while it
     * stays quiet, and every {@code slowProbeNs} once it has been quiet for longer than that (a stopped replica).
     */
    boolean dying(long nowNs, long quietNs, long slowProbeNs) {
        SandboxLauncher.Sandbox s = sandbox;
        if (dying || s == null) {
            return dying;
        }
        if (status.lifeline().holderDied()) {
            // The thread that computes is gone, whatever the rest of its process does: this replica is lost.
            dying = true;
            return true;
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

    /** Whether the conductor has seen this replica dying ({@link #dying(long, long, long)}). */
    boolean dyingSeen() {
        return dying;
    }

    /**
     * Applies {@code look} to its lifeline unless the handle is closed, for a thread other than the conductor: the
     * status file is not unmapped meanwhile ({@link #close} waits). False when closed.
     */
    synchronized boolean withLifeline(Predicate<Lifeline> look) {
        return !closed.get() && look.test(status.lifeline());
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

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Unmaps its files; idempotent, on any thread. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            input.close();
            output.close();
            synchronized (this) {
                status.close();
            }
        }
    }
}
