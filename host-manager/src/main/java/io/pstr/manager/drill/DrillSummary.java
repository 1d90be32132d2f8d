package io.pstr.manager.drill;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per fault kind: how many, command gap and detection percentiles, and every stale, repeated or lost item. */
public final class DrillSummary {

    /** The aggregate of one fault kind's rows. */
    public record Line(FaultKind kind, int count, double gapP50Ms, double gapP99Ms, double gapMaxMs, Double takeoverGapP50Ms,
            Double takeoverGapP99Ms, Double detectP50Ms,
            Double detectP99Ms, long fencedOutputs, long duplicateCycles, long lostInputFrames, double altitudeDeviationMaxM,
            int redundant, int holderChangesMax) {
    }

    private DrillSummary() {
    }

    public static List<Line> of(List<DrillMeasure.Row> rows) {
        Map<FaultKind, List<DrillMeasure.Row>> byKind = new EnumMap<>(FaultKind.class);
        for (DrillMeasure.Row r : rows) {
            byKind.computeIfAbsent(r.kind(), k -> new ArrayList<>()).add(r);
        }
        List<Line> lines = new ArrayList<>();
        byKind.forEach((kind, list) -> {
            double[] gaps = list.stream().mapToDouble(DrillMeasure.Row::gapMs).sorted().toArray();
            double[] detects = list.stream().filter(r -> r.detectMs() != null).mapToDouble(DrillMeasure.Row::detectMs).sorted().toArray();
            double[] takeovers = list.stream().filter(r -> r.takeoverGapMs() != null).mapToDouble(DrillMeasure.Row::takeoverGapMs)
                    .sorted().toArray();
            lines.add(new Line(kind, list.size(), percentile(gaps, 50), percentile(gaps, 99), gaps[gaps.length - 1],
                    percentileOrNull(takeovers, 50), percentileOrNull(takeovers, 99),
                    percentileOrNull(detects, 50), percentileOrNull(detects, 99),
                    list.stream().mapToLong(DrillMeasure.Row::fencedOutputs).sum(),
                    list.stream().mapToLong(DrillMeasure.Row::duplicateCycles).sum(),
                    list.stream().mapToLong(DrillMeasure.Row::lostInputFrames).sum(),
                    list.stream().mapToDouble(DrillMeasure.Row::altitudeDeviationM).max().orElse(0),
                    (int) list.stream().filter(DrillMeasure.Row::redundant).count(),
                    list.stream().mapToInt(DrillMeasure.Row::holderChanges).max().orElse(0)));
        });
        return lines;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** {@link #percentile}, or null where no row had the value (no failover, nothing detected). */
    private static Double percentileOrNull(double[] sorted, double p) {
        return sorted.length == 0 ? null : percentile(sorted, p);
    }

    /** A Markdown table of the per-kind summary. */
    public static String markdown(List<Line> lines, int periodMs) {
        StringBuilder sb = new StringBuilder();
        sb.append("| fault | n | gap p50 ms | gap p99 ms | gap max ms (periods) | takeover gap p50 / p99 ms | detect p50 ms | detect p99 ms | fenced | dup | lost | max alt dev m | back to redundancy | max holder changes |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f (%.2f) | %s | %s | %s | %d | %d | %d | %.2f | %d/%d | %d |%n",
                    l.kind().label(), l.count(), l.gapP50Ms(), l.gapP99Ms(), l.gapMaxMs(), l.gapMaxMs() / periodMs,
                    l.takeoverGapP50Ms() == null ? "-" : fmt(l.takeoverGapP50Ms()) + " / " + fmt(l.takeoverGapP99Ms()),
                    fmt(l.detectP50Ms()), fmt(l.detectP99Ms()), l.fencedOutputs(), l.duplicateCycles(), l.lostInputFrames(),
                    l.altitudeDeviationMaxM(), l.redundant(), l.count(), l.holderChangesMax()));
        }
        return sb.toString();
    }

    /** A Markdown table with one line per injected fault. */
    public static String markdownRows(List<DrillMeasure.Row> rows, int periodMs) {
        StringBuilder sb = new StringBuilder();
        sb.append("| fault | what is done | detect ms | command gap ms (periods) | fenced | dup | lost frames | alt dev m | holder changes | back to redundancy | recovery s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (DrillMeasure.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f (%.2f) | %d | %d | %d | %.2f | %d | %s | %.1f |%n",
                    r.kind().label(), r.kind().description(), fmt(r.detectMs()), r.gapMs(), r.gapMs() / periodMs,
                    r.fencedOutputs(), r.duplicateCycles(), r.lostInputFrames(), r.altitudeDeviationM(), r.holderChanges(),
                    r.redundant() ? "yes" : "NO" + (r.note().isEmpty() ? "" : " (" + r.note().replace('|', '/') + ")"),
                    r.recoveryS()));
        }
        return sb.toString();
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
