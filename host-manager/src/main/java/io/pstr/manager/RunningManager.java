package io.pstr.manager;

import io.pstr.manager.api.ApiServer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A host manager running on its conductor thread, with its status/control API. */
public final class RunningManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningManager.class);

    private final HostManager manager;
    private final AgentRunner runner;
    private final ApiServer api;

    private RunningManager(HostManager manager, AgentRunner runner, ApiServer api) {
        this.manager = manager;
        this.runner = runner;
        this.api = api;
    }

    /**
     * Starts the manager. The conductor sleeps at most 200 µs between empty duty cycles, less when a replica
     * writes an output: the control period is 20 ms, and on a 2-core machine no thread of ours may spin.
     */
    public static RunningManager start(HostManager.Context ctx, String apiHost, int apiPort, String token) {
        HostManager manager = new HostManager(ctx);
        ApiServer api;
        try {
            api = ApiServer.start(new ApiServer.Context().host(apiHost).port(apiPort).token(token).controlPlane(manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        AgentRunner runner = new AgentRunner(manager.idleStrategy(TimeUnit.MICROSECONDS.toNanos(200)),
                e -> LOG.error("host manager duty cycle failed", e), null, manager);
        manager.start();
        AgentRunner.startOnThread(runner);
        LOG.info("host manager running, API on {}", api.address());
        return new RunningManager(manager, runner, api);
    }

    public HostManager manager() {
        return manager;
    }

    public ApiServer api() {
        return api;
    }

    @Override
    public void close() {
        api.close();
        runner.close();
        manager.close();
    }
}
