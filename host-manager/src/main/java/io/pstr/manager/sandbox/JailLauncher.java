package io.pstr.manager.sandbox;

import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.SharedFiles;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.Slot;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each replica in a Linux namespace jail (as root, with util-linux's {@code unshare}, {@code mount},
 * {@code pivot_root} and {@code setpriv}; the steps are in {@code pstr-jail.sh}):
 * <ul>
 * <li>its own network namespace with only a loopback that is down: no socket reaches anything;</li>
 * <li>its own PID namespace, where the replica JVM is PID 1; its own mount, IPC and UTS namespaces;</li>
 * <li>the host's file tree read-only, a private {@code /tmp} and {@code /dev/shm}, and of the run directory
 * only its own directory and the direct channel's directory (the endpoint files it talks to its peer
 * through; the channel lets it send only where the host granted) — the other replica's rings, status and
 * log are not there;</li>
 * <li>a cgroup with a CPU quota and a memory limit;</li>
 * <li>no capabilities and no way to regain them ({@code no_new_privs}, empty bounding set).</li>
 * </ul>
 * The host signals the replica JVM itself (its pid as the host sees it); the {@code unshare} wrapper,
 * the host's child, exits as soon as the JVM does, which is how a crash is detected. The wrapper gets
 * SIGKILL when the host manager goes (parent-death signal), and the replica dies with its wrapper.
 */
