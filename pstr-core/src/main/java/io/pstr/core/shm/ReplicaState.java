package io.pstr.core.shm;

/** Life of a replica process, published in its status file. */
public enum ReplicaState {
    STARTING(0),
    /** Files mapped, waiting for the host's START. */
    READY(1),
    /** Running the control step every cycle. */
    RUNNING(2),
    /** Waiting for a checkpoint of the peer's ODS before it can run. */
    AWAITING_CHECKPOINT(3),
    STOPPED(4);

    private final int code;

    ReplicaState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ReplicaState fromCode(long code) {
        for (ReplicaState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return STARTING;
    }
}
