package io.pstr.core.tlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sidecar of a {@code .tlog}: where the host's cycles began and ended in the board's frame stream.
 * <p>
 * CSV with the header {@value #HEADER}. {@code start}: the host began handing board frames to the replicas
 * after {@code boardFrames} board frames of the log (those before went nowhere). {@code tick}: cycle
 * {@code cycle} ended after the log's first {@code boardFrames} board frames. {@code gcs}: the log's board frame
 * number {@code boardFrames} (counted from 1) came in on the ground-station link, not the board's ({@code cycle}
 * 0). {@code cold}: after cycle {@code cycle} and the log's first {@code boardFrames} board frames, a replica was
 * started cold (both had been lost: a new mission that lands where the aircraft is). {@code dropped}: records the
 * recorder could not keep so far (its queue was full); from the first row where it is not 0 the log no longer
 * holds exactly what the replicas saw.
 * <p>
 * Lines {@code #key=value} carry what a replay needs besides the frames: {@code periodMs} and
 * {@code replicaArgs} (the mission options every replica got, separated by single spaces).
 */
public final class CycleLog {

    public static final String HEADER = "kind,cycle,boardFrames,dropped,unixUs";

    /** One row. */
    public record Row(Kind kind, long cycle, long boardFrames, long dropped, long unixUs) {
    }

    public enum Kind { START, TICK, GCS, COLD }

    /** What {@link #read} found. */
    public record Contents(java.util.Map<String, String> meta, List<Row> rows, long badLines) {
    }

    private CycleLog() {
    }

    static String format(Row r) {
        return r.kind().name().toLowerCase(java.util.Locale.ROOT) + ',' + r.cycle() + ',' + r.boardFrames() + ','
                + r.dropped() + ',' + r.unixUs() + '\n';
    }

    /** Reads a sidecar; malformed lines (a crash can cut the last one) are counted and skipped. */
    public static Contents read(Path file) {
        List<Row> rows = new ArrayList<>();
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        long bad = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty() || line.equals(HEADER)) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (line.startsWith("#") && eq > 1) {
                    meta.put(line.substring(1, eq).trim(), line.substring(eq + 1));
                    continue;
                }
                Row r = parse(line);
                if (r == null) {
                    bad++;
                } else {
                    rows.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cycle log " + file + ": " + e.getMessage(), e);
        }
        return new Contents(meta, rows, bad);
    }

    static Row parse(String line) {
        String[] c = line.split(",", -1);
        if (c.length != 5) {
            return null;
        }
        Kind kind = switch (c[0]) {
            case "start" -> Kind.START;
            case "tick" -> Kind.TICK;
            case "gcs" -> Kind.GCS;
            case "cold" -> Kind.COLD;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        try {
            long cycle = Long.parseLong(c[1]);
            long frames = Long.parseLong(c[2]);
            long dropped = Long.parseLong(c[3]);
            long unixUs = Long.parseLong(c[4]);
            if (cycle < 0 || frames < 0 || dropped < 0) {
                return null;
            }
            return new Row(kind, cycle, frames, dropped, unixUs);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
