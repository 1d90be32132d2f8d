package io.pstr.manager;

import io.pstr.core.shm.ReplicaFiles;

/**
 * Starts a replica in an isolated sandbox: a plain JVM process ({@link ProcessSandboxLauncher}) or a
 * Linux namespace jail ({@link io.pstr.manager.sandbox.JailLauncher}); a QEMU/KVM guest could stand
 * behind the same interface. A replica's only I/O is the shared-memory files of its directory and the
 * endpoint files of the direct channel.
 */
public interface SandboxLauncher {

    Sandbox launch(Slot slot, int incarnation, ReplicaFiles files);

    /** The mission options every replica gets (recorded with the flight log so a replay can use the same). */
    default java.util.List<String> replicaArgs() {
        return java.util.List.of();
    }

    /**
     * True when the replicas it starts outlive the host manager's process (they do not exit with their parent, and
     * a jail's wrapper gets no parent-death signal), so that a new manager can re-attach to them.
     */
    default boolean outlivesManager() {
        return false;
    }

    /** What the replicas run in, as the status shows it: {@code process} or {@code jail}. */
    String kind();

    /** What {@code slot}'s replica runs in, as the status shows it: {@link #kind()} unless the slot's is elsewhere. */
    default String kind(Slot slot) {
        return kind();
    }

    /**
     * A directory no replica may see at all (the run directory on disk: journal, flight log, every log),
     * for replicas launched from now on. A jail covers it with an empty read-only file system; a plain
     * process cannot be kept out of anything and ignores it.
     */
    default void hide(java.nio.file.Path dir) {
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

        /**
         * True once the process is irrevocably on its way out (a fatal signal is pending or being acted
         * on), possibly before the kernel has finished tearing it down and {@link #isAlive()} turns false.
         * Costs a system call or two: callers ask only when the replica has gone quiet.
         */
        default boolean dying() {
            return !isAlive();
        }

        /**
         * The replica says it is ready, so its agent thread runs: the whole JVM leaves the low priority it
         * started at and its agent thread and VM thread are raised, from outside, where {@code mode} allows;
         * a jailed replica also joins its cpu group (cgroup v1: its quota applies from now on, whatever the
         * mode) with its agent and VM thread scheduled beside the host's. Reads {@code /proc}: call it off
         * the conductor.
         */
        default void running(io.pstr.core.rt.ThreadPriority.Mode mode, String agentThread) {
            io.pstr.core.rt.ThreadPriority.settle(mode, pid(), agentThread);
        }
    }
}
