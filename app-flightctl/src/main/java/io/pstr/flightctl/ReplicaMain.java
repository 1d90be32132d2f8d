package io.pstr.flightctl;

import io.pstr.core.shm.ReplicaFiles;
import io.pstr.flightctl.task.MissionPlan;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A replica process. The host manager starts it inside a sandbox; it talks only through the files of its directory. */
@Command(name = "replica", mixinStandardHelpOptions = true,
        description = "One replica of the flight-control task. Started by the host manager; not meant to be run by hand.")
public final class ReplicaMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaMain.class);

    @Option(names = "--dir", required = true, description = "Directory with this replica's rings and status file.")
    Path dir;

    @Option(names = "--slot", required = true, description = "Replica slot: A or B.")
    String slot;

    @Option(names = "--idle-us", description = "Longest sleep when there is nothing to do: the host's write to the input ring "
            + "and the peer's packets wake the replica at once, this bounds how stale its heartbeat gets (default "
            + ReplicaFiles.REPLICA_MAX_SLEEP_BOTH_US + " µs where it can sleep on both at once (futex_waitv, Linux 5.16), else "
            + ReplicaFiles.REPLICA_MAX_SLEEP_US + " µs, and the peer's channel is polled that often).")
    Long idleUs;

    // fallbackValue: without it picocli reads --no-exit-with-parent of a default-true option as true.
    @Option(names = "--exit-with-parent", defaultValue = "true", fallbackValue = "true", negatable = true,
            description = "Exit when the host manager's process exits (default ${DEFAULT-VALUE}).")
    boolean exitWithParent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    MissionOptions mission = new MissionOptions();

    @Override
    public Integer call() throws InterruptedException {
        if (idleUs != null && idleUs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--idle-us must be positive, not " + idleUs);
        }
        long sleepUs = idleUs != null ? idleUs : ReplicaFiles.replicaMaxSleepUs();
        MissionPlan plan = mission.plan();
        ReplicaAgent agent = new ReplicaAgent(slot, new ReplicaFiles(dir), plan, new SystemNanoClock());
        CountDownLatch stopped = new CountDownLatch(1);
        AgentRunner runner = new AgentRunner(agent.idleStrategy(TimeUnit.MICROSECONDS.toNanos(sleepUs)),
                e -> LOG.error("replica {}: step failed", slot, e), null, agent);
        AgentRunner.startOnThread(runner);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            stopped.countDown();
        }, "replica-shutdown"));
        if (exitWithParent) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                LOG.warn("replica {}: host manager gone, exiting", slot);
                System.exit(3);
            }));
        }
        LOG.info("replica {} started (pid {}), files in {}", slot, ProcessHandle.current().pid(), dir);
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplicaMain()).execute(args));
    }
}
