package io.pstr.manager.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import io.pstr.core.rt.ProcStat;
import io.pstr.core.rt.ThreadPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and memory limits for the replica jails through the kernel's control groups, version 1 (one
 * hierarchy per controller: {@code cpu/}, {@code memory/}) or version 2 (one unified hierarchy), whichever
 * this host has writable. Groups live under a {@code pstr} parent in each hierarchy.
 * <ul>
 * <li>v1: {@code cpu.cfs_period_us} = 10000, {@code cpu.cfs_quota_us} = CPUs × period, {@code cpu.shares} of
 * the parent 2048;
 * {@code memory.limit_in_bytes} (and {@code memory.memsw.limit_in_bytes} where swap accounting is on).</li>
 * <li>v2: {@code cpu.max} = "quota period", {@code memory.max}, {@code memory.swap.max} = 0, {@code cpu.weight} of the parent 200; the
 * {@code cpu} and {@code memory} controllers are enabled in the {@code cgroup.subtree_control} of the root
 * and of {@code pstr}.</li>
 * </ul>
 * A process joins a group by writing its pid to the group's {@code cgroup.procs}.
 */
public final class Cgroups {

    private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
    /**
     * The CFS period the CPU quota is a share of: 10 ms, not the kernel's default 100 ms. A group that has
     * used its quota waits for the rest of the period; with 100 ms a replica whose JVM compiles on two
     * threads can use a 1-core quota in 50 ms and then stand still for ~50 ms, close to the 3 silent 20 ms
     * cycles its peer takes for a hang. With 10 ms a throttled replica waits at most a few ms.
     */
    public static final long CPU_PERIOD_US = 10_000;
    static final String PARENT = "pstr";
    /**
     * The {@code pstr} parent competes with the host's other tasks as one scheduling entity: weighted as
     * two ordinary processes (the default is one), the two replicas get the CPU share they would get as
     * two plain processes on a busy host instead of half of it. A higher weight set by the operator is kept.
     */
    static final long PARENT_CPU_SHARES_V1 = 2048;
    static final long PARENT_CPU_WEIGHT_V2 = 200;

    /** The kernel's two cgroup interfaces. */
    public enum Version { V1, V2 }

    /** CPU (in cores, may be fractional) and memory (bytes) limits of one group. */
    public record Limits(double cpus, long memoryBytes) {
        public Limits {
            if (!(cpus == 0 || cpus >= 0.1 && cpus <= 1024)) {
                // 0.1 core: the kernel's smallest quota, 1 ms, in the 10 ms period
                throw new IllegalArgumentException("replica CPU limit " + cpus + " is outside 0.1..1024 cores (0: no quota)");
            }
            if (memoryBytes < 32L << 20) {
                throw new IllegalArgumentException("replica memory limit " + memoryBytes + " bytes is under 32 MiB: a JVM cannot start in it");
            }
        }

