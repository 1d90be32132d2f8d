package io.pstr.flightctl.remote;

import io.pstr.core.channel.AeronTransport;
import io.pstr.core.remote.RemoteLink;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The relay process of a replica on another computer ({@link ReplicaRelay}); the host manager starts it in the slot. */
@Command(name = "replica-relay", mixinStandardHelpOptions = true,
        description = "Stands in a replica's slot for a replica that runs on another computer (pstr replica-host there). "
                + "Started by the host manager for each slot given with --remote-replica; not meant to be run by hand.")
public final class ReplicaRelayMain implements java.util.concurrent.Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRelayMain.class);

    @Option(names = "--dir", required = true, description = "Directory with the slot's rings and status file.")
    Path dir;

    @Option(names = "--slot", required = true, description = "Replica slot: A or B.")
    String slot;

    @Option(names = "--incarnation", required = true, description = "The slot's incarnation this relay stands for.")
    int incarnation;

    @Option(names = "--remote", required = true, paramLabel = "HOST:PORT", description = "Where pstr replica-host listens.")
    String remote;

    @Option(names = "--reply-host", paramLabel = "ADDRESS",
            description = "This computer's address as the replica host reaches it (default: the one packets to --remote leave from).")
    String replyHost;

    @Option(names = "--silence-ms", defaultValue = "500",
            description = "Exit when the replica host says nothing for this long (default ${DEFAULT-VALUE} ms): the host manager "
                    + "then sees this replica gone.")
    long silenceMs;

    @Option(names = "--idle-us", defaultValue = "100",
            description = "Longest sleep of the relay and its Aeron driver when idle (default ${DEFAULT-VALUE} µs): the host's "
                    + "writes wake the relay at once, the replica host's messages wait at most this long twice.")
    long idleUs;

    // fallbackValue: without it picocli reads --no-exit-with-parent of a default-true option as true.
    @Option(names = "--exit-with-parent", defaultValue = "true", fallbackValue = "true", negatable = true,
            description = "Exit when the host manager's process exits (default ${DEFAULT-VALUE}).")
    boolean exitWithParent;

    @Option(names = "--priority", defaultValue = "off", paramLabel = "auto|off",
            description = "Raise the Aeron driver's thread as a link's (nice -15) where the host allows it (default "
                    + "${DEFAULT-VALUE}; the host manager passes its own). The relay's agent thread is raised by the host manager.")
    String priority;

    @Option(names = "--link-key", paramLabel = "FILE",
            description = "Sign every message to the replica host and take only signed ones from it, with this key (32 bytes, "
                    + "raw or 64 hex digits; the replica host's --link-key).")
    Path linkKey;

    @Parameters(paramLabel = "REPLICA_OPTION", description = "Mission options for the replica (after --), passed on as given.")
    List<String> replicaArgs = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (silenceMs <= 0 || idleUs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--silence-ms and --idle-us must be positive");
        }
        try {
            RemoteLink.checkEndpoint(remote, false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--remote: " + e.getMessage());
        }
        try {
            ThreadPriority.processMode(ThreadPriority.Mode.parse(priority));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--priority: " + e.getMessage());
        }
        RemoteLink.Key key;
        try {
            key = linkKey == null ? null : RemoteLink.Key.load(linkKey);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--link-key: " + e.getMessage());
        }
        String reply = replyHost != null ? replyHost : RemoteLink.localAddressToward(remote);
        ReplicaFiles files = new ReplicaFiles(dir);
        AeronTransport transport = AeronTransport.launch(files.aeronDir(), TimeUnit.MICROSECONDS.toNanos(idleUs));
        CountDownLatch stopped = new CountDownLatch(1);
        ReplicaRelay relay = new ReplicaRelay(slot, incarnation, files, transport.aeron(), remote, reply, key, replicaArgs,
                new SystemNanoClock(), TimeUnit.MILLISECONDS.toNanos(silenceMs), 
                // Off the agent's thread: the shutdown hook stops that thread (its lifeline tells the host at once).
                (code, why) -> new Thread(() -> System.exit(code), "relay-exit").start());
        AgentRunner runner = new AgentRunner(relay.idleStrategy(TimeUnit.MICROSECONDS.toNanos(idleUs)),
                e -> LOG.error("relay {}: duty cycle failed", slot, e), null, relay);
        AgentRunner.startOnThread(runner);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            transport.close();
            stopped.countDown();
        }, "relay-shutdown"));
        if (exitWithParent) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                LOG.warn("relay {}: host manager gone, exiting", slot);
                System.exit(3);
            }));
        }
        LOG.info("relay {} incarnation {} started (pid {}): replica host {}, answers to {}, {}", slot, incarnation,
                ProcessHandle.current().pid(), remote, reply, key == null ? "link not signed" : "link signed");
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplicaRelayMain()).execute(args));
    }
}
