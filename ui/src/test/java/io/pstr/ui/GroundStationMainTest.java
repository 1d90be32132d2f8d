package io.pstr.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options of {@code pstr ui} that are checked before any window opens. */
class GroundStationMainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new GroundStationMain());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpShouldOfferTheRecordDirectory() {
        assertEquals(0, run("--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("--record-dir=DIR"), help);
        assertTrue(help.contains("pstr-station-YYYYMMDD-HHMMSS.jsonl"), help);
    }

    @Test
    void aRecordDirectoryThatIsAFileShouldBeBadUsage() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertEquals(2, run("--record-dir", file.toString()));
        assertTrue(err.toString().contains("--record-dir must be a directory"), err.toString());
    }
}
