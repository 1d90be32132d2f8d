package io.pstr.manager;

import io.dronefleet.mavlink.minimal.MavState;
import io.pstr.core.mavlink.CompanionHeartbeat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the host sends the companion computer's HEARTBEAT itself: while no replica output has reached the board for
 * {@link #SILENCE_NS}. The replica holding the I/O sends it once a second with its outputs (the flight task), but
 * nobody did before the replicas' first cycle (about 5 s of start after the pre-flight), after an abort stopped
 * their outputs, or while both were lost; PX4 then said "Connection to mission computer lost" (COM_OBC_LOSS_T). The
 * host is that computer, and it is alive: it says so, with the state the flight task is in. Conductor thread only.
 */
final class HeartbeatStandIn {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatStandIn.class);
    /** A replica output every control period, its heartbeat every second: 1.5 s without any output is silence. */
    static final long SILENCE_NS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(CompanionHeartbeat.PERIOD_MS);

    private long nextNs;
    private boolean standingIn;
    private long sent;

    /**
     * The state to announce in a heartbeat due now, or null if none is.
     * @param lastOutputNs when a replica's output last went onto the board link ({@link Long#MIN_VALUE}: never)
     * @param aborted whether the operator's abort stopped the replicas' outputs
     */
    MavState due(long nowNs, long lastOutputNs, boolean aborted) {
        boolean flowing = lastOutputNs != Long.MIN_VALUE && nowNs - lastOutputNs < SILENCE_NS;
        if (flowing) {
            if (standingIn) {
                standingIn = false;
                LOG.info("replica outputs reach the board again: the host stops sending the companion heartbeat ({} sent)", sent);
            }
            return null;
        }
        if (standingIn && nowNs - nextNs < 0) {
            return null;
        }
        if (!standingIn) {
            standingIn = true;
            LOG.info("{}: the host sends the companion heartbeat", lastOutputNs == Long.MIN_VALUE ? "no replica output yet"
                    : "no replica output for " + TimeUnit.NANOSECONDS.toMillis(nowNs - lastOutputNs) + " ms"
                    + (aborted ? " (aborted)" : ""));
        }
        nextNs = nowNs + PERIOD_NS;
        sent++;
        // On the ground before the first output or landing after an abort: standby. Outputs that stopped: the task is lost.
        return lastOutputNs == Long.MIN_VALUE || aborted ? MavState.MAV_STATE_STANDBY : MavState.MAV_STATE_CRITICAL;
    }

    /** Whether the host is sending the heartbeat now. */
    boolean standingIn() {
        return standingIn;
    }

    /** Heartbeats the host sent so far. */
    long sent() {
        return sent;
    }
}
