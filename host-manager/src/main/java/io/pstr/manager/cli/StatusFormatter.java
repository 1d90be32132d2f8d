package io.pstr.manager.cli;

import io.pstr.core.channel.ChannelDelay;
import io.pstr.core.status.AircraftStatus;
import io.pstr.core.status.CommandGapStatus;
import io.pstr.core.status.GateStatus;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.LinkStatus;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.journal.Journal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text for people: the compact status table of {@code pstr status} and the event lines of {@code pstr events}. */
public final class StatusFormatter {

    private static final String REPLICA_ROW = "%-4s %-7s %-6s %-8s %8s %4s %8s %10s %10s %7s %7s %7s %7s  %-12s %s%n";

    private StatusFormatter() {
    }

    /** The whole status as a few lines; tolerates missing parts (a manager still starting). */
    public static String format(SystemStatus s) {
        StringBuilder out = new StringBuilder(1024);
        out.append(String.format(Locale.ROOT, "state %s (%d)  epoch %d  holder %s  primary %s  cycle %d  period %d ms  failback %s%n",
                s.state(), s.stateCode(), s.epoch(), orDash(s.holder()), orDash(s.primary()), s.cycle(),
                s.controlPeriodMs(), orDash(s.failbackPolicy())));
        out.append('\n');
        out.append(String.format(Locale.ROOT, REPLICA_ROW, "slot", "role", "holder", "health", "pid", "inc",
                "hb-age", "cycles", "last-cycle", "dl-miss", "at-fail", "diverge", "in-drop", "phase", "sandbox"));
        if (s.replicas() == null || s.replicas().isEmpty()) {
            out.append("(no replicas)\n");
        } else {
            for (ReplicaStatus r : s.replicas()) {
                out.append(String.format(Locale.ROOT, REPLICA_ROW, r.slot(), orDash(r.role()), r.holder() ? "*" : "",
                        orDash(r.health()), r.pid() > 0 ? Long.toString(r.pid()) : "-", r.incarnation(),
                        age(r.heartbeatAgeMs()), r.cyclesRun(), r.lastCycle(), r.deadlineMisses(),
                        r.acceptanceFailures(), r.divergentCycles(), r.inputRingDrops(), orDash(r.missionPhase()),
                        orDash(r.sandbox())));
            }
        }
        out.append('\n');
        GateStatus g = s.gate();
        if (g == null) {
            out.append("gate     -\n");
        } else {
            out.append(String.format(Locale.ROOT,
                    "gate     sent %d  fallback %d  fenced %d  fenced-at-board %d%s  late %d  missed %d  rejected %d  divergent %d%n",
                    g.outputsSent(), g.fallbackOutputs(), g.fencedAtGate(), g.fencedReachedBoard(),
                    g.fencedReachedBoard() != 0 ? " (MUST BE 0)" : "", g.lateDropped(), g.missedCycles(),
                    g.acceptanceRejected(), g.divergentCycles()));
        }
        CommandGapStatus w = s.commandGap();
        if (w.gapMs() < 0) {
            out.append("writes   no control output written to the board yet\n");
        } else {
            out.append(String.format(Locale.ROOT,
                    "writes   command gap %s ms  largest interval %s ms  (last %d ms)  last write %s ms before this status%n",
                    number(w.gapMs(), 1), w.maxIntervalMs() < 0 ? "-" : number(w.maxIntervalMs(), 1), w.statusPeriodMs(),
                    number((s.monoNs() - w.lastWriteMonoNs()) / 1e6, 1)));
        }
        if (s.replicas() != null) {
            for (ReplicaStatus r : s.replicas()) {
                io.pstr.core.channel.ChannelCounters c = r.channel();
                out.append(String.format(Locale.ROOT,
                        "channel  %s sent %d  received %d  refused %d  late %d  fast %d  overflow %d  fallback %d  unreachable %d%n",
                        r.slot(), c.sent(), c.received(), c.refused(), c.late(), c.fastPath(), c.overflow(), c.fallbacks(),
                        c.unreachable()));
                ChannelDelay d = r.channelDelay();
                out.append(d.samples() == 0
                        ? String.format(Locale.ROOT, "         %s to its peer: no packet delivered%n", r.slot())
                        : String.format(Locale.ROOT, "         %s to its peer: delay avg %d us  min %d us  last %d us  (%d packets)%n",
                                r.slot(), d.avgDelayUs(), d.minDelayUs(), d.lastUs(), d.samples()));
            }
        }
        LinkStatus l = s.board();
        if (l == null) {
            out.append("link     -\n");
        } else {
            out.append(String.format(Locale.ROOT,
                    "link     %s %s %s%s  in %d B/%d frames  out %d B/%d frames  crc %d  skipped %d B  gaps %d (lost %d)%n",
                    orDash(l.endpoint()), l.up() ? "UP" : "DOWN", orDash(l.framing()), l.signing() ? " signed" : "",
                    l.bytesIn(), l.framesIn(), l.bytesOut(), l.framesOut(),
                    l.crcErrors(), l.bytesSkipped(), l.sequenceGaps(), l.framesLostToGaps()));
            out.append(String.format(Locale.ROOT,
                    "         downs %d%s  silent %d  send stalls %d  refused %d writes (%d blocked)/%d B  queue drops %d  queue delay p50 %d us p99 %d us max %d us%n",
                    l.downs(), l.lastDownReason() == null ? "" : " (last: " + l.lastDownReason() + ")", l.silences(), l.sendStalls(),
                    l.writesRefused(), l.writesBlocked(), l.bytesUnwritable(), l.queueDrops(), l.queueDelayP50Us(),
                    l.queueDelayP99Us(), l.queueDelayMaxUs()));
            if (l.signing()) {
                out.append(String.format(Locale.ROOT, "         signing refused: unsigned %d  bad signature %d  replayed %d  unsignable out %d%n",
                        l.unsignedRefused(), l.badSignatures(), l.replayedRefused(), l.unsignableOut()));
            }
            if (l.sequenceGapsBySource() != null && !l.sequenceGapsBySource().isEmpty()) {
                out.append("         gaps by sys/comp ").append(l.sequenceGapsBySource()).append('\n');
            }
        }
        AircraftStatus a = s.aircraft();
        if (a == null) {
            out.append("aircraft -\n");
        } else {
            out.append(String.format(Locale.ROOT,
                    "aircraft alt %s m  climb %s m/s  speed %s m/s  mode %s  %s  battery %s V  telemetry %s old%n",
                    number(a.altitudeM(), 2), number(a.climbRateMps(), 2), number(a.groundSpeedMps(), 2),
                    orDash(a.mode()), a.armed() ? "ARMED" : "disarmed", number(a.batteryV(), 1),
                    age(a.telemetryAgeMs())));
        }
        return out.toString();
    }

    /** One journal event: local wall time, then the journal's own one-liner. */
    public static String formatEvent(JournalEvent e, ZoneId zone) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
                .format(Instant.ofEpochMilli(e.wallMs()).atZone(zone)) + "  " + Journal.describe(e);
    }

    private static String age(long ageMs) {
        if (ageMs < 0) {
            return "never";
        }
        return ageMs < 10_000 ? ageMs + " ms" : (ageMs / 1000) + " s";
    }

    private static String number(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "n/a";
    }

    private static String orDash(String text) {
        return text == null || text.isEmpty() ? "-" : text;
    }
}
