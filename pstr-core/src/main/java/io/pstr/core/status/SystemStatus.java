package io.pstr.core.status;

import java.util.List;

/**
 * A snapshot of the whole system as the host manager sees it: what the status API serves,
 * what {@code pstr status} prints and what the ground station shows.
 *
 * @param monoNs       host monotonic time of the snapshot
 * @param state        failover state name ({@code PRIMARY_ACTIVE}, ...)
 * @param stateCode    its published numeric code
 * @param epoch        current I/O epoch (fencing token)
 * @param holder       slot of the replica holding the I/O ({@code A}/{@code B}), or null when none
 * @param primary      slot of the designated primary
 * @param cycle        last control cycle the host ticked
 * @param waypoints    the mission's waypoints as the host manager gave them to the replicas; empty when unknown
 * @param commandGap   the command gap at the board link as the host sees it; {@link CommandGapStatus#NONE} when
 *                     nothing was written yet (or the host manager does not say)
 */
public record SystemStatus(
        long monoNs,
        String state,
        int stateCode,
        long epoch,
        String holder,
        String primary,
        long cycle,
        int controlPeriodMs,
        String failbackPolicy,
        List<ReplicaStatus> replicas,
        GateStatus gate,
        LinkStatus board,
        AircraftStatus aircraft,
        List<Waypoint> waypoints,
        CommandGapStatus commandGap) {

    public SystemStatus {
        waypoints = waypoints == null ? List.of() : List.copyOf(waypoints);
        if (commandGap == null) {
            commandGap = CommandGapStatus.NONE;
        }
    }
}
