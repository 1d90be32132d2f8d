package io.pstr.core.rt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replica starts at the lowest priority and is settled once ready; "off" leaves every priority alone. */
class ThreadPriorityTest {

    @Test
    void shouldStartAtTheLowestPriorityOnlyWhenPrioritiesAreManaged() {
        assertEquals(List.of(), ThreadPriority.startingPrefix(ThreadPriority.Mode.OFF));
        assertEquals(List.of("nice", "-n", "19"), ThreadPriority.startingPrefix(ThreadPriority.Mode.AUTO));
        assertFalse(ThreadPriority.settle(ThreadPriority.Mode.OFF, ProcessHandle.current().pid(), "main"));
    }

    @Test
    void shouldSettleAProcessStartedAtTheLowestPriority() throws IOException {
        assumeTrue(Platform.isLinux(), "nice values per thread are Linux's");
        Process p = waitingShell(ThreadPriority.startingPrefix(ThreadPriority.Mode.AUTO));
        try {
            assertEquals(List.of(p.pid()), ThreadPriority.threadsOf(p.pid()));
            assertEquals(ThreadPriority.STARTING_NICE, ThreadPriority.niceOf(p.pid()), "started at the lowest priority");
            // Raising a priority needs root or CAP_SYS_NICE; without it the process keeps its starting value.
            assumeTrue(ThreadPriority.nice(p.pid(), 10).applied(), "not permitted to raise priorities here");
            // The shell has no VM thread: settled all the same, only that thread is reported missing.
            assertFalse(ThreadPriority.settle(ThreadPriority.Mode.AUTO, p.pid(), "sh"));
            assertEquals(ThreadPriority.REPLICA_NICE, ThreadPriority.niceOf(p.pid()));
            // A test run under nice keeps its own baseline for everything but the raised threads.
            assertTrue(ThreadPriority.baselineNice() >= -20 && ThreadPriority.baselineNice() <= 19);
        } finally {
            p.destroyForcibly();
        }
        assertTrue(ThreadPriority.threadsOf(ProcessHandle.current().pid()).size() > 1, "this JVM has threads");
    }

    @Test
    void shouldGiveARaisedThreadTheShortSliceAndTakeItBackWhenLowered() throws IOException {
        assumeTrue(Platform.isLinux(), "slices per thread are Linux's");
        Process p = waitingShell(List.of());
        try {
            long defaultSlice = ThreadPriority.sliceOf(p.pid());
            assumeTrue(defaultSlice > 0, "this kernel does not show a thread's slice (before Linux 6.12)");
            assumeTrue(ThreadPriority.nice(p.pid(), -5).applied(), "not permitted to raise priorities here");
            assertEquals(-5, ThreadPriority.niceOf(p.pid()));
            assertEquals(ThreadPriority.LATENCY_SLICE_NS, ThreadPriority.sliceOf(p.pid()), "raised: the short slice");
            assertTrue(ThreadPriority.nice(p.pid(), 5).applied());
            assertEquals(5, ThreadPriority.niceOf(p.pid()));
            assertEquals(defaultSlice, ThreadPriority.sliceOf(p.pid()), "lowered: the kernel's own slice again");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A real process that waits for its standard input (one thread, named "sh"), started under {@code prefix}. */
    private static Process waitingShell(List<String> prefix) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("/bin/sh", "-c", "read line"));
        Process p = new ProcessBuilder(cmd).start();
        try {
            await("the shell running (past any nice in front of it)").atMost(Duration.ofSeconds(10))
                    .until(() -> !ThreadPriority.threadsNamed(p.pid(), "sh").isEmpty());
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    @Test
    void shouldTellAnExitedProcessFromARunningOne() throws Exception {
        assumeTrue(Platform.isLinux(), "/proc is Linux's");
        long self = ProcessHandle.current().pid();
        assertFalse(ProcStat.exited(self));
        assertFalse(ProcStat.exited(self, self), "this process's first thread runs");
        assertTrue(ProcStat.exited(self, Integer.MAX_VALUE), "a thread this process does not have");
        Process p = new ProcessBuilder("/bin/sh", "-c", "exit 0").start();
        p.waitFor();
        assertTrue(ProcStat.exited(p.pid()), "reaped: no /proc entry");
        assertTrue(ProcStat.exited(p.pid(), p.pid()), "and its threads with it");
        assertFalse(ThreadPriority.applyToThread(ThreadPriority.Mode.AUTO, p.pid(), "sh", ThreadPriority.REPLICA_NICE),
                "nothing to set on a process that has gone");
    }
}
