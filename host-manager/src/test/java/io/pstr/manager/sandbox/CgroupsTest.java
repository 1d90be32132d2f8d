package io.pstr.manager.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.rt.ThreadPriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files {@link Cgroups} writes, on directory trees laid out like the kernel's v1 and v2 hierarchies
 * (the real v1 hierarchy of a root host is exercised by {@link JailLauncherTest}).
 */
class CgroupsTest {

    @TempDir
    Path root;

    /** A v1 controller's directory with the file {@link Cgroups#detect} looks for. */
    private Path v1Hierarchy(String name, String probeFile) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve(probeFile), "-1");
        return dir;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }

    @Test
    void shouldWriteV1QuotaAndMemoryLimitInTheCpuAndMemoryHierarchies() throws IOException {
        Path cpu = v1Hierarchy("cpu,cpuacct", "cpu.cfs_quota_us");
        Path memory = v1Hierarchy("memory", "memory.limit_in_bytes");
        Cgroups.Result result = Cgroups.detect(root);
        assertTrue(result.cgroups().isPresent(), result.problem());
        Cgroups cg = result.cgroups().get();
        assertEquals(Cgroups.Version.V1, cg.version());

        Cgroups.Group group = cg.create("pstr-1-A-1", new Cgroups.Limits(0.25, 200L << 20));
        assertEquals("2500", read(cpu.resolve("pstr/pstr-1-A-1/cpu.cfs_quota_us")));
        assertEquals("10000", read(cpu.resolve("pstr/pstr-1-A-1/cpu.cfs_period_us")));
        assertEquals(Long.toString(200L << 20), read(memory.resolve("pstr/pstr-1-A-1/memory.limit_in_bytes")));
        assertEquals("2048", read(cpu.resolve("pstr/cpu.shares")), "the parent weighs as two processes");
        Files.writeString(cpu.resolve("pstr/cpu.shares"), "8192");
        cg.create("pstr-1-A-2", new Cgroups.Limits(0.25, 200L << 20));
        assertEquals("8192", read(cpu.resolve("pstr/cpu.shares")), "an operator's higher weight is kept");
        assertEquals(List.of(memory.resolve("pstr/pstr-1-A-1/cgroup.procs")), group.procsFiles(),
                "launched into the memory group only: the cpu group is joined once the replica runs");
        assertEquals("8192", read(cpu.resolve("pstr/pstr-1-A-1/cpu.shares")));
        group.running(4242);
        assertEquals("4242", read(cpu.resolve("pstr/pstr-1-A-1/cgroup.procs")), "running: the replica joins its cpu group");
    }

    @Test
    void shouldRemoveOnlyTheGroupsOfManagersThatAreGone() throws IOException {
        Path cpu = v1Hierarchy("cpu", "cpu.cfs_quota_us");
        Path memory = v1Hierarchy("memory", "memory.limit_in_bytes");
        Cgroups cg = Cgroups.detect(root).cgroups().orElseThrow();
        long gone = 2_000_000_000L; // above the kernel's pid limit: no such process
        Path stale = Files.createDirectories(cpu.resolve("pstr/pstr-" + gone + "-A-1"));
        Path mine = Files.createDirectories(cpu.resolve("pstr/pstr-" + ProcessHandle.current().pid() + "-A-1"));
        Path other = Files.createDirectories(memory.resolve("pstr/someone-else"));
        assertEquals(1, cg.removeStale("pstr"));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(mine), "a live manager's group stays");
        assertTrue(Files.exists(other), "groups not named by us stay");
    }

    @Test
    void shouldWriteV2CpuMaxAndMemoryMaxAndEnableTheControllers() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        Cgroups.Result result = Cgroups.detect(root);
        assertTrue(result.cgroups().isPresent(), result.problem());
        Cgroups cg = result.cgroups().get();
        assertEquals(Cgroups.Version.V2, cg.version());

        Files.createDirectories(root.resolve("pstr/pstr-1-B-3"));
        Files.writeString(root.resolve("pstr/pstr-1-B-3/memory.swap.max"), "max");
        Cgroups.Group group = cg.create("pstr-1-B-3", new Cgroups.Limits(1.5, 256L << 20));
        Path dir = root.resolve("pstr/pstr-1-B-3");
        assertEquals("15000 10000", read(dir.resolve("cpu.max")));
        assertEquals(Long.toString(256L << 20), read(dir.resolve("memory.max")));
        assertEquals("0", read(dir.resolve("memory.swap.max")), "no swapping around the memory limit");
        assertEquals("+cpu +memory", read(root.resolve("cgroup.subtree_control")));
        assertEquals("+cpu +memory", read(root.resolve("pstr/cgroup.subtree_control")));
        assertEquals("200", read(root.resolve("pstr/cpu.weight")));
        cg.create("pstr-1-B-4", new Cgroups.Limits(0, 256L << 20));
        assertEquals("max 10000", read(root.resolve("pstr/pstr-1-B-4/cpu.max")), "no quota");
        assertEquals(List.of(dir.resolve("cgroup.procs")), group.procsFiles(), "one group for every controller, joined at launch");
        assertEquals("25", read(dir.resolve("cpu.weight")), "light while starting");
        group.running(4242);
        assertEquals("800", read(dir.resolve("cpu.weight")), "full weight once running");
        assertFalse(Files.exists(dir.resolve("cgroup.procs")), "already in it: nothing to join");
    }

    @Test
    void shouldMoveOnlyTheNamedThreadsIntoTheHostManagersOwnCpuGroup() throws Exception {
        Path cpu = v1Hierarchy("cpu,cpuacct", "cpu.cfs_quota_us");
        v1Hierarchy("memory", "memory.limit_in_bytes");
        Path hostGroup = Files.createDirectories(cpu.resolve("flight/host"));
        Files.writeString(hostGroup.resolve("tasks"), "");
        Path own = root.resolve("self-cgroup");
        Files.writeString(own, "9:name=systemd:/\n4:memory:/elsewhere\n1:cpu,cpuacct:/flight/host\n0::/\n");
        Cgroups cg = Cgroups.detect(root, own).cgroups().orElseThrow();

        CountDownLatch done = new CountDownLatch(1);
        Thread agent = new Thread(() -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "replica-T");
        agent.start();
        try {
            long pid = ProcessHandle.current().pid();
            await().until(() -> !ThreadPriority.threadsNamed(pid, "replica-T").isEmpty());
            long tid = ThreadPriority.threadsNamed(pid, "replica-T").get(0);
            assertEquals(1, cg.joinHostCpuGroup(pid, List.of("replica-T", "no such thread")));
            assertEquals(Long.toString(tid), read(hostGroup.resolve("tasks")), "the agent's thread id, and no other");
        } finally {
            done.countDown();
            agent.join();
        }

        Files.writeString(own, "1:cpu,cpuacct:/../../outside\n");
        assertEquals(0, Cgroups.detect(root, own).cgroups().orElseThrow().joinHostCpuGroup(ProcessHandle.current().pid(),
                List.of("main")), "a group path that leaves the hierarchy is not followed");
    }

    @Test
    void shouldExplainWhatIsMissing() throws IOException {
        Cgroups.Result none = Cgroups.detect(root);
        assertTrue(none.cgroups().isEmpty());
        assertTrue(none.problem().contains("no cgroup v2"), none.problem());

        Files.writeString(root.resolve("cgroup.controllers"), "pids\n");
        Cgroups.Result noCpu = Cgroups.detect(root);
        assertTrue(noCpu.cgroups().isEmpty());
        assertTrue(noCpu.problem().contains("no cpu and memory controllers"), noCpu.problem());
    }

    @Test
    void shouldRejectUnusableLimitsAndNames() {
        assertThrows(IllegalArgumentException.class, () -> new Cgroups.Limits(-1, 256L << 20));
        assertThrows(IllegalArgumentException.class, () -> new Cgroups.Limits(0.001, 256L << 20));
        assertEquals(-1, new Cgroups.Limits(0, 256L << 20).cpuQuotaUs(), "0: no quota");
        assertThrows(IllegalArgumentException.class, () -> new Cgroups.Limits(Double.NaN, 256L << 20));
        assertThrows(IllegalArgumentException.class, () -> new Cgroups.Limits(1, 1L << 20));
        assertThrows(IllegalArgumentException.class, () -> new Cgroups.Limits(0.01, 64L << 20), "under the 1 ms minimum quota");
        assertEquals(1_000, new Cgroups.Limits(0.1, 64L << 20).cpuQuotaUs());
    }

    @Test
    void shouldParseSizesAsPeopleWriteThem() {
        assertEquals(256L << 20, ByteSize.parse("256m"));
        assertEquals(256L << 20, ByteSize.parse("256MiB"));
        assertEquals(1L << 30, ByteSize.parse(" 1G "));
        assertEquals(512L << 10, ByteSize.parse("512kb"));
        assertEquals(268435456L, ByteSize.parse("268435456"));
        assertEquals(100, ByteSize.parse("100b"));
        for (String bad : new String[] {"", "m", "-1m", "1.5g", "12x", "99999999999999999999", "9999999999999t", "256 m b"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
        }
    }
}
