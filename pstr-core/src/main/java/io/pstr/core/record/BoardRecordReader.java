package io.pstr.core.record;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads what {@link BoardRecordWriter} wrote. Bad lines are counted, logged at debug and skipped. */
public final class BoardRecordReader {
    private static final Logger LOG = LoggerFactory.getLogger(BoardRecordReader.class);
    private static final int COLUMNS = 20;

    private long badLines;
    private long goodLines;

    public List<BoardRecord> read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read board record " + file, e);
        }
    }

    public List<BoardRecord> read(Reader reader) {
        List<BoardRecord> records = new ArrayList<>();
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        try {
            String line;
            long lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isEmpty() || line.equals(BoardRecordWriter.HEADER)) {
                    continue;
                }
                try {
                    records.add(parse(line));
                    goodLines++;
                } catch (IllegalArgumentException e) {
                    badLines++;
                    LOG.debug("board record line {} skipped: {}", lineNumber, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read board record", e);
        }
        return records;
    }

    /** Lines that could not be parsed, over all reads. */
    public long badLines() {
        return badLines;
    }

    public long goodLines() {
        return goodLines;
    }

    static BoardRecord parse(String line) {
        String[] c = line.split(",", -1);
        if (c.length != COLUMNS) {
            throw new IllegalArgumentException(c.length + " columns, expected " + COLUMNS);
        }
        long monoNs = parseLong(c[0], "monoNs");
        return switch (c[1]) {
            case "setpoint" -> new BoardRecord.Setpoint(monoNs, parseLong(c[2], "timeBootMs"), parseInt(c[3], "msgId"),
                    parseInt(c[4], "seq"), parseInt(c[5], "sysId"), parseInt(c[6], "compId"), c[7],
                    d(c[9]), d(c[10]), d(c[11]), d(c[15]), d(c[16]), d(c[17]), d(c[18]));
            case "command" -> new BoardRecord.Command(monoNs, parseInt(c[3], "msgId"), parseInt(c[4], "seq"),
                    parseInt(c[5], "sysId"), parseInt(c[6], "compId"), c[7], d(c[9]), d(c[10]), d(c[11]));
            case "state" -> new BoardRecord.State(monoNs, parseLong(c[2], "timeBootMs"), c[7], armed(c[8]),
                    d(c[9]), d(c[10]), d(c[11]), d(c[12]), d(c[13]), d(c[14]), d(c[15]), d(c[16]), d(c[17]), d(c[18]),
                    parseLong(c[19], "framesSent"));
            case "mode" -> new BoardRecord.ModeChange(monoNs, parseLong(c[2], "timeBootMs"), c[7], armed(c[8]));
            default -> throw new IllegalArgumentException("unknown kind '" + c[1] + "'");
        };
    }

    private static boolean armed(String s) {
        return switch (s) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new IllegalArgumentException("armed '" + s + "' is not 0 or 1");
        };
    }

    private static double d(String s) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number", e);
        }
    }

    private static long parseLong(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not an integer", e);
        }
    }

    private static int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not an integer", e);
        }
    }
}
