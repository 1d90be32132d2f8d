package io.pstr.manager;

/** States of the management module, each with a published numeric code (status API, journal, UI). */
public enum FailoverState {
    STARTING(0),
    /** The primary holds the I/O, the shadow runs in step. */
    PRIMARY_ACTIVE(1),
    /** The primary missed heartbeats or deadlines; not decided yet. */
    PRIMARY_SUSPECT(2),
    /** The shadow holds the I/O; the primary is down or fenced. */
    SHADOW_ACTIVE(3),
    /** The primary is being restarted or brought back in step from the holder's checkpoint. */
    PRIMARY_RECOVERING(4),
    /** The primary runs in step again; the I/O goes back to it after the hold-off (revertive policy). */
    PRIMARY_SYNCED(5),
    /** One healthy replica holds the I/O and the other is not back yet (shadow lost). */
    DEGRADED(6),
    /** No healthy replica: the board's own failsafe flies the aircraft. */
    FAILSAFE(7);

    private final int code;

    FailoverState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
