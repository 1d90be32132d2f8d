package io.pstr.manager;

/** Why the management module acted: each fault has its own signal. */
public enum Cause {
    PROCESS_EXIT,
    HEARTBEAT_MISSED,
    DEADLINE_MISSED,
    ACCEPTANCE_TEST,
    DIVERGENCE,
    TAKEOVER_REQUEST,
    RECOVERED,
    SYNCED,
    FAILBACK,
    START,
    HANG_TIMEOUT,
    OPERATOR,
    /** A new host manager re-attached to the replicas the previous one left running. */
    MANAGER_RESTART
}
