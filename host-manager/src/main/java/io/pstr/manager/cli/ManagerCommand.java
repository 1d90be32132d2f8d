package io.pstr.manager.cli;

import io.pstr.core.link.Endpoint;
import io.pstr.manager.HostManager;
import io.pstr.manager.RunningManager;
import io.pstr.manager.journal.Journal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pstr manager}: the host manager and both replicas against any MAVLink board. */
@Command(name = "manager", mixinStandardHelpOptions = true,
        description = "Runs the host manager and both replicas against a flight board until Ctrl-C. The replicas fly the mission; use 'pstr status' and 'pstr fault' from another terminal.")
public final class ManagerCommand implements Callable<Integer> {

    @Option(names = "--board", defaultValue = "tcp:127.0.0.1:5760", paramLabel = "ENDPOINT",
            description = "Board link: " + Endpoint.SYNTAX + " (see docs/links.md; default ${DEFAULT-VALUE}).")
    String board;

    @Option(names = "--survive-restart",
            description = "Replicas keep running when this host manager's process dies (crash, SIGKILL), and it keeps "
                    + "what a new manager needs in RUN_DIR/manager-state.json, so that 'pstr manager --attach RUN_DIR' can "
                    + "take them over: same holder, a higher epoch, nothing stale to the board. While no manager runs the "
                    + "board gets no setpoints (its offboard-loss failsafe applies). A clean stop (Ctrl-C) still stops the "
                    + "replicas.")
    boolean surviveRestart;

    @Option(names = "--attach", paramLabel = "RUN_DIR",
            description = "Take over the replicas that a host manager started with --survive-restart left running in "
                    + "RUN_DIR (that manager must be gone): same replica processes, a new epoch above any seen, the journal "
                    + "continued, the board link opened again. Give the same --period-ms, mission and --sandbox options as "
                    + "that manager. This manager survives restarts too.")
    Path attach;

    @Mixin
    ManagerOptions options = new ManagerOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(board);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (attach != null) {
            if (options.runDirOption() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--attach RUN_DIR is the run directory: leave out --run-dir");
            }
            if (!java.nio.file.Files.isDirectory(attach)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--attach " + attach + ": no such directory");
            }
        }
        Path dir = attach != null ? attach.toAbsolutePath() : options.resolveRunDir("manager");
        Journal journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        RunningManager running;
        try {
            running = start(() -> options.context(endpoint, dir, journal, surviveRestart, attach != null), options, spec);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
        System.out.println("host manager " + (attach != null ? "re-attached" : "running") + ": board " + endpoint + ", API http://"
                + running.api().address() + ", run directory " + dir);
        if (surviveRestart || attach != null) {
            System.out.println("replicas survive a restart of this manager: ./pstr manager --attach " + dir
                    + " --board ... takes them over");
        }
        if (options.gcs != null) {
            System.out.println("ground station link " + options.gcs + ": board telemetry forwarded, its requests go to both replicas");
        }
        System.out.println("journal: " + dir.resolve("journal.jsonl") + "   (Ctrl-C stops everything)");
        if (running.manager().tlog() != null) {
            System.out.println("flight log: " + running.manager().tlog().file() + "   (./pstr replay FILE checks it)");
        }
        runUntilStopped(running);
        return 0;
    }

    /** Starts a manager with its API; a bad configuration is a usage error of {@code spec}'s command. */
    static RunningManager start(java.util.function.Supplier<HostManager.Context> context, ManagerOptions options,
                                CommandLine.Model.CommandSpec spec) {
        try {
            return RunningManager.start(context.get(), options.apiHost, options.apiPort, options.token);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** Blocks until Ctrl-C (SIGINT/SIGTERM); the shutdown hook closes the manager, which flushes the journal and log. */
    static void runUntilStopped(RunningManager running) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stop.countDown();
        }, "manager-shutdown"));
        stop.await();
    }
}
