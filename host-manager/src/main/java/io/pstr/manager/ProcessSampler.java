package io.pstr.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * CPU and memory of the replicas' processes, sampled on its own thread so that the conductor never
 * touches {@code /proc}: CPU time from {@link ProcessHandle.Info#totalCpuDuration()} (the JDK reads
 * {@code /proc/PID/stat} with the right clock-tick rate), resident memory from the {@code VmRSS} line of
 * {@code /proc/PID/status}. The conductor says which pids to watch and reads the latest sample.
 */
public final class ProcessSampler implements AutoCloseable {

    /** One sample: CPU use over the last interval in percent of one core (-1 before two samples), RSS in KiB (-1 unknown). */
    public record Sample(double cpuPercent, long rssKb) {
        public static final Sample UNKNOWN = new Sample(-1, -1);
    }

    private record CpuMark(long cpuNs, long atNs) {
    }

    private final Path proc;
    private final LongSupplier clock;
    private final ScheduledExecutorService thread;
    private volatile Set<Long> watched = Set.of();
    private final Map<Long, CpuMark> marks = new ConcurrentHashMap<>();
    private final Map<Long, Sample> samples = new ConcurrentHashMap<>();

    /** Samples every {@code periodMs} on a daemon thread. */
    public ProcessSampler(long periodMs) {
        this(Path.of("/proc"), System::nanoTime);
        thread.scheduleWithFixedDelay(this::sampleNow, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** For tests: no thread; call {@link #sampleNow()}. */
    ProcessSampler(Path proc, LongSupplier clock) {
        this.proc = proc;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "process-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** The pids to sample from now on (others are forgotten). Any thread. */
    public void watch(Set<Long> pids) {
        if (!pids.equals(watched)) {
            watched = Set.copyOf(pids);
        }
    }

    /** The latest sample of a pid, {@link Sample#UNKNOWN} if none. Any thread. */
    public Sample sample(long pid) {
        return samples.getOrDefault(pid, Sample.UNKNOWN);
    }

    /** Takes one sample of every watched pid. */
    void sampleNow() {
        Set<Long> pids = watched;
        marks.keySet().retainAll(pids);
        samples.keySet().retainAll(pids);
        for (long pid : pids) {
            long now = clock.getAsLong();
            Optional<Duration> cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration());
            double percent = -1;
            if (cpu.isPresent()) {
                CpuMark mark = new CpuMark(cpu.get().toNanos(), now);
                CpuMark last = marks.put(pid, mark);
                if (last != null && mark.atNs() > last.atNs()) {
                    percent = 100.0 * Math.max(0, mark.cpuNs() - last.cpuNs()) / (mark.atNs() - last.atNs());
                }
            } else {
                marks.remove(pid);
            }
            samples.put(pid, new Sample(percent, rssKb(pid)));
        }
    }

    /** VmRSS of /proc/PID/status in KiB, -1 when the process is gone or the line is missing or malformed. */
    long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return parts.length == 2 && parts[1].equals("kB") ? Long.parseLong(parts[0]) : -1;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