        /** The CFS quota per period, or -1 for none. */
        public long cpuQuotaUs() {
            return cpus == 0 ? -1 : Math.max(1_000, Math.round(cpus * CPU_PERIOD_US));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s, %d MiB", cpus == 0 ? "no CPU quota" : String.format(Locale.ROOT, "%.2f CPU", cpus),
                    memoryBytes >> 20);
        }
    }

    /** One group: a directory per hierarchy (two for v1, one for v2). */
    /**
     * Says how often a group was held back by its CPU quota (v1 and v2 both keep {@code nr_throttled} and
     * a throttled time in {@code cpu.stat}): a replica held back for long looks hung to its peer.
     */
    static void reportThrottling(Path dir) {
        Path stat = dir.resolve("cpu.stat");
        if (!Files.isReadable(stat)) {
            return;
        }
        try {
            long throttled = 0;
            long throttledUs = 0;
            for (String line : Files.readAllLines(stat)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length != 2) {
                    continue;
                }
                switch (kv[0]) {
                    case "nr_throttled" -> throttled = Long.parseLong(kv[1]);
                    case "throttled_time" -> throttledUs = Long.parseLong(kv[1]) / 1000; // v1: ns
                    case "throttled_usec" -> throttledUs = Long.parseLong(kv[1]);
                    default -> { }
                }
            }
            if (throttled > 0) {
                LOG.info("cgroup {}: held back by its CPU quota {} times, {} ms in all", dir.getFileName(), throttled,
                        throttledUs / 1000);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read {}: {}", stat, e.toString());
        }
    }

    /**
     * v2: a replica's group weighs little while its JVM starts and warms up, and much once the replica runs
     * (on v1 the replica joins its cpu group only once it runs, {@link Group#running(long)}):
     * the replicas' groups are siblings under {@code pstr}, so without this a replica that restarts (a JVM
     * loading and compiling on every core its quota allows) gets as much CPU as the one flying the aircraft,
     * whose agent thread's own priority counts only inside its group. Measured before this: command gaps of
     * 40-100 ms at the board while the killed primary's successor started, against 25-30 ms when the
     * replicas were plain processes.
     */
    static final long RUNNING_CPU_SHARES_V1 = 8192;
    static final long STARTING_CPU_WEIGHT_V2 = 25;
    static final long RUNNING_CPU_WEIGHT_V2 = 800;

    public static final class Group implements AutoCloseable {
        private final List<Path> dirs;
        /** {@code cpu.shares} (v1) or {@code cpu.weight} (v2) of the group, and its value once running. */
        private final Path weightFile;
        private final long runningWeight;
        /**
         * v1: the cpu hierarchy's group, which the replica joins only once it runs ({@link #running(long)});
         * null on v2, where one group holds every controller and the replica is in it from its launch.
         */
        private final Path cpuDir;

        Group(List<Path> dirs) {
            this(dirs, null, 0, null);
        }

        Group(List<Path> dirs, Path weightFile, long runningWeight, Path cpuDir) {
            this.dirs = List.copyOf(dirs);
            this.weightFile = weightFile;
            this.runningWeight = runningWeight;
            this.cpuDir = cpuDir;
        }

        /**
         * The replica {@code pid} in this group runs: the group gets its full CPU weight and, on v1, the
         * replica (every thread of it) joins the group's cpu hierarchy, so its quota and weight apply from
         * now on. Until then a v1 replica is scheduled in the host manager's own cpu group, where its
         * starting priority (nice 19, see {@code ThreadPriority.startingPrefix}) is weighed against the
         * flying threads directly. Why: groups are scheduled as entities of their parent first, and a
         * successor starting inside {@code pstr/<replica>} held a CPU for 50-100 ms at a time while the
         * flying replica's agent (nice -10) or the virtual board (nice -15) waited; started outside, the
         * jailed demos kept the crash gap within two periods far more often (the tally is in docs/timing.md).
         */
        public void running(long pid) {
            if (weightFile != null) {
                try {
                    write(weightFile, Long.toString(runningWeight));
                    LOG.info("cgroup {}: running, CPU weight {}", weightFile.getParent().getFileName(), runningWeight);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot raise the CPU weight of cgroup {}: {}", weightFile.getParent(), e.getMessage());
                }
            }
            if (cpuDir != null) {
                try {
                    write(cpuDir.resolve("cgroup.procs"), Long.toString(pid));
                    LOG.info("cgroup {}: replica pid {} joined, its CPU quota applies", cpuDir.getFileName(), pid);
                } catch (IOException | RuntimeException e) {
                    if (ProcStat.exited(pid)) {
                        // Killed between being found ready and joining: nothing runs outside its quota.
                        LOG.debug("replica pid {} exited before it joined cgroup {}", pid, cpuDir);
                    } else {
                        LOG.warn("replica pid {} could not join cgroup {} and runs without its CPU quota: {}", pid, cpuDir,
                                e.getMessage());
                    }
                }
            }
        }

        public List<Path> dirs() {
            return dirs;
        }

        /**
         * The files a replica writes its pid to when it is launched: every hierarchy of the group but a v1
         * cpu hierarchy, which it joins once it runs ({@link #running(long)}).
         */
        public List<Path> procsFiles() {
            return dirs.stream().filter(d -> !d.equals(cpuDir)).map(d -> d.resolve("cgroup.procs")).toList();
        }

        /** Removes the group; the kernel refuses while a process is still in it, which is logged and left. */
        @Override
        public void close() {
            for (Path d : dirs) {
                reportThrottling(d);
                try {
                    Files.deleteIfExists(d);
                } catch (DirectoryNotEmptyException e) {
                    LOG.debug("cgroup {} not empty, left in place", d);
                } catch (IOException e) {
                    LOG.warn("cannot remove cgroup {}: {}", d, e.getMessage());
                }
            }
        }
    }

    private final Version version;
    /** v1: the cpu and memory hierarchies' pstr parents; v2: the unified hierarchy's pstr parent. */
    private final List<Path> parents;
    /**
     * v1: the {@code tasks} file of the cpu group this host manager runs in, which a running replica's
     * timing threads join ({@link #joinHostCpuGroup}); empty on v2 (a thread cannot leave its process's
     * group there) or when that file is not found.
     */
    private final Optional<Path> hostCpuTasks;

    private Cgroups(Version version, List<Path> parents, Optional<Path> hostCpuTasks) {
        this.version = version;
        this.parents = List.copyOf(parents);
        this.hostCpuTasks = hostCpuTasks;
    }

    public Version version() {
        return version;
    }

    public List<Path> parents() {
        return parents;
    }

    /** The host's cgroups at {@code /sys/fs/cgroup}, or why they cannot be used. */
    public static Result detect() {
        return detect(Path.of("/sys/fs/cgroup"));
    }

    /** Outcome of {@link #detect(Path)}: usable cgroups or the reason there are none. */
    public record Result(Optional<Cgroups> cgroups, String problem) {
    }

    /**
     * Finds a writable cgroup hierarchy under {@code root} with CPU and memory controllers, and proves it
     * writable by creating (and removing) a probe group with limits.
     */
    public static Result detect(Path root) {
        return detect(root, Path.of("/proc/self/cgroup"));
    }

    /** As {@link #detect(Path)}, with this process's groups read from {@code ownGroups} (lines {@code N:controllers:path}). */
    static Result detect(Path root, Path ownGroups) {
        List<String> problems = new ArrayList<>();
        Path unified = root.resolve("cgroup.controllers");
        Cgroups found = null;
        if (Files.isRegularFile(unified)) {
            List<String> controllers = words(unified);
            if (controllers.contains("cpu") && controllers.contains("memory")) {
                found = new Cgroups(Version.V2, List.of(root.resolve(PARENT)), Optional.empty());
            } else {
                problems.add("cgroup v2 at " + root + " has no cpu and memory controllers (has " + controllers + ")");
            }
        } else {
            Optional<Path> cpu = v1Hierarchy(root, "cpu", "cpu.cfs_quota_us");
            Optional<Path> memory = v1Hierarchy(root, "memory", "memory.limit_in_bytes");
            if (cpu.isPresent() && memory.isPresent()) {
                found = new Cgroups(Version.V1, List.of(cpu.get().resolve(PARENT), memory.get().resolve(PARENT)),
                        ownCpuTasks(cpu.get(), ownGroups));
            } else {
                problems.add("no cgroup v2 (" + unified + ") and no cgroup v1 cpu and memory hierarchies under " + root);
            }
        }
        if (found == null) {
            return new Result(Optional.empty(), String.join("; ", problems));
        }
        try {
            Group probe = found.create("probe-" + ProcessHandle.current().pid(), new Limits(1, 64L << 20));
            probe.close();
            return new Result(Optional.of(found), "");
        } catch (RuntimeException e) {
            return new Result(Optional.empty(), "cgroup " + found.version + " under " + root + " is not writable: " + e.getMessage());
        }
    }

    /**
     * The {@code tasks} file of this process's group in the v1 cpu hierarchy mounted at {@code cpuHierarchy},
     * from {@code ownGroups} ({@code /proc/self/cgroup}: lines {@code N:cpu,cpuacct:/path}).
     */
    static Optional<Path> ownCpuTasks(Path cpuHierarchy, Path ownGroups) {
        List<String> lines;
        try {
            lines = Files.readAllLines(ownGroups, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", ownGroups, e.toString());
            return Optional.empty();
        }
        Optional<String> group = cpuGroup(lines);
        if (group.isEmpty()) {
            return Optional.empty();
        }
        Path tasks = cpuHierarchy.resolve(group.get().substring(1)).normalize().resolve("tasks");
        if (tasks.startsWith(cpuHierarchy) && Files.isWritable(tasks)) {
            return Optional.of(tasks);
        }
        LOG.debug("this process's cpu group {} has no writable {}", group.get(), tasks);
        return Optional.empty();
    }

    /** The v1 cpu hierarchy's group path ({@code /pstr/...}) in the lines of a {@code /proc/PID/cgroup} file. */
    static Optional<String> cpuGroup(List<String> procCgroupLines) {
        for (String line : procCgroupLines) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && Arrays.asList(f[1].split(",")).contains("cpu") && f[2].startsWith("/")) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }

    /**
     * A running replica's timing threads ({@code threads}, by name: its agent and its VM thread) are
     * scheduled in the host manager's own cpu group (v1 only), where they compete with the conductor, the
     * board and the host JVMs' compilers by their nice value alone, as a plain process's would; the rest of
     * the replica (compilers, the other JVM threads) stays under its group's quota and weight, and the
     * memory limit and every other wall of the jail stay. Why: a group is scheduled as one entity of its
     * parent, and the holder's agent (nice -10) inside {@code pstr/<replica>} waited 43-71 ms at a time
     * while the host manager's and the board's compiler threads (nice 0, the host's group) ran
     * (scheduler trace of the jailed demo, docs/timing.md).
     *
     * @return how many threads moved
     */
    public int joinHostCpuGroup(long pid, List<String> threads) {
        if (hostCpuTasks.isEmpty()) {
            return 0;
        }
        int moved = 0;
        for (String name : threads) {
            for (long tid : ThreadPriority.threadsNamed(pid, name)) {
                try {
                    write(hostCpuTasks.get(), Long.toString(tid));
                    moved++;
                } catch (IOException e) {
                    if (ProcStat.exited(pid, tid)) {
                        LOG.debug("thread {} ({}) of replica pid {} exited before it moved", tid, name, pid);
                        continue;
                    }
                    LOG.warn("thread {} ({}) of replica pid {} stays in its group's CPU share: {}", tid, name, pid, e.getMessage());
                }
            }
        }
        if (moved > 0) {
            LOG.info("replica pid {}: {} thread(s) of {} scheduled beside the host manager ({})", pid, moved, threads,
                    hostCpuTasks.get().getParent());
        }
        return moved;
    }

    private static Optional<Path> v1Hierarchy(Path root, String controller, String probeFile) {
        Path direct = root.resolve(controller);
        if (Files.isRegularFile(direct.resolve(probeFile))) {
            return Optional.of(direct);
        }
        // Some hosts mount controllers together, e.g. cpu,cpuacct.
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Arrays.asList(d.getFileName().toString().split(",")).contains(controller))
                    .filter(d -> Files.isRegularFile(d.resolve(probeFile))).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Creates (or reuses) the group {@code name} with the given limits. */
    public Group create(String name, Limits limits) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,100}")) {
            throw new IllegalArgumentException("bad cgroup name '" + name + "'");
        }
        List<Path> dirs = new ArrayList<>();
        try {
            if (version == Version.V2) {
                Path parent = parents.get(0);
                enableControllers(parent.getParent());
                Files.createDirectories(parent);
                enableControllers(parent);
                raise(parent.resolve("cpu.weight"), PARENT_CPU_WEIGHT_V2);
                Path dir = parent.resolve(name);
                Files.createDirectories(dir);
                dirs.add(dir);
                write(dir.resolve("cpu.max"), (limits.cpuQuotaUs() < 0 ? "max" : Long.toString(limits.cpuQuotaUs())) + " " + CPU_PERIOD_US);
                write(dir.resolve("cpu.weight"), Long.toString(STARTING_CPU_WEIGHT_V2));
                write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                if (Files.exists(dir.resolve("memory.swap.max"))) {
                    write(dir.resolve("memory.swap.max"), "0");
                }
                return new Group(dirs, dir.resolve("cpu.weight"), RUNNING_CPU_WEIGHT_V2, null);
            } else {
                Path cpu = parents.get(0).resolve(name);
                Path memory = parents.get(1).resolve(name);
                Files.createDirectories(cpu);
                raise(parents.get(0).resolve("cpu.shares"), PARENT_CPU_SHARES_V1);
                dirs.add(cpu);
                Files.createDirectories(memory);
                dirs.add(memory);
                write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
                write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaUs()));
                write(cpu.resolve("cpu.shares"), Long.toString(RUNNING_CPU_SHARES_V1));
                write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                    write(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                }
                return new Group(dirs, null, 0, cpu);
            }
        } catch (IOException | RuntimeException e) {
            new Group(dirs).close();
            throw new IllegalStateException("cannot set up cgroup " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the empty groups of host managers that are gone (named {@code PREFIX-PID-...} with no live
     * process PID): a manager that was killed could not remove its replicas' groups.
     */
    public int removeStale(String prefix) {
        int removed = 0;
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "-(\\d{1,10})-.*");
        for (Path parent : parents) {
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> children = Files.list(parent)) {
                for (Path child : children.filter(Files::isDirectory).toList()) {
                    java.util.regex.Matcher m = name.matcher(child.getFileName().toString());
                    if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                        try {
                            Files.delete(child);
                            removed++;
                        } catch (IOException e) {
                            LOG.debug("stale cgroup {} left: {}", child, e.getMessage());
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debug("cannot list {}: {}", parent, e.getMessage());
            }
        }
        return removed;
    }

    /** v2: makes the cpu and memory controllers available to the children of {@code dir}. */
    private static void enableControllers(Path dir) throws IOException {
        Path control = dir.resolve("cgroup.subtree_control");
        List<String> enabled = Files.exists(control) ? words(control) : List.of();
        if (!enabled.contains("cpu") || !enabled.contains("memory")) {
            write(control, "+cpu +memory");
        }
    }

    /** Writes {@code value} unless the file already holds a higher number (an operator's setting is kept). */
    private static void raise(Path file, long value) throws IOException {
        List<String> now = Files.exists(file) ? words(file) : List.of();
        try {
            if (now.size() == 1 && Long.parseLong(now.get(0)) >= value) {
                return;
            }
        } catch (NumberFormatException e) {
            // not a number: overwrite
        }
        write(file, Long.toString(value));
    }

    private static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException("no " + file + " (controller not enabled?)", e);
        } catch (IOException e) {
            throw new IOException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> words(Path file) {
        try {
            return Arrays.asList(Files.readString(file, StandardCharsets.US_ASCII).trim().split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }

    public String describe() {
        return "cgroup " + version.name().toLowerCase(Locale.ROOT) + " " + parents;
    }
}
