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
        Path dir = options.resolveRunDir("manager");
        Journal journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        RunningManager running = start(() -> options.context(endpoint, dir, journal), options, spec);
        System.out.println("host manager running: board " + endpoint + ", API http://" + running.api().address()
                + ", run directory " + dir);
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
