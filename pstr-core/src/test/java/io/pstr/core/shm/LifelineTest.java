package io.pstr.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.rt.Jvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifelineTest {

    /** Long enough that only the kernel's wake-up (or a changed word) can end the watcher's sleep within the test. */
    private static final long CAP_NS = TimeUnit.SECONDS.toNanos(120);

    @TempDir
    Path dir;

    @BeforeEach
    void needsRobustFutexes() {
        assumeTrue(Doorbell.wakesSleepers(), "no futex on this platform");
    }

    private static char stateOf(int tid) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void shouldWakeItsWatcherWhenTheHoldingThreadEnds() throws Exception {
        Path file = dir.resolve("life");
        Lifeline lifeline = new Lifeline(new UnsafeBuffer(SharedFiles.createMapped(file, 64)), 0);
        assertEquals(Lifeline.NOT_ARMED, lifeline.arm(), "nobody holds it: nothing to wait on");
        assertFalse(lifeline.held());

        int watcherTid = Futex.gettid();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            if (!lifeline.hold()) {
                return;
            }
            held.countDown();
            try {
                release.await();
                // Ends only once the watcher sleeps on the word, so that the kernel's wake-up is what ends the sleep.
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> stateOf(watcherTid) == 'S');
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "lifeline-holder");
        holder.start();
        assertTrue(held.await(60, TimeUnit.SECONDS), "the holder could not hold the lifeline");
        assertTrue(lifeline.held());
        assertFalse(lifeline.holderDied());

        Doorbell.Group group = new Doorbell.Group(1);
        group.watch(lifeline);
        release.countDown();
        long t0 = System.nanoTime();
        group.sleep(CAP_NS);
        long sleptNs = System.nanoTime() - t0;
        holder.join(TimeUnit.SECONDS.toMillis(60));

        assertTrue(sleptNs < CAP_NS / 2, "the watcher slept its cap: the thread's exit did not wake it");
        assertTrue(lifeline.holderDied(), "the kernel marks the word when its thread exits");
        assertFalse(lifeline.held());
        assertEquals(Lifeline.NOT_ARMED, lifeline.arm(), "a dead holder is not waited on (the watcher would spin)");
        Lifeline seenElsewhere = new Lifeline(new UnsafeBuffer(SharedFiles.mapExisting(file)), 0);
        assertTrue(seenElsewhere.holderDied(), "another mapping of the file sees the death");
    }

    @Test
    void shouldWakeItsWatcherWhenTheHoldingProcessIsKilled() throws Exception {
        Path file = dir.resolve("life");
        Lifeline lifeline = new Lifeline(new UnsafeBuffer(SharedFiles.createMapped(file, 64)), 0);
        Process child = new ProcessBuilder(Jvm.javaBinary(), "-Xmx32m",
                Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE,
                "-cp", System.getProperty("java.class.path"), LifelineHolder.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", out.readLine(), "the child could not hold its lifeline");
            assertTrue(lifeline.held(), "the child's thread holds the word");

            int watcherTid = Futex.gettid();
            Thread killer = new Thread(() -> {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> stateOf(watcherTid) == 'S');
                child.destroyForcibly();
            }, "killer");
            Doorbell.Group group = new Doorbell.Group(1);
            group.watch(lifeline);
            assertNotEquals(Lifeline.NOT_ARMED, lifeline.arm(), "a live holder is waited on");
            killer.start();
            long t0 = System.nanoTime();
            group.sleep(CAP_NS);
            long sleptNs = System.nanoTime() - t0;

            assertTrue(sleptNs < CAP_NS / 2, "the watcher slept its cap: SIGKILL did not wake it");
            assertTrue(lifeline.holderDied(), "SIGKILL: the kernel marked the word as its holder's thread exited");
            killer.join(TimeUnit.SECONDS.toMillis(60));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
