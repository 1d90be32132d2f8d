package io.pstr.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time and resident memory of a set of processes (the whole system: manager, replicas, board), from
 * {@code /proc}. Each {@link #sample} adds the CPU time each process used since the previous sample; a
 * process that appears (a restarted replica) counts from its first sample.
 */
final class SystemSampler {

    /** Clock ticks per second of /proc/PID/stat; 100 on every Linux this runs on (USER_HZ). */
    private static final double TICKS_PER_S = 100.0;

    private final Supplier<List<Long>> pids;
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private long firstNs = Long.MIN_VALUE;
    private long lastNs;
    private long ticks;
    private double rssSumMb;
    private double rssMaxMb;
    private int samples;

    SystemSampler(Supplier<List<Long>> pids) {
        this.pids = pids;
    }

    void sample(long nowNs) {
        double rssMb = 0;
        for (long pid : pids.get()) {
            String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
            String status = read(Path.of("/proc", Long.toString(pid), "status"));
            if (stat == null || status == null) {
                continue;
            }
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            Long before = lastTicks.put(pid, t);
            if (before != null && firstNs != Long.MIN_VALUE) {
                ticks += t - before;
            }
            for (String line : status.split("\n")) {
                if (line.startsWith("VmRSS:")) {
                    rssMb += Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        }
        if (firstNs == Long.MIN_VALUE) {
            firstNs = nowNs;
        } else {
            samples++;
            rssSumMb += rssMb;
            rssMaxMb = Math.max(rssMaxMb, rssMb);
        }
        lastNs = nowNs;
    }

    /** Average number of cores busy between the first and the last sample. */
    double cpuCores() {
        return lastNs > firstNs ? ticks / TICKS_PER_S / ((lastNs - firstNs) / 1e9) : Double.NaN;
    }

    double rssMeanMb() {
        return samples == 0 ? Double.NaN : rssSumMb / samples;
    }

    double rssMaxMb() {
        return rssMaxMb;
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}
