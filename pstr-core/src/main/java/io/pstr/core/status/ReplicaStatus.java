package io.pstr.core.status;

/**
 * One replica as the management module sees it.
 *
 * @param slot               {@code A} or {@code B}
 * @param role               {@code primary} or {@code shadow}
 * @param holder             true when this replica's outputs are the ones that reach the board
 * @param health             {@code RUNNING}, {@code STARTING}, {@code SYNCING}, {@code SUSPECT}, {@code STOPPED}, {@code DOWN}
 * @param heartbeatAgeMs     time since its last heartbeat, -1 if none yet
 * @param missionPhase       mission phase the replica reports
 * @param sandbox            what the replica runs in: {@code jail} (Linux namespaces and cgroup limits) or {@code process}
 */
public record ReplicaStatus(
        String slot,
        String role,
        boolean holder,
        String health,
        long pid,
        int incarnation,
        long heartbeatAgeMs,
        long cyclesRun,
        long lastCycle,
        long deadlineMisses,
        long acceptanceFailures,
        long divergentCycles,
        long inputRingDrops,
        String missionPhase,
        String sandbox) {
}
