package io.pstr.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.manager.cli.SoakCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code ./pstr soak --minutes 2} as a user runs it: random faults of the matrix for two minutes, then both killed. */
@Timeout(900)
class SoakSystemTest {

    @Test
    void shouldFlyTwoMinutesOfRandomFaultsWithNothingStaleRepeatedOrLost() throws Exception {
        Path doc = Path.of("target", "system-runs", "soak-2min.md").toAbsolutePath();
        StringWriter output = new StringWriter();
        CommandLine cl = new CommandLine(new SoakCommand());
        cl.setOut(new PrintWriter(output, true));
        cl.setErr(new PrintWriter(output, true));
        int code = cl.execute("--minutes", "2", "--seed", "7", "--period-ms", String.valueOf(FlyingSystem.PERIOD_MS),
                "--hang-timeout-ms", "2000", "--api-port", "0", "--doc", doc.toString(),
                "--run-dir", Path.of("target", "system-runs", "soak").toAbsolutePath().toString());
        String printed = output.toString();
        assertEquals(0, code, "every fault handled, nothing stale, repeated or lost:\n" + printed);
        assertTrue(printed.contains("seed 7"), "the seed is printed:\n" + printed);
        assertTrue(printed.contains("| kill-both | 1 |"), "ends with both killed and recovered:\n" + printed);
        String table = Files.readString(doc);
        assertTrue(table.contains("| fault | n | gap p50 ms"), table);
        long faults = printed.lines().filter(l -> l.matches("\\s+[0-9.]+\\s+[a-z-]+\\s+.*")).count();
        assertTrue(faults >= 5, "a two-minute soak injects several faults: " + faults + "\n" + printed);
    }
}
