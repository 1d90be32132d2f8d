package io.pstr.core.status;

import io.pstr.core.channel.ChannelCounters;
import io.pstr.core.channel.ChannelDelay;

/**
 * One replica as the management module sees it.
 *
 * @param slot               {@code A} or {@code B}
 * @param role               {@code primary} or {@code shadow}
 * @param holder             true when this replica's outputs are the ones that reach the board
 * @param health             {@code RUNNING}, {@code STARTING}, {@code SYNCING}, {@code SUSPECT}, {@code STOPPED}, {@code DOWN}
 * @param heartbeatAgeMs     time since its last heartbeat, -1 if none yet
 * @param missionPhase       mission phase the replica reports
 * @param inputFrames        board frames the replica has read from its input ring
 * @param boardLinkUp        whether the replica was last told the board link is up
 * @param boardLinkDowns     board-link-down notices the replica received
 * @param cpuPercent         CPU use of its process over the last second or so, in percent of one core; -1 unknown
 * @param rssKb              resident memory of its process in KiB; -1 unknown
 * @param sandbox            what the replica runs in: {@code jail} (Linux namespaces and cgroup limits), {@code process},
 *                           or {@code remote} (on a replica host: its pid, CPU and memory here are its relay's)
 * @param channel            counters of its endpoint on the direct channel
 * @param channelDelay       one-way delays of the packets it sent its peer over the direct channel (heartbeats
 *                           mostly), from the peer's phase log; {@link ChannelDelay#NONE} when none or no peer
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
        long inputFrames,
        boolean boardLinkUp,
        long boardLinkDowns,
        double cpuPercent,
        long rssKb,
        String sandbox,
        ChannelCounters channel,
        ChannelDelay channelDelay) {

    public ReplicaStatus {
        if (channel == null) {
            channel = ChannelCounters.ZERO;
        }
        if (channelDelay == null) {
            channelDelay = ChannelDelay.NONE;
        }
    }

    /** Without channel delays (nothing delivered to a peer). */
    public ReplicaStatus(String slot, String role, boolean holder, String health, long pid, int incarnation,
            long heartbeatAgeMs, long cyclesRun, long lastCycle, long deadlineMisses, long acceptanceFailures,
            long divergentCycles, long inputRingDrops, String missionPhase, long inputFrames, boolean boardLinkUp,
            long boardLinkDowns, double cpuPercent, long rssKb, String sandbox, ChannelCounters channel) {
        this(slot, role, holder, health, pid, incarnation, heartbeatAgeMs, cyclesRun, lastCycle, deadlineMisses,
                acceptanceFailures, divergentCycles, inputRingDrops, missionPhase, inputFrames, boardLinkUp, boardLinkDowns,
                cpuPercent, rssKb, sandbox, channel, ChannelDelay.NONE);
    }

    /** Without channel counters (a replica that has no endpoint). */
    public ReplicaStatus(String slot, String role, boolean holder, String health, long pid, int incarnation,
            long heartbeatAgeMs, long cyclesRun, long lastCycle, long deadlineMisses, long acceptanceFailures,
            long divergentCycles, long inputRingDrops, String missionPhase, long inputFrames, boolean boardLinkUp,
            long boardLinkDowns, double cpuPercent, long rssKb, String sandbox) {
        this(slot, role, holder, health, pid, incarnation, heartbeatAgeMs, cyclesRun, lastCycle, deadlineMisses,
                acceptanceFailures, divergentCycles, inputRingDrops, missionPhase, inputFrames, boardLinkUp, boardLinkDowns,
                cpuPercent, rssKb, sandbox, ChannelCounters.ZERO, ChannelDelay.NONE);
    }
}
