package io.pstr.manager.cli;

import io.pstr.core.channel.AeronTransport;
import io.pstr.core.remote.RemoteLink;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.SharedFiles;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.remote.ReplicaHost;
import io.pstr.manager.sandbox.ByteSize;
import io.pstr.manager.sandbox.Cgroups;
import io.pstr.manager.sandbox.Sandboxes;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pstr replica-host}: runs the replicas a host manager on another computer places here. */
@Command(name = "replica-host", mixinStandardHelpOptions = true,
        description = {"Runs replicas for a host manager on another computer (the one the board is plugged into), "
                + "started there with --remote-replica SLOT=THIS-HOST:PORT. Each replica runs here as a process of its own; "
                + "its input, output, status and direct-channel packets go over Aeron UDP to its relay there.",
                "A replica whose relay goes silent for --silence-ms is killed; the host manager there starts a new one "
                        + "when it needs it. Runs until interrupted (Ctrl-C)."})
public final class ReplicaHostCommand implements Callable<Integer> {

    @Option(names = "--listen", defaultValue = "0.0.0.0:40400", paramLabel = "HOST:PORT",
            description = "UDP endpoint the relays reach (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where each replica's files and logs go (default: a directory under the shared-memory file system "
                    + "named after the port).")
    Path dir;

    @Option(names = "--keep-sessions", defaultValue = "" + ReplicaHost.KEPT_SESSIONS, paramLabel = "N",
            description = "Ended replicas' directories (their logs and last status) kept in --dir, the newest first, those of "
                    + "earlier runs included; older ones are deleted (default ${DEFAULT-VALUE}; 0: each as its replica ends).")
    int keepSessions;

    @Option(names = "--silence-ms", defaultValue = "500",
            description = "A relay silent this long has lost its replica: it is killed (default ${DEFAULT-VALUE} ms).")
    long silenceMs;

    @Option(names = "--idle-us", defaultValue = "100",
            description = "Longest sleep of this process's loop and its Aeron driver when idle (default ${DEFAULT-VALUE} µs).")
    long idleUs;

    @Option(names = "--sandbox", defaultValue = "auto", paramLabel = "KIND",
            description = "What each replica runs in here: jail, process or auto, as for the host manager (default ${DEFAULT-VALUE}).")
    String sandbox;

    @Option(names = "--replica-cpu", defaultValue = ManagerOptions.DEFAULT_REPLICA_CPU,
            description = "A jailed replica's CPU quota in cores (default ${DEFAULT-VALUE}).")
    double replicaCpus;

    @Option(names = "--replica-memory", defaultValue = ManagerOptions.DEFAULT_REPLICA_MEMORY,
            description = "A jailed replica's memory limit (default ${DEFAULT-VALUE}).")
    String replicaMemory;

    @Option(names = "--priority", defaultValue = "auto", paramLabel = "auto|off",
            description = "Start each replica at low priority and raise its agent thread (nice -10) once it is ready, and this "
                    + "process's loop (nice -15), as the host manager does: auto where the host allows it (root or "
                    + "CAP_SYS_NICE), off never (default ${DEFAULT-VALUE}).")
    String priority;

    @Option(names = "--link-key", paramLabel = "FILE",
            description = "Sign every message to the relays and take only messages they signed, with this key: 32 bytes, raw "
                    + "or 64 hex digits (e.g. head -c 32 /dev/urandom > link.key), the same file as the host manager's "
                    + "--remote-key. Without it the link is not signed: use it on a network only the flight system's "
                    + "computers share.")
    Path linkKey;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (silenceMs <= 0 || idleUs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--silence-ms and --idle-us must be positive");
        }
        if (keepSessions < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep-sessions must be 0 or more, not " + keepSessions);
        }
        Sandboxes.Mode mode;
        Cgroups.Limits limits;
        ThreadPriority.Mode priorityMode;
        RemoteLink.Key key;
        try {
            key = linkKey == null ? null : RemoteLink.Key.load(linkKey);
            priorityMode = ThreadPriority.Mode.parse(priority);
            RemoteLink.checkEndpoint(listen, true);
            mode = Sandboxes.Mode.parse(sandbox);
            limits = new Cgroups.Limits(replicaCpus, ByteSize.parse(replicaMemory));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String classpath = Classpaths.replica();
        ThreadPriority.processMode(priorityMode);
        Path base = dir != null ? SharedFiles.privateDirectory(dir.toAbsolutePath())
                : SharedFiles.tmpfsDirectoryFor(Path.of("replica-host-" + listen.substring(listen.lastIndexOf(':') + 1)));
        SharedFiles.privateDirectory(base);
        Map<List<String>, SandboxLauncher> launchers = new HashMap<>();
        AeronTransport transport = AeronTransport.launch(base.resolve("aeron"), TimeUnit.MICROSECONDS.toNanos(idleUs));
        ReplicaHost host = new ReplicaHost(base, transport.aeron(), listen, key,
                args -> launchers.computeIfAbsent(args, a -> Sandboxes.forReplicas(mode, classpath, a, limits)),
                new SystemNanoClock(), TimeUnit.MILLISECONDS.toNanos(silenceMs), priorityMode, keepSessions);
        AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, TimeUnit.MICROSECONDS.toNanos(idleUs)),
                e -> org.slf4j.LoggerFactory.getLogger(ReplicaHostCommand.class).error("replica host: duty cycle failed", e),
                null, host);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            transport.close();
            stopped.countDown();
        }, "replica-host-shutdown"));
        AgentRunner.startOnThread(runner);
        System.out.println("replica host listening on " + listen + " (UDP, Aeron, " + (key == null ? "not signed" : "signed")
                + "), files in " + base);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
