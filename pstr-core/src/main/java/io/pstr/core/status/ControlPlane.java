package io.pstr.core.status;

import java.util.List;

/** What the status/control API serves; implemented by the host manager. Thread-safe. */
public interface ControlPlane {

    SystemStatus status();

    /** Journal events with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
    List<JournalEvent> events(long afterSeq, int limit);

    /**
     * Injects a fault by name ({@link Fault#wireName()}).
     * @throws IllegalArgumentException for an unknown fault or one that cannot be applied now (message says why)
     */
    JournalEvent injectFault(Fault fault);

    /**
     * Stops forwarding the replicas' outputs and commands the board to land (MAV_CMD_NAV_LAND), waiting for
     * its COMMAND_ACK. The event's figures hold {@code result} (ACCEPTED, DENIED, ... or NO_ACK) and {@code attempts}.
     */
    default JournalEvent abort() {
        throw new UnsupportedOperationException("this control plane cannot abort");
    }

    /**
     * Switches the failback policy, {@code revertive} or {@code non-revertive}; the change is journalled.
     * @return the policy now in force
     * @throws IllegalArgumentException for an unknown policy, or when this control plane cannot switch it
     */
    default String failbackPolicy(String policy) {
        throw new IllegalArgumentException("this host manager cannot switch the failback policy");
    }
}
