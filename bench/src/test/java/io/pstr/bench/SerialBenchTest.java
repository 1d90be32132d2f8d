package io.pstr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.link.SocatPty;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short run of {@code pstr bench serial}: it writes the figure and prints the table. Speed is not judged here. */
@Timeout(120)
class SerialBenchTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheCsvThePngAndPrintTheTable() throws Exception {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("serial", "--quick", "--duration-s", "3", "--out", dir.toString());
        assertEquals(0, code, out.toString());

        List<String> csv = Files.readAllLines(dir.resolve("serial.csv"));
        assertEquals("direction,samples,p50Us,p99Us,maxUs,measuredBitsPerSec,configuredBitsPerSec", csv.get(0));
        assertEquals(3, csv.size(), String.join("\n", csv));
        for (int i = 1; i <= 2; i++) {
            String[] row = csv.get(i).split(",");
            assertEquals(i == 1 ? "in" : "out", row[0]);
            assertTrue(Long.parseLong(row[1]) > 10, "frames measured: " + csv.get(i));
            assertTrue(Long.parseLong(row[2]) <= Long.parseLong(row[3]) && Long.parseLong(row[3]) <= Long.parseLong(row[4]),
                    "p50 <= p99 <= max: " + csv.get(i));
            assertTrue(Long.parseLong(row[5]) > 0, "a rate was measured: " + csv.get(i));
            assertEquals("115200", row[6]);
        }
        assertTrue(Files.size(dir.resolve("serial.png")) > 10_000, "a chart");
        assertTrue(Files.readString(dir.resolve("serial.machine.txt")).contains("load average"));
        String text = out.toString();
        assertTrue(text.contains("direction") && text.contains("goal: paced output within 1 %"), text);
    }
}
