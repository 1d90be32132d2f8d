package io.pstr.ui;

import io.pstr.core.status.JournalEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One line of the event timeline: a journal event, or a note of the ground station's own (connection lost,
 * host manager restarted).
 *
 * @param timeS   seconds on the ground station's time axis (the plots'), NaN when unknown
 * @param clock   wall-clock time of day
 * @param figures the measured numbers (detection time, ...) as {@code name=value} pairs
 */
public record TimelineEntry(long seq, double timeS, String clock, String type, String cause, String slot, long epoch,
                            String message, String figures, Map<String, Object> rawFigures) {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    /** Types the filter groups together. */
    public enum Group {
        ALL("all events"),
        CHANGES("failovers and failbacks"),
        FAULTS("faults"),
        LINK("board, link and connection"),
        REPLICAS("replicas and state");

        private final String label;

        Group(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static TimelineEntry of(JournalEvent e, double timeS, ZoneId zone) {
        Map<String, Object> figures = e.figures() == null ? Map.of() : new LinkedHashMap<>(e.figures());
        return new TimelineEntry(e.seq(), timeS, CLOCK.format(Instant.ofEpochMilli(e.wallMs()).atZone(zone)), e.type(),
                e.cause(), e.slot() == null ? "" : e.slot(), e.epoch(), e.message() == null ? "" : e.message(),
                formatFigures(figures), Map.copyOf(figures));
    }

    static TimelineEntry note(String type, String cause, String message, double timeS, long wallMs, ZoneId zone) {
        return new TimelineEntry(0, timeS, CLOCK.format(Instant.ofEpochMilli(wallMs).atZone(zone)), type, cause, "", 0,
                message, "", Map.of());
    }

    static String formatFigures(Map<String, Object> figures) {
        return figures.entrySet().stream()
                .map(en -> en.getKey() + "=" + (en.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.1f", d)
                        : String.valueOf(en.getValue())))
                .collect(Collectors.joining("  "));
    }

    public boolean isChange() {
        return "FAILOVER".equals(type) || "FAILBACK".equals(type);
    }

    /** The board link's events, and the board's own (a mode change). */
    private boolean isBoardOrLink() {
        return "LINK".equals(type) || "CONNECTION".equals(type) || "BOARD".equals(type);
    }

    public boolean in(Group group) {
        return switch (group) {
            case ALL -> true;
            case CHANGES -> isChange();
            case FAULTS -> "FAULT".equals(type);
            case LINK -> isBoardOrLink();
            case REPLICAS -> !isChange() && !"FAULT".equals(type) && !isBoardOrLink();
        };
    }

    /** Whether any column contains the text (case-insensitive); blank matches all. */
    public boolean matches(String text) {
        if (text == null || text.isBlank()) {
            return true;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return (type + " " + cause + " " + slot + " " + message + " " + figures).toLowerCase(Locale.ROOT).contains(t);
    }
}
