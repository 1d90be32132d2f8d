package io.pstr.manager.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.rt.Jvm;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.RingFile;
import io.pstr.core.shm.SharedFiles;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.Slot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInfo;

/** A real jail on this host (root, util-linux, writable cgroups), with {@link JailProbe} inside. */
@Timeout(120)
class JailLauncherTest {

    private static Cgroups.Result cgroups;
    private static Optional<String> unavailable;

    private Path run;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<SandboxLauncher.Sandbox> sandboxes = new ArrayList<>();

    @BeforeAll
    static void probeHost() {
        cgroups = Cgroups.detect();
        unavailable = JailLauncher.unavailableReason(cgroups);
    }

    @BeforeEach
    void needJails(TestInfo test) {
        assumeTrue(unavailable.isEmpty(), () -> "namespace jails are not possible on this host: " + unavailable.orElse(""));
        // Kept under target/ with the replicas' logs, for a look after a failure.
        run = SharedFiles.privateDirectory(Path.of("target", "jail-runs",
                test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime()).toAbsolutePath());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (SandboxLauncher.Sandbox s : sandboxes) {
            if (s.isAlive()) {
                s.kill();
            }
        }
        for (SandboxLauncher.Sandbox s : sandboxes) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !s.isAlive());
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private ReplicaFiles replicaFiles(Slot slot, int incarnation) {
        ReplicaFiles files = new ReplicaFiles(SharedFiles.privateDirectory(run.resolve(slot + "-" + incarnation)));
        open.add(RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES));
        open.add(RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES));
        open.add(ReplicaStatusFile.create(files.status()));
        return files;
    }

    private static String probeClasspath() {
        return String.join(":", codeSource(JailProbe.class), codeSource(RingFile.class), codeSource(UnsafeBuffer.class));
    }

    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> awaitProbe(ReplicaFiles files) throws IOException {
        Path result = files.dir().resolve("probe.txt");
        await("probe result").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(result, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    @Test
    void shouldKeepAJailedReplicaOffTheNetworkAndOutOfTheOtherReplicasFilesButOnItsChannel() throws Exception {
        ReplicaFiles a = replicaFiles(Slot.A, 1);
        ReplicaFiles b = replicaFiles(Slot.B, 1);
        // A ring in the direct channel's directory stands for the peer's endpoint file.
        RingFile bMailbox = channelRing();
        open.add(bMailbox);
        Files.writeString(b.dir().resolve("secret.txt"), "B's own business");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Cgroups.Limits limits = new Cgroups.Limits(0.5, 128L << 20);
            String peerPath = channelRingPath().toString();
            JailLauncher launcher = new JailLauncher((slot, incarnation, files) -> List.of(Jvm.javaBinary(),
                    "-Xmx32m", Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-cp", probeClasspath(), JailProbe.class.getName(), files.dir().toString(),
                    Integer.toString(server.getLocalPort()), b.dir().resolve("secret.txt").toString(), peerPath),
                    cgroups.cgroups().orElseThrow(), limits);
            SandboxLauncher.Sandbox sandbox = launcher.launch(Slot.A, 1, a);
            sandboxes.add(sandbox);
            Map<String, String> result = awaitProbe(a);

            assertTrue(result.get("connect").startsWith("failed"), "no network in the jail: " + result);
            server.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, server::accept, "nothing reached the test's port");
            assertTrue(result.get("other").startsWith("failed java.nio.file.NoSuchFileException"),
                    "the other replica's files are not there: " + result);
            assertTrue(result.get("root").startsWith("failed"), "root is read-only: " + result);
            assertEquals("written", result.get("tmp"), "a private /tmp is writable: " + result);
            assertFalse(Files.exists(Path.of("/tmp/pstr-jail-probe")), "the jail's /tmp is its own");
            assertEquals("1", result.get("pid"), "PID 1 of its own PID namespace");
            assertEquals("0000000000000000", result.get("capeff"), "no capabilities");
            assertEquals("written", result.get("peer"), "the direct channel's files are reachable: " + result);
            List<String> received = new ArrayList<>();
            bMailbox.ring().read((type, buffer, index, length) -> {
                if (type == JailProbe.PROBE_MESSAGE) {
                    received.add(buffer.getStringWithoutLengthAscii(index, length));
                }
            });
            assertEquals(List.of("hello from the jail"), received, "the message crossed the channel's shared memory");
        }
    }

    @Test
    void shouldHideTheRunDirectoryOnDiskFromAJailedReplica() throws Exception {
        ReplicaFiles a = replicaFiles(Slot.A, 4);
        // The shared-memory directory (here: run) lives on tmpfs; the journal stays in the run directory on disk.
        Path disk = SharedFiles.privateDirectory(run.resolveSibling(run.getFileName() + "-disk"));
        Path journal = Files.writeString(disk.resolve("journal.jsonl"), "the host's business");
        JailLauncher launcher = probeLauncherWithPeer(journal.toString());
        launcher.hide(disk);
        sandboxes.add(launcher.launch(Slot.A, 4, a));
        Map<String, String> result = awaitProbe(a);
        assertTrue(result.get("other").startsWith("failed java.nio.file.NoSuchFileException"),
                "the run directory on disk is hidden: " + result);
        assertEquals("written", result.get("peer"), "its own channel still works: " + result);
        assertTrue(Files.exists(journal), "and the host's file is untouched");
    }

    @Test
    void shouldCoverOnlyHiddenDirectoriesThatNeitherHoldNorSitInTheSharedMemoryDirectory() {
        Path shm = Path.of("/dev/shm/pstr-run");
        assertEquals(List.of("/srv/flight/.pstr/run/demo"), JailLauncher.coverable(
                List.of(Path.of("/srv/flight/.pstr/run/demo"), Path.of("/dev/shm"), Path.of("/dev/shm/pstr-run/A-1")), shm));
    }

    /** The v1 cpu group of a process or thread ({@code /proc/PID} or {@code /proc/PID/task/TID}). */
    private static String cpuLine(Path proc) throws IOException {
        return Cgroups.cpuGroup(Files.readAllLines(proc.resolve("cgroup"))).orElse("");
    }

    @Test
    void shouldSignalTheJailedJvmItselfAndSeeItDieWithinItsCgroup() throws Exception {
        ReplicaFiles a = replicaFiles(Slot.A, 2);
        JailLauncher launcher = probeLauncherWithPeer();
        SandboxLauncher.Sandbox sandbox = launcher.launch(Slot.A, 2, a);
        sandboxes.add(sandbox);
        awaitProbe(a);
        long pid = sandbox.pid();
        Path proc = Path.of("/proc", Long.toString(pid));
        String status = Files.readString(proc.resolve("status"));
        assertTrue(status.lines().anyMatch(l -> l.matches("NSpid:\\s+" + pid + "\\s+1")),
                "the signalled pid is PID 1 of the jail: " + status);
        assertTrue(Files.readString(proc.resolve("cmdline")).contains(JailProbe.class.getName()), "and it is the JVM");
        String cgroup = Files.readString(proc.resolve("cgroup"));
        String group = "pstr-" + ProcessHandle.current().pid() + "-A-2";
        assertTrue(cgroup.contains(group), "in its own cgroup: " + cgroup);
        Cgroups cg = cgroups.cgroups().orElseThrow();
        if (cg.version() == Cgroups.Version.V1) {
            assertFalse(cpuLine(proc).contains(group), "starting: scheduled beside the host, not yet in its cpu group");
            sandbox.running(ThreadPriority.Mode.AUTO, "main");
            assertTrue(cpuLine(proc).contains(group), "running: in its cpu group, under its quota");
            // The replica's timing threads (here its VM thread) are scheduled beside this (host) process's threads.
            List<Long> vm = ThreadPriority.threadsNamed(pid, ThreadPriority.VM_THREAD);
            assertEquals(1, vm.size(), "one VM thread");
            assertEquals(cpuLine(Path.of("/proc/self")), cpuLine(proc.resolve("task").resolve(Long.toString(vm.get(0)))),
                    "the VM thread beside the host");
            assertEquals("5000", Files.readString(cg.parents().get(0).resolve(group).resolve("cpu.cfs_quota_us")).trim());
            assertEquals(Long.toString(128L << 20),
                    Files.readString(cg.parents().get(1).resolve(group).resolve("memory.limit_in_bytes")).trim());
        } else {
            assertEquals("5000 10000", Files.readString(cg.parents().get(0).resolve(group).resolve("cpu.max")).trim());
        }

        sandbox.stop();
        await("stopped").atMost(Duration.ofSeconds(10)).until(() -> state(proc) == 'T');
        assertTrue(sandbox.isAlive(), "a stopped replica is alive");
        sandbox.resume();
        await("running again").atMost(Duration.ofSeconds(10)).until(() -> state(proc) != 'T');
        sandbox.kill();
        await("exit seen by the host").atMost(Duration.ofSeconds(10)).until(() -> !sandbox.isAlive());
        await("cgroup removed").atMost(Duration.ofSeconds(10))
                .until(() -> !Files.exists(cg.parents().get(0).resolve(group)));
    }

    @Test
    void shouldTakeTheJailDownWhenTheThreadThatLaunchedItIsGone() throws Exception {
        ReplicaFiles a = replicaFiles(Slot.A, 3);
        JailLauncher launcher = probeLauncherWithPeer();
        // The kernel's parent-death signal follows the thread that started the wrapper: a host manager that
        // dies takes every such thread with it. Here one thread launches and ends.
        java.util.concurrent.atomic.AtomicReference<SandboxLauncher.Sandbox> launched = new java.util.concurrent.atomic.AtomicReference<>();
        Thread launching = new Thread(() -> launched.set(launcher.launch(Slot.A, 3, a)), "launching");
        launching.start();
        launching.join();
        SandboxLauncher.Sandbox sandbox = launched.get();
        sandboxes.add(sandbox);
        long pid = sandbox.pid();
        await("the jailed JVM dies with its launcher").atMost(Duration.ofSeconds(20))
                .until(() -> ProcessHandle.of(pid).isEmpty() && !sandbox.isAlive());
    }

    private Path channelRingPath() {
        return ReplicaFiles.channelDirOf(run).resolve("probe.ring");
    }

    private RingFile channelRing() {
        io.pstr.core.shm.SharedFiles.privateDirectory(ReplicaFiles.channelDirOf(run));
        return RingFile.create(channelRingPath(), 1 << 16);
    }

    /** A launcher of probes (half a CPU, 128 MiB) for slot A, with a ring in the channel's directory as its peer's. */
    private JailLauncher probeLauncherWithPeer() {
        return probeLauncherWithPeer("/nonexistent");
    }

    /** The same, its probe trying to read {@code other}. */
    private JailLauncher probeLauncherWithPeer(String other) {
        open.add(channelRing());
        Cgroups.Limits limits = new Cgroups.Limits(0.5, 128L << 20);
        String peerPath = channelRingPath().toString();
        return new JailLauncher((slot, incarnation, files) -> List.of(Jvm.javaBinary(), "-Xmx32m",
                Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-cp", probeClasspath(), JailProbe.class.getName(),
                files.dir().toString(), "9", other, peerPath), cgroups.cgroups().orElseThrow(), limits);
    }

    private static char state(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
