package io.pstr.flightctl.remote;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a remote replica takes to answer: from the cycle's tick leaving the relay to that cycle's output coming back
 * (both links, the replica host, the replica's step). Said in the log now and then as p50, p99 and max: what the host
 * manager's output grace ({@code --grace-ms}) must cover beyond a local replica's answer.
 */
final class RoundTrips {

    private static final Logger LOG = LoggerFactory.getLogger(RoundTrips.class);
    /** Ticks remembered: an output more than this many cycles late is not matched. */
    private static final int TICKS = 256;
    private static final int SAMPLES = 8192;

    private final String name;
    private final long[] tickCycle = new long[TICKS];
    private final long[] tickNs = new long[TICKS];
    private final long[] samples = new long[SAMPLES];
    private int count;
    private long lastReportNs;

    RoundTrips(String name, long nowNs) {
        this.name = name;
        this.lastReportNs = nowNs;
        Arrays.fill(tickCycle, -1);
    }

    void ticked(long cycle, long nowNs) {
        int i = (int) (cycle & (TICKS - 1));
        tickCycle[i] = cycle;
        tickNs[i] = nowNs;
    }

    void answered(long cycle, long nowNs) {
        int i = (int) (cycle & (TICKS - 1));
        if (tickCycle[i] != cycle) {
            return;
        }
        tickCycle[i] = -1;
        if (count < SAMPLES) {
            samples[count++] = nowNs - tickNs[i];
        }
    }

    /** The samples so far, sorted (tests); resets nothing. */
    long[] sorted() {
        long[] s = Arrays.copyOf(samples, count);
        Arrays.sort(s);
        return s;
    }

    void reportEvery(long nowNs, long everyNs) {
        if (nowNs - lastReportNs < everyNs) {
            return;
        }
        lastReportNs = nowNs;
        if (count == 0) {
            return;
        }
        long[] s = sorted();
        LOG.info("{}: tick to output over the remote link, {} cycles: p50 {} µs, p99 {} µs, max {} µs", name, s.length,
                s[(s.length - 1) / 2] / 1_000, s[(int) Math.ceil(s.length * 0.99) - 1] / 1_000, s[s.length - 1] / 1_000);
        count = 0;
    }
}
