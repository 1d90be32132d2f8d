package io.pstr.manager;

import io.pstr.core.record.BoardRecord;
import io.pstr.core.status.JournalEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FailoverReportTest {

    private static final int PERIOD_MS = 20;
    private static final long MS = 1_000_000L;
    private static final long ORIGIN_NS = 100_000 * MS;
    private static final long FAULT_NS = ORIGIN_NS + 5_000 * MS;
    private static final long FAILOVER_NS = ORIGIN_NS + 5_100 * MS;
    private static final long FAILBACK_NS = ORIGIN_NS + 8_000 * MS;
    private static final long END_NS = ORIGIN_NS + 10_000 * MS;

    private final List<BoardRecord> board = new ArrayList<>();
    private final List<JournalEvent> events = new ArrayList<>();

    private static BoardRecord.Setpoint setpoint(long monoNs, long cycle) {
        return new BoardRecord.Setpoint(monoNs, cycle * PERIOD_MS, 84, (int) cycle & 0xff, 1, 1, "OFFBOARD",
                0, 0, -10, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private static BoardRecord.State state(long monoNs, double altitudeM) {
        return new BoardRecord.State(monoNs, (monoNs - ORIGIN_NS) / MS, "OFFBOARD", true, 0, 0, -altitudeM, 0, 0, 0,
                0, 0, 0, 0.5, 0);
    }

    private void event(long monoNs, String type, String cause, long epoch, String slot, Map<String, Object> figures) {
        events.add(new JournalEvent(events.size() + 1, monoNs, 0, type, cause, "X", "Y", epoch, 0, slot, "", figures));
    }

    /** One setpoint per cycle, on time, except where a test cuts some out. */
    private void steadySetpoints(long fromCycle, long toCycle, long... missing) {
        outer:
        for (long k = fromCycle; k <= toCycle; k++) {
            for (long m : missing) {
                if (k == m) {
                    continue outer;
                }
            }
            board.add(setpoint(ORIGIN_NS + k * PERIOD_MS * MS, k));
        }
    }

    private void sortBoard() {
        board.sort(Comparator.comparingLong(BoardRecord::monoNs));
    }

    private void standardJournal() {
        event(ORIGIN_NS, "START", "START", 1, "A", Map.of("epoch", 1L, "inputLostTotal", 0L));
        event(FAILOVER_NS, "FAILOVER", "PROCESS_EXIT", 2, "B",
                Map.of("epoch", 2L, "detectMs", 100.0, "faultMonoNs", FAULT_NS, "inputLostTotal", 3L));
        event(FAILOVER_NS + 10 * MS, "STATE", "RECOVERED", 2, "B", Map.of("inputLostTotal", 4L));
        event(FAILBACK_NS, "FAILBACK", "FAILBACK", 3, "A", Map.of("epoch", 3L, "inputLostTotal", 10L));
        event(END_NS, "STATE", "RECOVERED", 3, "A", Map.of("inputLostTotal", 12L));
    }

    @SuppressWarnings("unchecked")
    private static List<FailoverReport.Failover> failovers(Map<String, Object> report) {
        return (List<FailoverReport.Failover>) report.get("failovers");
    }

    private Map<String, Object> build() {
        sortBoard();
        return FailoverReport.build(PERIOD_MS, ORIGIN_NS, END_NS, events, board);
    }

    @Test
    void shouldMeasureCommandGapAcrossFailoverWindowOnly() {
        // 100 ms without setpoints at the fault (cycles 251..254), 200 ms long before it (outside the window).
        steadySetpoints(0, 500, 101, 102, 103, 104, 105, 106, 107, 108, 109, 251, 252, 253, 254);
        standardJournal();

        Map<String, Object> report = build();
        List<FailoverReport.Failover> f = failovers(report);
        assertEquals(2, f.size());
        assertEquals(100.0, f.get(0).commandGapMs(), 1e-9);
        assertEquals(20.0, f.get(1).commandGapMs(), 1e-9);
        assertEquals(200.0, (Double) report.get("maxCommandGapMs"), 1e-9);
        assertEquals(501 - 13, report.get("setpointsAtBoard"));
    }

    @Test
    void shouldCarryTheClientRequestFiguresOfTheLastRequestsEventAndZeroWithout() {
        steadySetpoints(0, 500);
        standardJournal();
        assertEquals(0L, build().get("requestsLost"));
        event(END_NS - MS, "REQUESTS", "SUMMARY", 2, null, Map.of("requestsSeen", 5L, "requestsExecuted", 4L,
                "requestsAcked", 6L, "requestsLost", 1L, "requestsDuplicated", 1L));
        Map<String, Object> report = build();
        assertEquals(5L, report.get("requestsSeen"));
        assertEquals(4L, report.get("requestsExecuted"));
        assertEquals(6L, report.get("requestsAcked"));
        assertEquals(1L, report.get("requestsLost"));
        assertEquals(1L, report.get("requestsDuplicated"));
    }

    @Test
    void shouldDescribeEachHolderChange() {
        steadySetpoints(0, 500);
        standardJournal();

        List<FailoverReport.Failover> f = failovers(build());
        FailoverReport.Failover failover = f.get(0);
        assertEquals("FAILOVER", failover.type());
        assertEquals("PROCESS_EXIT", failover.cause());
        assertEquals("A", failover.from());
        assertEquals("B", failover.to());
        assertEquals(2, failover.epoch());
        assertEquals(5_000.0, failover.faultAtMs(), 1e-9);
        assertEquals(100.0, failover.detectMs(), 1e-9);
        assertEquals(5_100.0, failover.atMs(), 1e-9);

        FailoverReport.Failover failback = f.get(1);
        assertEquals("FAILBACK", failback.type());
        assertEquals("B", failback.from());
        assertEquals("A", failback.to());
        assertNull(failback.faultAtMs());
        assertNull(failback.detectMs());
        assertEquals(8_000.0, failback.atMs(), 1e-9);
    }

    @Test
    void shouldCountSetpointRepeatingTheLatestCycleAsDuplicate() {
        steadySetpoints(0, 500);
        // Both senders' cycle 260 reached the board, 5 ms apart.
        board.add(setpoint(ORIGIN_NS + 260 * PERIOD_MS * MS + 5 * MS, 260));
        standardJournal();

        Map<String, Object> report = build();
        assertEquals(1L, failovers(report).get(0).duplicateCycles());
        assertEquals(0L, failovers(report).get(0).fencedOutputs());
        assertEquals(0L, failovers(report).get(1).duplicateCycles(), "outside the failback window");
        assertEquals(1L, report.get("duplicateCyclesTotal"));
        assertEquals(0L, report.get("fencedOutputsTotal"));
    }

    @Test
    void shouldCountSetpointGoingBackwardsToAnUnservedCycleAsFenced() {
        // Cycle 255 never went out on time; a stale sender's cycle 255 arrives after cycle 270.
        steadySetpoints(0, 500, 255);
        board.add(setpoint(ORIGIN_NS + 270 * PERIOD_MS * MS + 5 * MS, 255));
        standardJournal();

        Map<String, Object> report = build();
        assertEquals(1L, failovers(report).get(0).fencedOutputs());
        assertEquals(0L, failovers(report).get(0).duplicateCycles());
        assertEquals(1L, report.get("fencedOutputsTotal"));
    }

    @Test
    void shouldCountSetpointGoingBackwardsToAServedCycleAsFenced() {
        // The old holder, fenced, still got its cycle 250 through after the board had reached cycle 270.
        steadySetpoints(0, 500);
        board.add(setpoint(ORIGIN_NS + 270 * PERIOD_MS * MS + 5 * MS, 250));
        standardJournal();

        Map<String, Object> report = build();
        assertEquals(1L, failovers(report).get(0).fencedOutputs());
        assertEquals(1L, report.get("fencedOutputsTotal"));
    }

    @Test
    void shouldIgnoreStaleSetpointsOutsideTheWindowButCountThemInTotals() {
        steadySetpoints(0, 500);
        board.add(setpoint(ORIGIN_NS + 100 * PERIOD_MS * MS + 5 * MS, 100));
        standardJournal();

        Map<String, Object> report = build();
        assertEquals(0L, failovers(report).get(0).duplicateCycles());
        assertEquals(1L, report.get("duplicateCyclesTotal"));
    }

    @Test
    void shouldMeasureAltitudeDeviationFromAltitudeAtFault() {
        steadySetpoints(0, 500);
        for (long t = 0; t <= 10_000; t += 100) {
            double alt = 10.0;
            if (t == 3_000) {
                alt = 5.0; // long before the fault: not this failover's
            } else if (t == 5_300) {
                alt = 9.2;
            } else if (t == 5_400) {
                alt = 10.5;
            } else if (t == 9_500) {
                alt = 10.3;
            }
            board.add(state(ORIGIN_NS + t * MS, alt));
        }
        standardJournal();

        Map<String, Object> report = build();
        assertEquals(0.8, failovers(report).get(0).altitudeDeviationM(), 1e-9);
        assertEquals(0.3, failovers(report).get(1).altitudeDeviationM(), 1e-9);
        assertEquals(0.8, (Double) report.get("maxAltitudeDeviationM"), 1e-9);
    }

    @Test
    void shouldCountLostInputFramesFromInputLostTotals() {
        steadySetpoints(0, 500);
        standardJournal();

        Map<String, Object> report = build();
        assertEquals(7L, failovers(report).get(0).lostInputFrames(), "10 at the failback minus 3 at the failover");
        assertEquals(2L, failovers(report).get(1).lostInputFrames(), "12 at the end minus 10 at the failback");
        assertEquals(12L, report.get("lostInputFramesTotal"));
    }

    @Test
    void shouldReportNothingForAFlightWithoutHolderChanges() {
        steadySetpoints(0, 100);
        event(ORIGIN_NS, "START", "START", 1, "A", Map.of("epoch", 1L));

        Map<String, Object> report = build();
        assertEquals(List.of(), failovers(report));
        assertEquals(20.0, (Double) report.get("maxCommandGapMs"), 1e-9);
        assertEquals(0L, report.get("lostInputFramesTotal"));
        assertEquals(0.0, (Double) report.get("maxAltitudeDeviationM"), 1e-9);
        assertEquals(10.0, (Double) report.get("durationS"), 1e-9);
        assertEquals(PERIOD_MS, report.get("controlPeriodMs"));
    }
}
