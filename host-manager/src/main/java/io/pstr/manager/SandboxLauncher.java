package io.pstr.manager;

import io.pstr.core.shm.ReplicaFiles;

/**
 * Starts a replica in an isolated sandbox. The default runs a separate JVM whose only I/O is its
 * shared-memory files; a namespace jail or a QEMU/KVM guest can stand behind the same interface.
 */
public interface SandboxLauncher {

    Sandbox launch(Slot slot, int incarnation, ReplicaFiles files);

    /** The mission options every replica gets (recorded with the flight log so a replay can use the same). */
    default java.util.List<String> replicaArgs() {
        return java.util.List.of();
    }

    /** A running sandbox. */
    interface Sandbox {
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
    }
}
