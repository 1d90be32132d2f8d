package io.pstr.manager;

import io.pstr.core.shm.Doorbell;
import io.pstr.manager.api.ApiServer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A host manager running on its conductor thread, with its status/control API. */
public final class RunningManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningManager.class);
    /**
     * The conductor's longest sleep: how late the API's commands, the failover state machine's timeouts (60 ms and
     * up) and the crash probe may be looked at. Its deadlines on the clock and the replicas' doorbells and lifelines
     * end a sleep sooner.
     */
    public static final long CONDUCTOR_MAX_SLEEP_US = 1_000;
    /** Without {@code futex_waitv} the conductor polls the replicas' output rings: at this interval. */
    public static final long CONDUCTOR_POLL_US = 200;

    private final HostManager manager;
    private final AgentRunner runner;
    private final ApiServer api;

    private RunningManager(HostManager manager, AgentRunner runner, ApiServer api) {
        this.manager = manager;
        this.runner = runner;
        this.api = api;
    }

    /**
     * Starts the manager. Between empty duty cycles the conductor sleeps until its next deadline (tick, paced
     * write, output deadline), at most {@link #CONDUCTOR_MAX_SLEEP_US}, and less when a replica writes an output or
     * dies: the control period is 20 ms, and on a 2-core machine no thread of ours may spin. Where the kernel cannot
     * sleep on both replicas' doorbells at once (no {@code futex_waitv}), the cap is its polling interval:
     * {@link #CONDUCTOR_POLL_US}.
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
        long capUs = Doorbell.sleepsOnSeveral() ? CONDUCTOR_MAX_SLEEP_US : CONDUCTOR_POLL_US;
        AgentRunner runner = new AgentRunner(manager.idleStrategy(TimeUnit.MICROSECONDS.toNanos(capUs)),
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
