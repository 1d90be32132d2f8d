package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSamplerTest {

    @Test
    void shouldSampleTheCpuAndMemoryOfALiveProcess() {
        long self = ProcessHandle.current().pid();
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (ProcessSampler sampler = new ProcessSampler(Path.of("/proc"), clock::get)) {
            sampler.watch(Set.of(self));
            sampler.sampleNow();
            ProcessSampler.Sample first = sampler.sample(self);
            assertEquals(-1, first.cpuPercent(), "one sample gives no rate yet");
            assertTrue(first.rssKb() > 1_000, "a JVM's RSS is megabytes: " + first.rssKb());

            clock.addAndGet(1_000_000_000L);
            sampler.sampleNow();
            assertTrue(sampler.sample(self).cpuPercent() >= 0, "a rate after two samples");
            assertEquals(ProcessSampler.Sample.UNKNOWN, sampler.sample(self + 1_000_000), "an unwatched pid");

            sampler.watch(Set.of());
            sampler.sampleNow();
            assertEquals(ProcessSampler.Sample.UNKNOWN, sampler.sample(self), "forgotten once unwatched");
        }
    }

    @Test
    void shouldReadRssAndRefuseMalformedStatusFiles(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("7"));
        Files.writeString(proc.resolve("7/status"), "Name:\tjava\nVmRSS:\t   81920 kB\nThreads:\t20\n");
        Files.createDirectories(proc.resolve("8"));
        Files.writeString(proc.resolve("8/status"), "Name:\tjava\nVmRSS:\tlots\n");
        try (ProcessSampler sampler = new ProcessSampler(proc, System::nanoTime)) {
            assertEquals(81_920, sampler.rssKb(7));
            assertEquals(-1, sampler.rssKb(8));
            assertEquals(-1, sampler.rssKb(9), "no such process");
        }
    }
}
