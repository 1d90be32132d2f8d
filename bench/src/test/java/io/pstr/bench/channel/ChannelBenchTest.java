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
        List<String> intervals = Files.readAllLines(dir.resolve("channel-paced-intervals.csv"));
        assertEquals("transport,sizeBytes,samples,p50Us,p50LowUs,p50HighUs,p99Us,p99LowUs,p99HighUs", intervals.get(0));
        assertEquals(6, intervals.size(), intervals.toString());
        for (String line : intervals.subList(1, intervals.size())) {
            String[] f = line.split(",");
            assertTrue(f[0].endsWith("-paced") && f[1].equals("64") && f[2].equals("100"), line);
            double[] v = new double[6];
            for (int k = 0; k < 6; k++) {
                v[k] = Double.parseDouble(f[3 + k]);
            }
            // each percentile within its range, the p50's range below the p99's top
            assertTrue(v[1] <= v[0] && v[0] <= v[2] && v[4] <= v[3] && v[3] <= v[5] && v[2] <= v[5], line);
        }
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
        assertTrue(met.get(2).endsWith(": REACHED (none above)"), met.get(2));

        // The fast path slower at 64 bytes, the Unix socket waking faster, the idle receiver busy: each goal fails.
        backToBack.get("channel-fast")[1] = flat(2_000, 1)[0];
        paced.put("uds", flat(10_000, 1));
        List<String> missed = ChannelBench.goals(backToBack, paced, pacedSizes, 1.5);
        missed.forEach(line -> assertTrue(line.contains(": NOT reached ("), line));
        assertTrue(missed.get(0).contains("channel-fast p50 6.0x at 64 B"), missed.get(0));
        assertTrue(missed.get(1).contains("channel-fast p50 2.000 / p99 2.000 us"), missed.get(1));
        assertTrue(missed.get(2).contains("4 clearly above: channel p50 15.0 [15.0-15.0] > uds 10.0 [10.0-10.0] us at 64 B"),
                missed.get(2));
        assertTrue(missed.get(2).endsWith("at 64 B)") && !missed.get(2).contains("by less than"), missed.get(2));
    }

    @Test
    void shouldCountAPacedPercentileAsHigherOnlyByMoreThanTheRunCanTellApart() {
        Map<String, Histogram[]> backToBack = new LinkedHashMap<>();
        for (String t : List.of("channel", "channel-fast", ChannelBench.RAW)) {
            backToBack.put(t, flat(400, ChannelBench.SIZES.length));
        }
        for (String t : List.of("udp", "tcp", "uds")) {
            backToBack.put(t, flat(12_000, ChannelBench.SIZES.length));
        }
        int[] pacedSizes = {64};
        Map<String, Histogram[]> paced = new LinkedHashMap<>();
        paced.put("udp", new Histogram[] {tail(18_000, 120_000)});
        paced.put("tcp", new Histogram[] {tail(22_000, 130_000)});
        paced.put("uds", new Histogram[] {tail(15_000, 80_000)});
        // The channel's p99 1 µs above the Unix socket's, each known to 2 µs either way.
        paced.put("channel", new Histogram[] {tail(13_000, 81_000)});
        paced.put("channel-fast", new Histogram[] {tail(13_000, 80_000)});

        String within = ChannelBench.goals(backToBack, paced, pacedSizes, 0.07).get(2);
        assertTrue(within.contains(": REACHED (none clearly above; 1 above by less than"), within);
        assertTrue(within.contains("channel p99 81.0 [79.0-83.0] > uds 80.0 [78.0-82.0] us at 64 B"), within);

        // 20 µs above: more than two ranges of 2 µs either way can explain.
        paced.put("channel-fast", new Histogram[] {tail(13_000, 100_000)});
        String clearly = ChannelBench.goals(backToBack, paced, pacedSizes, 0.07).get(2);
        assertTrue(clearly.contains(
                ": NOT reached (1 clearly above: channel-fast p99 100.0 [98.0-102.0] > uds 80.0 [78.0-82.0] us at 64 B"), clearly);
        assertTrue(clearly.contains("; 1 above by less than"), clearly);
    }

    @Test
    void shouldBoundAPercentileByTheOrderStatisticsAroundIt() {
        Histogram h = new Histogram(5);
        for (int v = 1; v <= 20_000; v++) {
            h.recordValue(v);
        }
        ChannelBench.Interval p99 = ChannelBench.Interval.of(h, 99);
        // 19 800 ∓ 1.96·√198 = 19 772.4 and 19 827.6: the 19 772nd and the 19 828th value
        assertEquals(19_800, p99.value());
        assertEquals(19_772, p99.low());
        assertEquals(19_828, p99.high());
        ChannelBench.Interval p50 = ChannelBench.Interval.of(h, 50);
        // 10 000 ∓ 1.96·√5 000 = 9 861.4 and 10 138.6
        assertEquals(10_000, p50.value());
        assertEquals(9_861, p50.low());
        assertEquals(10_139, p50.high());
    }

    /**
     * 10 000 samples: 9 850 at {@code bodyNs}, then 100 climbing 0.1 µs a sample, the 9 900th (the p99) at
     * {@code p99Ns}, and 50 far above. The p99's 95 % range is the 9 880th to the 9 920th sample: 2 µs either way.
     */
    private static Histogram tail(long bodyNs, long p99Ns) {
        Histogram h = new Histogram(5);
        h.recordValueWithCount(bodyNs, 9_850);
        for (int rank = 9_851; rank <= 9_950; rank++) {
            h.recordValue(p99Ns + (rank - 9_900) * 100L);
        }
        h.recordValueWithCount(10 * p99Ns, 50);
        return h;
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
