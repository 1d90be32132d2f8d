package io.pstr.ui;

import io.pstr.core.channel.ChannelCounters;
import io.pstr.core.channel.ChannelDelay;
import io.pstr.core.status.AircraftStatus;
import io.pstr.core.status.CommandGapStatus;
import io.pstr.core.status.GateStatus;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.LinkStatus;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.core.status.Waypoint;
import java.util.List;
import java.util.Map;

/** Status snapshots and journal events for the ground station's tests. */
final class Statuses {

    private Statuses() {
    }

    static SystemStatus status(long monoNs, String holder, long epoch, double altitudeM, long outputsSent) {
        return status(monoNs, holder, epoch, altitudeM, outputsSent, null, null, null);
    }

    /** With the host's command gap and each replica's channel delays to its peer (null: none). */
    static SystemStatus status(long monoNs, String holder, long epoch, double altitudeM, long outputsSent,
            CommandGapStatus commandGap, ChannelDelay delayA, ChannelDelay delayB) {
        return new SystemStatus(monoNs, "A".equals(holder) ? "PRIMARY_ACTIVE" : "SHADOW_ACTIVE", "A".equals(holder) ? 1 : 3,
                epoch, holder, "A", outputsSent, 20, "revertive",
                List.of(replica("A", "primary", "A".equals(holder), delayA), replica("B", "shadow", "B".equals(holder), delayB)),
                new GateStatus(outputsSent, 0, 0, 0, 0, 0, 0, 0),
                new LinkStatus("tcp:127.0.0.1:5760", true, "mavlink", false, 1000, 500, 40, 20, 1, 0, 0, 2, 3,
                        Map.of("1/1", 2L), 0, 5, 300, 0, 0, 0, 0, 3, 4, 2, 1, 5, "silent for 3000 ms", 120, 900, 1_500),
                new AircraftStatus(altitudeM, 3, 4, 4.0, 0.1, 0.05, -0.02, 1.0, true, "OFFBOARD", 12.4, 20),
                List.of(new Waypoint(20, 0, 10), new Waypoint(20, 20, 10), new Waypoint(0, 20, 10), new Waypoint(0, 0, 10)),
                commandGap);
    }

    static ReplicaStatus replica(String slot, String role, boolean holder, ChannelDelay delay) {
        return new ReplicaStatus(slot, role, holder, "RUNNING", "A".equals(slot) ? 4242 : 4343, 1, 12, 1_000, 999, 0, 0, 0, 0,
                "WAYPOINT", 1_000, true, 0, 37.5, 81_920, "process", ChannelCounters.ZERO, delay);
    }

    /** The host's command gap with these periods (end time ns, gap ms), oldest first; every interval the gap. */
    static CommandGapStatus gaps(long... endNsAndGapMs) {
        List<CommandGapStatus.Period> periods = new java.util.ArrayList<>();
        for (int i = 0; i < endNsAndGapMs.length; i += 2) {
            periods.add(new CommandGapStatus.Period(endNsAndGapMs[i], endNsAndGapMs[i + 1], endNsAndGapMs[i + 1]));
        }
        CommandGapStatus.Period last = periods.get(periods.size() - 1);
        return new CommandGapStatus(50, last.endMonoNs() - 1_000_000, last.maxIntervalMs(), last.gapMs(), periods);
    }

    static JournalEvent event(long seq, long monoNs, String type, String cause, String slot, String message,
                              Map<String, Object> figures) {
        return new JournalEvent(seq, monoNs, 1_700_000_000_000L + monoNs / 1_000_000, type, cause, "PRIMARY_ACTIVE",
                "SHADOW_ACTIVE", 2, 100, slot, message, figures);
    }
}
