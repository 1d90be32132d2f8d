package io.pstr.manager;

import io.pstr.core.record.BoardRecord;
import io.pstr.core.status.JournalEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The failover figures of a flight, measured from the board's own record (what the aircraft got)
 * and the manager's journal (when faults were injected and decided). Nothing here is computed from
 * configuration.
 *
 * <ul>
 * <li>{@code commandGapMs}: the largest interval between consecutive setpoints the board accepted,
 *     from 0.5 s before the fault (or the change) to 1 s after the change;</li>
 * <li>{@code fencedOutputs}: setpoints the board accepted, in that window, for a cycle older than one
 *     it had already accepted: only a stale (fenced) sender can produce those;</li>
 * <li>{@code duplicateCycles}: setpoints for a cycle the board had already accepted;</li>
 * <li>{@code lostInputFrames}: board frames, in that window, that the holder did not get: frames the
 *     board link lost (MAVLink sequence gaps) plus frames the holder's ring could not take;</li>
 * <li>{@code altitudeDeviationM}: the largest |altitude − altitude at the fault| of the true state,
 *     from the fault to 2 s after the change.</li>
 * </ul>
 * Client requests, from the host's request ledger as journalled when it stopped ({@code REQUESTS}):
 * {@code requestsSeen}, {@code requestsExecuted} (acknowledged as accepted), {@code requestsAcked}
 * (acknowledgements sent), {@code requestsLost} (never answered) and {@code requestsDuplicated}
 * (answered more often than sent); all 0 when the journal has no such event.
 */
public final class FailoverReport {

    private static final long BEFORE_NS = 500_000_000L;
    private static final long AFTER_NS = 1_000_000_000L;
    private static final long ALTITUDE_AFTER_NS = 2_000_000_000L;

    /** One change of I/O holder. */
    public record Failover(String type, String cause, String from, String to, long epoch, Double faultAtMs, Double detectMs,
            double atMs, double commandGapMs, long fencedOutputs, long duplicateCycles, long lostInputFrames,
            double altitudeDeviationM) {
    }

    private FailoverReport() {
    }

