package io.pstr.manager;

import java.util.concurrent.TimeUnit;

/**
 * Thresholds of the management module. {@link #conclude()} validates them once, with clear messages.
 *
 * @param periodNs             control period
 * @param suspectAfterNs       heartbeat age at which a replica is suspect
 * @param hangTimeoutNs        heartbeat age at which a replica is declared hung and fenced
 * @param hungKillAfterNs      a fenced replica that does not resume within this is killed and restarted
 * @param syncCycles           matching cycles needed to call a recovering replica in step
 * @param failbackHoldOffNs    revertive policy: time in step before the I/O goes back to the primary
 * @param acceptanceFailLimit  consecutive acceptance-test failures of the holder that trigger a failover
 * @param deadlineMissLimit    consecutive output-deadline misses of the holder that trigger a failover
 * @param startTimeoutNs       time to wait for both replicas at start (and for a restarted one to be ready)
 */
public record FailoverConfig(
        long periodNs,
        long suspectAfterNs,
        long hangTimeoutNs,
        long hungKillAfterNs,
        int syncCycles,
        long failbackHoldOffNs,
        FailbackPolicy policy,
        int acceptanceFailLimit,
        int deadlineMissLimit,
        long startTimeoutNs) {

    /** A replica not in step this long after it was asked to resynchronise is asked again. */
    public long syncTimeoutNs() {
        return Math.max(100 * periodNs, 3_000_000_000L);
    }

    public static FailoverConfig defaults(int periodMs) {
        long period = TimeUnit.MILLISECONDS.toNanos(periodMs);
        return new FailoverConfig(period, 3 * period, Math.max(10 * period, TimeUnit.MILLISECONDS.toNanos(200)),
                TimeUnit.SECONDS.toNanos(5), 25, TimeUnit.SECONDS.toNanos(2), FailbackPolicy.REVERTIVE, 3, 5,
                TimeUnit.SECONDS.toNanos(30));
    }

    public FailoverConfig conclude() {
        require(periodNs >= TimeUnit.MILLISECONDS.toNanos(2) && periodNs <= TimeUnit.SECONDS.toNanos(1),
                "control period must be between 2 ms and 1 s");
        require(suspectAfterNs > periodNs, "suspect threshold must exceed one control period");
        require(hangTimeoutNs > suspectAfterNs, "hang timeout must exceed the suspect threshold");
        require(hungKillAfterNs > 0, "hung-kill timeout must be positive");
        require(syncCycles > 0, "sync cycles must be positive");
        require(failbackHoldOffNs >= 0, "failback hold-off must not be negative");
        require(policy != null, "failback policy missing");
        require(acceptanceFailLimit > 0 && deadlineMissLimit > 0, "failure limits must be positive");
        require(startTimeoutNs > 0, "start timeout must be positive");
        return this;
    }

    public FailoverConfig withPolicy(FailbackPolicy p, long holdOffNs) {
        return new FailoverConfig(periodNs, suspectAfterNs, hangTimeoutNs, hungKillAfterNs, syncCycles, holdOffNs, p,
                acceptanceFailLimit, deadlineMissLimit, startTimeoutNs);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid failover configuration: " + message);
        }
    }
}
