package io.pstr.core.status;

import java.util.List;

/**
 * The command gap as the host sees it: how long the board link went without a control output, measured where
 * the host's paced writer hands each replica output to the link (the host's own frames, such as an abort's
 * land command, do not count). Taken once per status period.
 *
 * @param statusPeriodMs  how often the host takes these figures
 * @param lastWriteMonoNs host monotonic time of the last control output written to the link; -1 when none yet
 * @param maxIntervalMs   largest interval between two consecutive outputs written in the last status period, ms;
 *                        -1 when no interval ended in it
 * @param gapMs           the last status period's command gap: {@code maxIntervalMs}, or the time from the last
 *                        write to the end of the period if that is longer (a gap still open); -1 when nothing
 *                        was ever written
 * @param recent          the last few periods, oldest first, the last one being the figures above: a client that
 *                        reads less often than once a period (the event stream sends a status every 200 ms)
 *                        still sees every period once
 */
public record CommandGapStatus(int statusPeriodMs, long lastWriteMonoNs, double maxIntervalMs, double gapMs,
        List<Period> recent) {

    /** Nothing written yet, or a host manager that does not say. */
    public static final CommandGapStatus NONE = new CommandGapStatus(0, -1, -1, -1, List.of());

    public CommandGapStatus {
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    /**
     * One status period's figures.
     *
     * @param endMonoNs     host monotonic time the period ended (when the host took its figures)
     * @param maxIntervalMs largest interval between two consecutive outputs written in it, ms; -1 none
     * @param gapMs         {@code maxIntervalMs}, or the time from the last write to {@code endMonoNs} if longer; -1
     *                      when nothing was ever written
     */
    public record Period(long endMonoNs, double maxIntervalMs, double gapMs) {
    }
}
