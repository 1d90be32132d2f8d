package io.pstr.bench.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.bench.BenchMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A small run of {@code pstr bench channel} (six peer JVMs, the samples taken in turns): every transport and
 * size has its rows, the bare shared-memory baseline its back-to-back ones, and the charts and the idle figure are
 * written. Speed is not judged here.
 */
@Timeout(180)
class ChannelBenchTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteARowForEveryTransportSizeAndPattern() throws Exception {
        int code = new CommandLine(new BenchMain()).execute("channel", "--quick", "--samples", "1000", "--paced-samples", "100",
                "--idle-ms", "200", "--out", dir.toString());
        assertEquals(0, code);

        List<String> csv = Files.readAllLines(dir.resolve("channel.csv"));
        assertEquals("transport,sizeBytes,samples,p50Us,p99Us,p999Us,maxUs", csv.get(0));
        List<String> expected = new ArrayList<>();
        for (String t : List.of("channel", "channel-fast", "udp", "tcp", "uds")) {
            for (int size : ChannelBench.SIZES) {
                expected.add(t + "," + size + ",1000");
            }
            // --quick paces the 64-byte messages only
            expected.add(t + "-paced,64,100");
        }
        // the baseline runs back to back only
        for (int size : ChannelBench.SIZES) {
            expected.add(ChannelBench.RAW + "," + size + ",1000");
        }
        List<String> seen = new ArrayList<>();
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            seen.add(f[0] + "," + f[1] + "," + f[2]);
            double p50 = Double.parseDouble(f[3]);
            double p99 = Double.parseDouble(f[4]);
            double p999 = Double.parseDouble(f[5]);
            double max = Double.parseDouble(f[6]);
            assertTrue(0 < p50 && p50 <= p99 && p99 <= p999 && p999 <= max, line);
        }
        assertEquals(expected, seen);
        for (String png : List.of("channel.png", "channel-p99.png", "channel-paced.png")) {
            assertTrue(Files.size(dir.resolve(png)) > 10_000, png);
        }
        List<String> idle = Files.readAllLines(dir.resolve("channel-idle.csv"));
        assertTrue(idle.get(1).startsWith("channel-idle-receiver,"), idle.toString());
        assertTrue(Files.readString(dir.resolve("channel.load.txt")).contains("paced samples 100"));
    }
}
