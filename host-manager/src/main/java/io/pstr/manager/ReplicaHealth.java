package io.pstr.manager;

/** The management module's view of one replica slot. */
public enum ReplicaHealth {
    /** No process. */
    DOWN,
    /** Process launched, files not yet mapped. */
    LAUNCHING,
    /** Process up, waiting for its START. */
    READY,
    /** Running from a checkpoint, not yet proven in step with the holder. */
    SYNCING,
    /** Running in step. */
    RUNNING,
    /** Heartbeat late beyond the suspect threshold. */
    SUSPECT,
    /** Hung past the hang timeout: fenced, waiting to resume or be killed. */
    STOPPED
}
