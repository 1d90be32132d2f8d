package io.pstr.core.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardRecordTest {

    @TempDir
    Path dir;

    private final List<BoardRecord> sample = List.of(
            new BoardRecord.ModeChange(1_000L, 0, "POSCTL", false),
            new BoardRecord.Command(2_000L, 400, 7, 255, 190, "ACCEPTED", 1.0, 0.0, Double.NaN),
            new BoardRecord.Setpoint(3_000L, 1234, 82, 8, 255, 190, "POSCTL",
                    Double.NaN, Double.NaN, Double.NaN, 0.1, -0.2, 1.5707963267948966, 0.5),
            new BoardRecord.Setpoint(4_000L, 1254, 84, 9, 255, 190, "OFFBOARD",
                    1.0, 2.0, -3.0, Double.NaN, Double.NaN, 0.25, Double.NaN),
            new BoardRecord.State(5_000L, 40, "OFFBOARD", true, 0.1, 0.2, -2.5, 0.01, -0.02, 0.3,
                    0.001, -0.002, 3.1, 0.5123, 4242));

    @Test
    void shouldReadBackExactlyWhatWasWritten() {
        Path file = dir.resolve("sub/board.csv");
        try (BoardRecordWriter w = new BoardRecordWriter(file)) {
            sample.forEach(w::write);
        }
        BoardRecordReader reader = new BoardRecordReader();
        assertEquals(sample, reader.read(file));
        assertEquals(0, reader.badLines());
    }

    @Test
    void shouldFlushWithin200MsOfRecordTime() throws Exception {
        Path file = dir.resolve("board.csv");
        try (BoardRecordWriter w = new BoardRecordWriter(file)) {
            w.write(sample.get(0));
            w.write(new BoardRecord.ModeChange(1_000L + 100_000_000L, 5, "OFFBOARD", true));
            assertEquals(2, Files.readAllLines(file).size(), "header and the first row flushed at once");
            w.flushIfDue(1_000L + 200_000_000L);
            assertEquals(3, Files.readAllLines(file).size());
        }
    }

    @Test
    void shouldCountAndSkipGarbageLines() {
        String header = BoardRecordWriter.HEADER + "\n";
        String good = "5,mode,3,,,,,OFFBOARD,1,,,,,,,,,,,\n";
        String text = header
                + "garbage\n"
                + "6,teleport,3,,,,,OFFBOARD,1,,,,,,,,,,,\n"
                + "x7,mode,3,,,,,OFFBOARD,1,,,,,,,,,,,\n"
                + "8,state,3,,,,,OFFBOARD,1,abc,,,,,,,,,,1\n"
                + "9,mode,3,,,,,OFFBOARD,maybe,,,,,,,,,,,\n"
                + good;
        BoardRecordReader reader = new BoardRecordReader();
        List<BoardRecord> records = reader.read(new StringReader(text));
        assertEquals(List.of(new BoardRecord.ModeChange(5, 3, "OFFBOARD", true)), records);
        assertEquals(5, reader.badLines());
    }
}
