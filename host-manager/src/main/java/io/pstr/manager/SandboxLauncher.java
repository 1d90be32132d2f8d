package io.pstr.manager;

import io.pstr.core.shm.ReplicaFiles;

/**
 * Starts a replica in an isolated sandbox: a plain JVM process ({@link ProcessSandboxLauncher}) or a
 * Linux namespace jail ({@link io.pstr.manager.sandbox.JailLauncher}); a QEMU/KVM guest could stand
 * behind the same interface. A replica's only I/O is the shared-memory files of its directory and its
 * peer's mailbox ring.
 */
public interface SandboxLauncher {

    Sandbox launch(Slot slot, int incarnation, ReplicaFiles files);

    /** What the replicas run in, as the status shows it: {@code process} or {@code jail}. */
    String kind();

    /**
     * The path the replica in slot {@code reader} opens to write into its peer's mailbox ring. The
     * default is the ring's own path; a jail that hides the peer's directory exposes the ring elsewhere.
     * Called on the conductor thread whenever roles are sent.
     */
    default String peerMailbox(Slot reader, int peerIncarnation, ReplicaFiles peerFiles) {
        return peerFiles.mailbox().toString();
    }

    /** A running sandbox. */
    interface Sandbox {
        /** The replica JVM's process id as the host sees it: the one that gets the signals. */
        long pid();

        boolean isAlive();

        /** SIGKILL. */
        void kill();

        /** SIGSTOP: the process freezes, as a hung replica would. */
        void stop();

        /** SIGCONT. */
        void resume();
    }
}
