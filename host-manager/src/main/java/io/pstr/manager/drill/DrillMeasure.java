package io.pstr.manager.drill;

import io.pstr.core.record.BoardRecord;
import io.pstr.manager.FailoverReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of each drill, from the board's own record: what the aircraft got. The window of a
 * drill runs from half a second before its fault to the moment the system was back to full
 * redundancy (or gave up).
 */
public final class DrillMeasure {

    private static final long BEFORE_NS = 500_000_000L;

    /**
     * One row of the matrix.
     *
     * @param detectMs       fault to the failover decision (or, where no failover is right, to the first reaction)
     * @param gapMs          largest interval between setpoints the board accepted in the window
     * @param gapEndAfterFaultMs when that interval ended, from the fault (negative: before it); null for an empty window
     * @param takeoverGapMs  largest interval spanning the fault up to one period after the failover decision (the
     *                       gap the takeover itself made, without the rest of the recovery); null without a failover
     * @param fencedOutputs  setpoints for a cycle older than one already accepted (only a fenced sender makes those)
     * @param duplicateCycles setpoints for a cycle already accepted
     * @param lostInputFrames board frames the holder did not get (link gaps plus ring drops) during the drill
     * @param altitudeDeviationM largest |altitude - altitude at the fault| of the true state in the window
     * @param redundant      back to both replicas running in step, the primary holding the I/O
     * @param holderChanges  failovers, failbacks and recoveries during the drill
     * @param recoveryS      fault to full redundancy
     */
    public record Row(FaultKind kind, Double detectMs, double gapMs, Double gapEndAfterFaultMs, Double takeoverGapMs, long fencedOutputs, long duplicateCycles,
            long lostInputFrames, double altitudeDeviationM, boolean redundant, int holderChanges, double recoveryS,
            String note) {

        /** The aircraft's verdict: no stale, repeated or lost data, and the system whole again. */
        public boolean clean() {
            return fencedOutputs == 0 && duplicateCycles == 0 && lostInputFrames == 0 && redundant;
        }
    }

    private DrillMeasure() {
    }

    public static List<Row> measure(List<FaultDrill.Run> runs, List<BoardRecord> board, int periodMs) {
        List<BoardRecord.Setpoint> setpoints = FailoverReport.of(board, BoardRecord.Setpoint.class);
        List<BoardRecord.State> states = FailoverReport.of(board, BoardRecord.State.class);
        List<Row> rows = new ArrayList<>();
        for (FaultDrill.Run run : runs) {
            long from = run.faultNs() - BEFORE_NS;
            long to = run.endNs();
            Double takeover = run.detectMs() == null || !run.kind().changesHolder() ? null
                    : FailoverReport.spanningGapMs(setpoints, run.faultNs(),
                            run.faultNs() + Math.round(run.detectMs() * 1e6) + periodMs * 1_000_000L);
            FailoverReport.Gap gap = FailoverReport.largestGap(setpoints, from, to);
            rows.add(new Row(run.kind(), run.detectMs(), gap.lengthMs(),
                    gap.endNs() == Long.MIN_VALUE ? null : (gap.endNs() - run.faultNs()) / 1e6, takeover,
                    FailoverReport.stale(setpoints, from, to, periodMs, false),
                    FailoverReport.stale(setpoints, from, to, periodMs, true),
                    Math.max(0, run.inputLostAfter() - run.inputLostBefore()),
                    FailoverReport.altitudeDeviation(states, run.faultNs(), to), run.redundant(), run.holderChanges(),
                    (run.endNs() - run.faultNs()) / 1e9, run.note()));
        }
        return rows;
    }
}