    /**
     * @param originNs  time zero of the report (the mission start)
     * @param endNs     end of the flight
     */
    public static Map<String, Object> build(int controlPeriodMs, long originNs, long endNs, List<JournalEvent> events,
            List<BoardRecord> board) {
        List<BoardRecord.Setpoint> setpoints = of(board, BoardRecord.Setpoint.class);
        List<BoardRecord.State> states = of(board, BoardRecord.State.class);
        List<Failover> failovers = new ArrayList<>();
        String holder = null;
        for (JournalEvent e : events) {
            boolean change = "FAILOVER".equals(e.type()) || "FAILBACK".equals(e.type()) || "RECOVERY".equals(e.type());
            if ("START".equals(e.type()) && e.slot() != null) {
                holder = e.slot();
            }
            if (!change) {
                continue;
            }
            Object faultNs = e.figures() == null ? null : e.figures().get("faultMonoNs");
            Long fault = faultNs instanceof Number n ? n.longValue() : null;
            Object detect = e.figures() == null ? null : e.figures().get("detectMs");
            long windowStart = (fault != null ? Math.min(fault, e.monoNs()) : e.monoNs()) - BEFORE_NS;
            long windowEnd = e.monoNs() + AFTER_NS;
            long lostBefore = figure(e, "inputLostTotal");
            JournalEvent later = nextChangeOrNull(events, e);
            long lostAfter = later != null ? figure(later, "inputLostTotal") : lastInputLost(events);
            failovers.add(new Failover(e.type(), e.cause(), holder, e.slot(), e.epoch(),
                    fault == null ? null : ms(fault - originNs), detect instanceof Number d ? d.doubleValue() : null,
                    ms(e.monoNs() - originNs), gapMs(setpoints, windowStart, windowEnd),
                    stale(setpoints, windowStart, windowEnd, controlPeriodMs, false),
                    stale(setpoints, windowStart, windowEnd, controlPeriodMs, true),
                    Math.max(0, lostAfter - lostBefore),
                    altitudeDeviation(states, fault != null ? fault : e.monoNs() - BEFORE_NS, e.monoNs() + ALTITUDE_AFTER_NS)));
            holder = e.slot();
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("controlPeriodMs", controlPeriodMs);
        report.put("durationS", (endNs - originNs) / 1e9);
        report.put("failovers", failovers);
        report.put("fencedOutputsTotal", stale(setpoints, Long.MIN_VALUE, Long.MAX_VALUE, controlPeriodMs, false));
        report.put("duplicateCyclesTotal", stale(setpoints, Long.MIN_VALUE, Long.MAX_VALUE, controlPeriodMs, true));
        report.put("lostInputFramesTotal", lastInputLost(events));
        report.put("maxAltitudeDeviationM", failovers.stream().mapToDouble(Failover::altitudeDeviationM).max().orElse(0));
        report.put("setpointsAtBoard", setpoints.size());
        report.put("maxCommandGapMs", gapMs(setpoints, Long.MIN_VALUE, Long.MAX_VALUE));
        JournalEvent requests = null;
        for (JournalEvent e : events) {
            if ("REQUESTS".equals(e.type())) {
                requests = e;
            }
        }
        for (String key : List.of("requestsSeen", "requestsExecuted", "requestsAcked", "requestsLost", "requestsDuplicated")) {
            report.put(key, requests == null ? 0L : figure(requests, key));
        }
        return report;
    }

    /** The records of one kind, in record order. */
    public static <T extends BoardRecord> List<T> of(List<BoardRecord> board, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (BoardRecord r : board) {
            if (kind.isInstance(r)) {
                out.add(kind.cast(r));
            }
        }
        return out;
    }

    private static JournalEvent nextChangeOrNull(List<JournalEvent> events, JournalEvent e) {
        for (JournalEvent x : events) {
            if (x.seq() > e.seq() && ("FAILOVER".equals(x.type()) || "FAILBACK".equals(x.type()) || "RECOVERY".equals(x.type()))) {
                return x;
            }
        }
        return null;
    }

    private static long lastInputLost(List<JournalEvent> events) {
        long last = 0;
        for (JournalEvent e : events) {
            if (e.figures() != null && e.figures().get("inputLostTotal") instanceof Number n) {
                last = n.longValue();
            }
        }
        return last;
    }

    private static long figure(JournalEvent e, String name) {
        return e.figures() != null && e.figures().get(name) instanceof Number n ? n.longValue() : 0;
    }

    public static double gapMs(List<BoardRecord.Setpoint> setpoints, long fromNs, long toNs) {
        return largestGap(setpoints, fromNs, toNs).lengthMs();
    }

    /** An interval between two consecutive setpoints: its length and when its second setpoint came. */
    public record Gap(long lengthNs, long endNs) {
        public double lengthMs() {
            return ms(lengthNs);
        }
    }

    /** The largest interval between consecutive setpoints in {@code [fromNs, toNs]} (the first, of equal ones). */
    public static Gap largestGap(List<BoardRecord.Setpoint> setpoints, long fromNs, long toNs) {
        long worst = 0;
        long worstEnd = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        for (BoardRecord.Setpoint s : setpoints) {
            if (s.monoNs() < fromNs || s.monoNs() > toNs) {
                continue;
            }
            if (previous != Long.MIN_VALUE && s.monoNs() - previous > worst) {
                worst = s.monoNs() - previous;
                worstEnd = s.monoNs();
            }
            previous = s.monoNs();
        }
        return new Gap(worst, worstEnd);
    }

    /**
     * The largest interval between consecutive setpoints among those that end after {@code fromNs} and begin no
     * later than {@code untilNs}: the intervals the fault and its handling span (for a failover: from the fault to
     * one period after the decision), not the later ones of the same recovery window.
     */
    public static double spanningGapMs(List<BoardRecord.Setpoint> setpoints, long fromNs, long untilNs) {
        long worst = 0;
        long previous = Long.MIN_VALUE;
        for (BoardRecord.Setpoint s : setpoints) {
            if (previous != Long.MIN_VALUE && s.monoNs() > fromNs && previous <= untilNs) {
                worst = Math.max(worst, s.monoNs() - previous);
            }
            if (previous > untilNs) {
                break;
            }
            previous = s.monoNs();
        }
        return ms(worst);
    }

    /** Counts setpoints in the window whose cycle went backwards (fenced) or repeated (duplicates); history counts from the start. */
    public static long stale(List<BoardRecord.Setpoint> setpoints, long fromNs, long toNs, int periodMs, boolean duplicates) {
        Set<Long> seen = new HashSet<>();
        long maxCycle = Long.MIN_VALUE;
        long count = 0;
        for (BoardRecord.Setpoint s : setpoints) {
            if (s.monoNs() > toNs) {
                break;
            }
            long cycle = s.timeBootMs() / periodMs;
            boolean repeated = !seen.add(cycle);
            // Every cycle normally gets one output, so a stale sender's setpoint usually repeats a served cycle too.
            boolean backwards = cycle < maxCycle;
            if (s.monoNs() >= fromNs && (duplicates ? repeated : backwards)) {
                count++;
            }
            maxCycle = Math.max(maxCycle, cycle);
        }
        return count;
    }

    public static double altitudeDeviation(List<BoardRecord.State> states, long fromNs, long toNs) {
        double reference = Double.NaN;
        double worst = 0;
        for (BoardRecord.State s : states) {
            if (s.monoNs() < fromNs || s.monoNs() > toNs) {
                continue;
            }
            double altitude = -s.z();
            if (Double.isNaN(reference)) {
                reference = altitude;
            }
            worst = Math.max(worst, Math.abs(altitude - reference));
        }
        return Math.round(worst * 1000) / 1000.0;
    }

    private static double ms(long ns) {
        return Math.round(ns / 1e4) / 100.0;
    }
}
