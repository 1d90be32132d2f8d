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
        List<String> directions = List.of("in", "out", "in-link", "in-host", "out-host", "floor-wake");
        assertEquals(directions.size() + 1, csv.size(), String.join("\n", csv));
        for (int i = 1; i < csv.size(); i++) {
            String[] row = csv.get(i).split(",");
            assertEquals(directions.get(i - 1), row[0]);
            assertTrue(Long.parseLong(row[1]) > 10, "samples measured: " + csv.get(i));
            assertTrue(Long.parseLong(row[2]) <= Long.parseLong(row[3]) && Long.parseLong(row[3]) <= Long.parseLong(row[4]),
                    "p50 <= p99 <= max: " + csv.get(i));
            if (!row[0].equals("floor-wake")) {
                assertTrue(Long.parseLong(row[5]) > 0, "a rate was measured: " + csv.get(i));
            }
            assertEquals("115200", row[6]);
        }
        // Every replica read of a frame is split at the host's stamp of it: as many host shares as end-to-end delays.
        assertEquals(csv.get(1).split(",")[1], csv.get(4).split(",")[1], "in and in-host count the same reads");
        assertTrue(Files.size(dir.resolve("serial.png")) > 10_000, "a chart");
        String machine = Files.readString(dir.resolve("serial.machine.txt"));
        assertTrue(machine.contains("load average") && machine.contains("--priority auto"), machine);
        String text = out.toString();
        assertTrue(text.contains("direction") && text.contains("goal: paced output within 1 %") && text.contains("floor in this run"), text);
    }

    @Test
    void shouldRefuseAPriorityItDoesNotKnowBeforeStarting() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("serial", "--priority", "sometimes", "--out", dir.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--priority") && err.toString().contains("expected auto or off"), err.toString());
        assertTrue(!Files.exists(dir.resolve("serial.csv")), "nothing measured");
    }
}
