package io.pstr.manager;

import io.pstr.core.status.CommandGapStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The command gap at the board link per status period, for the status: each period's largest interval between
 * two consecutive control outputs written (from {@link PacedWriter#takeMaxOutputIntervalNs}), and the gap still
 * open at its end. Keeps the last {@link #PERIODS_KEPT} periods so that a client that reads the status less often
 * than once a period misses none. Conductor thread; one small array write per period, nothing per cycle.
 */
final class CommandGaps {

    /** Half a second of 50 ms periods: more than the event stream's 200 ms between statuses, with room for a late one. */
    static final int PERIODS_KEPT = 10;

    private final int statusPeriodMs;
    private final long[] endNs = new long[PERIODS_KEPT];
    private final long[] maxIntervalNs = new long[PERIODS_KEPT];
    private final long[] gapNs = new long[PERIODS_KEPT];
    private int next;
    private int size;
    private long lastWriteNs = Long.MIN_VALUE;

    CommandGaps(int statusPeriodMs) {
        this.statusPeriodMs = statusPeriodMs;
    }

    /**
     * Ends a period at {@code nowNs}.
     *
     * @param lastWriteNs   when the last control output was written, {@link Long#MIN_VALUE} if none ever was
     * @param maxIntervalNs the largest interval between two outputs written in the period, -1 if none ended in it
     */
    void endPeriod(long nowNs, long lastWriteNs, long maxIntervalNs) {
        this.lastWriteNs = lastWriteNs;
        endNs[next] = nowNs;
        this.maxIntervalNs[next] = maxIntervalNs;
        gapNs[next] = lastWriteNs == Long.MIN_VALUE ? -1 : Math.max(maxIntervalNs, Math.max(0, nowNs - lastWriteNs));
        next = (next + 1) % PERIODS_KEPT;
        size = Math.min(size + 1, PERIODS_KEPT);
    }

    /** The figures for the status: the last period's, with the ones before it. */
    CommandGapStatus status() {
        if (size == 0) {
            return new CommandGapStatus(statusPeriodMs, -1, -1, -1, List.of());
        }
        List<CommandGapStatus.Period> recent = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            int i = Math.floorMod(next - size + k, PERIODS_KEPT);
            recent.add(new CommandGapStatus.Period(endNs[i], ms(maxIntervalNs[i]), ms(gapNs[i])));
        }
        CommandGapStatus.Period last = recent.get(size - 1);
        return new CommandGapStatus(statusPeriodMs, lastWriteNs == Long.MIN_VALUE ? -1 : lastWriteNs, last.maxIntervalMs(),
                last.gapMs(), recent);
    }

    /** Milliseconds to the microsecond; -1 stays -1. */
    private static double ms(long ns) {
        return ns < 0 ? -1 : Math.round(ns / 1_000.0) / 1_000.0;
    }
}
