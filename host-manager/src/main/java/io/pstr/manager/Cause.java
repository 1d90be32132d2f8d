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
    OPERATOR
}