public final class JailLauncher implements SandboxLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(JailLauncher.class);
    private static final String SCRIPT = "pstr-jail.sh";
    private static final String READY = "jail-ready ";
    private static final long READY_TIMEOUT_S = 30;
    private static final List<String> TOOLS = List.of("sh", "unshare", "mount", "umount", "pivot_root", "setpriv", "sed", "kill");

    private final ReplicaCommand command;
    private final Cgroups cgroups;
    private final Cgroups.Limits limits;
    private List<String> replicaArgs = List.of();
    private final java.util.Set<Path> hidden = new java.util.concurrent.CopyOnWriteArraySet<>();
    private static final String GROUP_PREFIX = "pstr";
    private final String groupPrefix = GROUP_PREFIX + "-" + ProcessHandle.current().pid();

    public JailLauncher(ReplicaCommand command, Cgroups cgroups, Cgroups.Limits limits) {
        this.command = command;
        this.cgroups = cgroups;
        this.limits = limits;
        int stale = cgroups.removeStale(GROUP_PREFIX);
        if (stale > 0) {
            LOG.info("removed {} cgroups left by host managers that are gone", stale);
        }
    }

    /**
     * Why jails cannot run here, or empty when they can: this checks root, the tools, a writable cgroup
     * hierarchy, and that {@code unshare} really creates the namespaces (a container may forbid it).
     */
    public static Optional<String> unavailableReason(Cgroups.Result cgroups) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("namespace jails need Linux");
        }
        long uid;
        try {
            uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot tell this process's user id: " + e.getMessage());
        }
        if (uid != 0) {
            return Optional.of("namespace jails need root (running as uid " + uid + ")");
        }
        List<String> missing = TOOLS.stream().filter(t -> onPath(t).isEmpty()).toList();
        if (!missing.isEmpty()) {
            return Optional.of("missing tools " + missing + " (util-linux, procps)");
        }
        if (cgroups.cgroups().isEmpty()) {
            return Optional.of(cgroups.problem());
        }
        try {
            Process p = new ProcessBuilder("unshare", "--net", "--pid", "--mount", "--ipc", "--uts", "--fork", "--kill-child", "true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.of("unshare cannot create namespaces here: " + out);
            }
        } catch (IOException e) {
            return Optional.of("cannot run unshare: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing unshare");
        }
        return Optional.empty();
    }

    private static Optional<Path> onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public String kind() {
        return "jail";
    }

    public Cgroups.Limits limits() {
        return limits;
    }

    public Cgroups cgroups() {
        return cgroups;
    }

    @Override
    public void hide(Path dir) {
        hidden.add(dir.toAbsolutePath().normalize());
    }

    /**
     * The hidden directories a jail around {@code run} can cover: not one that holds the run directory (whose
     * own directory and channel directory are bound back in) nor one inside it (covered already).
     */
    static List<String> coverable(java.util.Collection<Path> hidden, Path run) {
        Path r = run.toAbsolutePath().normalize();
        return hidden.stream().filter(h -> !r.startsWith(h) && !h.startsWith(r)).map(Path::toString).sorted().toList();
    }

    /** The mission options every replica gets, as {@link ProcessSandboxLauncher#replicaArgs()} (for the flight log). */
    public JailLauncher withReplicaArgs(List<String> args) {
        this.replicaArgs = List.copyOf(args);
        return this;
    }

    @Override
    public List<String> replicaArgs() {
        return replicaArgs;
    }

    /**
     * True: the jail's wrapper gets no parent-death signal, so the replica outlives the host manager's process
     * (for a new manager to re-attach to); false (default): the replica dies with the manager.
     */
    public JailLauncher outliveManager(boolean outlive) {
        this.outliveManager = outlive;
        return this;
    }

    private volatile boolean outliveManager;

    @Override
    public boolean outlivesManager() {
        return outliveManager;
    }

    /**
     * The directories the replica's JVM needs to start: its java binary's home and its classpath. The jail
     * hides {@code /tmp} and {@code /dev/shm} behind private ones, so those of them that live there (a
     * checkout under /tmp, say) are bound back in, read-only.
     */
    static java.util.Set<String> keptDirectories(List<String> replica) {
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        if (!replica.isEmpty()) {
            Path java = Path.of(replica.get(0)).toAbsolutePath().getParent();
            if (java != null && java.getParent() != null) {
                dirs.add(java.getParent().toString());
            }
        }
        for (int i = 0; i + 1 < replica.size(); i++) {
            if (replica.get(i).equals("-cp") || replica.get(i).equals("-classpath")) {
                for (String entry : replica.get(i + 1).split(java.io.File.pathSeparator)) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    Path p = Path.of(entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry).toAbsolutePath();
                    dirs.add((Files.isDirectory(p) ? p : p.getParent()).toString());
                }
            }
        }
        return dirs;
    }

    @Override
    public Sandbox launch(Slot slot, int incarnation, ReplicaFiles files) {
        Path own = files.dir().toAbsolutePath();
        Path run = own.getParent();
        Path jails = SharedFiles.privateDirectory(run.resolve(".jail"));
        Path script = installScript(jails);
        Path root = SharedFiles.privateDirectory(jails.resolve(slot + "-" + incarnation));
        // The direct channel's endpoint files: the replica's own endpoint and its granted peer's live there.
        Path peer = SharedFiles.privateDirectory(ReplicaFiles.channelDirOf(run));
        Cgroups.Group group = cgroups.create(groupPrefix + "-" + slot + "-" + incarnation, limits);
        List<String> replica = command.command(slot, incarnation, files);
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", script.toString(), "outer"));
        // Started at low priority, settled by Sandbox.running once it is ready.
        cmd.addAll(ThreadPriority.startingPrefix(ThreadPriority.processMode()));
        cmd.addAll(replica);
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = builder.environment();
        env.put("PSTR_JAIL_ROOT", root.toString());
        env.put("PSTR_JAIL_RUN", run.toString());
        env.put("PSTR_JAIL_OWN", own.toString());
        env.put("PSTR_JAIL_PEER", peer.toString());
        env.put("PSTR_JAIL_HIDE", String.join("\n", coverable(hidden, run)));
        env.put("PSTR_JAIL_KEEP", String.join("\n", keptDirectories(replica)));
        env.put("PSTR_JAIL_PDEATHSIG", outliveManager ? "none" : "KILL");
        env.put("PSTR_JAIL_CGROUPS", group.procsFiles().stream().map(Path::toString).collect(Collectors.joining("\n")));
        Runnable cleanup = () -> {
            group.close();
            try {
                Files.deleteIfExists(root);
            } catch (IOException e) {
                LOG.debug("jail root {} left: {}", root, e.getMessage());
            }
        };
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            cleanup.run();
            throw new UncheckedIOException("cannot launch the jail of replica " + slot + ": " + e.getMessage(), e);
        }
        long pid;
        try {
            pid = awaitReady(process);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            process.onExit().thenRun(cleanup);
            throw new IllegalStateException("the jail of replica " + slot + "-" + incarnation + " did not start: "
                    + e.getMessage() + "; last lines of " + files.log() + ": " + tail(files.log()), e);
        }
        LOG.info("replica {} incarnation {} launched in a jail as pid {} ({}, {})", slot, incarnation, pid, limits,
                cgroups.describe());
        // The wrapper can exit while the replica's JVM is still going down (a SIGKILLed JVM's threads exit one by one),
        // and the kernel refuses to remove a group with a live task in it: the group goes once the replica has gone too.
        Runnable cleanupAfterReplica = () -> ProcessHandle.of(pid).map(ProcessHandle::onExit)
                .orElseGet(() -> CompletableFuture.completedFuture(null))
                .completeOnTimeout(null, 5, TimeUnit.SECONDS)
                .thenRun(cleanup);
        return new SignalledProcess(process, pid, cleanupAfterReplica, (mode, agentThread) -> {
            group.running(pid); // the quota applies whatever the priority mode
            if (mode != ThreadPriority.Mode.OFF) {
                cgroups.joinHostCpuGroup(pid, List.of(agentThread, ThreadPriority.VM_THREAD));
            }
        });
    }

    /** Reads the script's one line ("jail-ready PID"): the jail is complete and PID is about to become the JVM. */
    private static long awaitReady(Process process) {
        InputStream out = process.getInputStream();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.US_ASCII))) {
                return r.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String ready;
        try {
            ready = line.get(READY_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + READY_TIMEOUT_S + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (ready == null || !ready.startsWith(READY)) {
            throw new IllegalStateException("the jail script failed (said " + (ready == null ? "nothing" : "'" + ready + "'") + ")");
        }
        try {
            long pid = Long.parseLong(ready.substring(READY.length()).trim());
            if (pid <= 1) {
                throw new NumberFormatException("pid " + pid);
            }
            return pid;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the jail script said '" + ready + "'", e);
        }
    }

    private static Path installScript(Path dir) {
        Path script = dir.resolve(SCRIPT);
        try (InputStream in = JailLauncher.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SCRIPT + " is missing from the host manager");
            }
            byte[] content = in.readAllBytes();
            if (!Files.exists(script) || !java.util.Arrays.equals(Files.readAllBytes(script), content)) {
                Path tmp = Files.createTempFile(dir, SCRIPT, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.write(tmp, content);
                Files.move(tmp, script, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + script + ": " + e.getMessage(), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
