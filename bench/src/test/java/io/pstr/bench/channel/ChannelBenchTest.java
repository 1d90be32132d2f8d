package io.pstr.bench.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.bench.BenchMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
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

    @Test
    void shouldJudgeTheGoalsFromTheFigures() {
        Map<String, Histogram[]> backToBack = new LinkedHashMap<>();
        for (String t : List.of("channel", "channel-fast")) {
            backToBack.put(t, flat(400, ChannelBench.SIZES.length));
        }
        for (String t : List.of("udp", "tcp", "uds")) {
            backToBack.put(t, flat(12_000, ChannelBench.SIZES.length));
        }
        backToBack.put(ChannelBench.RAW, flat(100, ChannelBench.SIZES.length));
        Map<String, Histogram[]> paced = new LinkedHashMap<>();
        paced.put("channel", flat(15_000, 1));
        paced.put("channel-fast", flat(15_000, 1));
        paced.put("udp", flat(20_000, 1));
        paced.put("tcp", flat(23_000, 1));
        paced.put("uds", flat(16_000, 1));
        int[] pacedSizes = {64};

        List<String> met = ChannelBench.goals(backToBack, paced, pacedSizes, 0.07);
        assertEquals(4, met.size(), met.toString());
        met.forEach(line -> assertTrue(line.startsWith("goal: ") && line.contains(": REACHED ("), line));
        assertTrue(met.get(0).contains("channel p50 30.0x at 32 B"), met.get(0));
        assertTrue(met.get(1).contains("the floor (shm-raw) 0.100 / 0.100 us"), met.get(1));

        // The fast path slower at 64 bytes, the Unix socket waking faster, the idle receiver busy: each goal fails.
        backToBack.get("channel-fast")[1] = flat(2_000, 1)[0];
        paced.put("uds", flat(10_000, 1));
        List<String> missed = ChannelBench.goals(backToBack, paced, pacedSizes, 1.5);
        missed.forEach(line -> assertTrue(line.contains(": NOT reached ("), line));
        assertTrue(missed.get(0).contains("channel-fast p50 6.0x at 64 B"), missed.get(0));
        assertTrue(missed.get(1).contains("channel-fast p50 2.000 / p99 2.000 us"), missed.get(1));
        assertTrue(missed.get(2).contains("4 above: channel p50 15.0 > uds 10.0 us at 64 B"), missed.get(2));
    }

    /** {@code n} histograms, each of 100 samples of {@code ns}. */
    private static Histogram[] flat(long ns, int n) {
        Histogram[] h = new Histogram[n];
        for (int i = 0; i < n; i++) {
            h[i] = new Histogram(3);
            h[i].recordValueWithCount(ns, 100);
        }
        return h;
    }
}
