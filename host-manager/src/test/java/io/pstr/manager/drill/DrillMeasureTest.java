package io.pstr.manager.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.record.BoardRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillMeasureTest {

    private static final int PERIOD_MS = 20;
    private static final long MS = 1_000_000L;

    private static BoardRecord.Setpoint setpoint(long atMs, long cycle) {
        return new BoardRecord.Setpoint(atMs * MS, cycle * PERIOD_MS, 82, (int) (cycle & 0xFF), 1, 191, "OFFBOARD",
                0, 0, -10, 0, 0, 0, 0.5);
    }

    /** Setpoints every period from 0 to 3 s, with a hole, a repeated cycle and a stale one after the fault at 1 s. */
    private static List<BoardRecord> record() {
        List<BoardRecord> r = new ArrayList<>();
        for (long c = 0; c < 150; c++) {
            if (c == 60 || c == 61) {
                continue;
            }
            r.add(setpoint(c * PERIOD_MS, c));
            if (c == 70) {
                r.add(setpoint(c * PERIOD_MS + 1, 70));
            }
            if (c == 80) {
                r.add(setpoint(c * PERIOD_MS + 1, 75));
            }
        }
        return r;
    }

    @Test
    void shouldMeasureEachDrillInItsOwnWindowFromTheBoardsRecord() {
        FaultDrill.Run run = new FaultDrill.Run(FaultKind.KILL, 1_000 * MS, 2_000 * MS, 3.5, 2, true, 10, 10, "");
        FaultDrill.Run quiet = new FaultDrill.Run(FaultKind.NOISE, 2_500 * MS, 2_900 * MS, null, 0, true, 10, 12, "");
        List<DrillMeasure.Row> rows = DrillMeasure.measure(List.of(run, quiet), record(), PERIOD_MS);

        DrillMeasure.Row kill = rows.get(0);
        assertEquals(60.0, kill.gapMs(), "two cycles missing: three periods between setpoints");
        assertEquals(240.0, kill.gapEndAfterFaultMs(), "the hole ends with cycle 62, at 1.24 s, 240 ms after the fault");
        assertEquals(20.0, kill.takeoverGapMs(), "the hole at 1.2 s is after the fault's decision + one period");
        assertEquals(2, kill.duplicateCycles(), "cycle 70 twice; 75 after 80 also repeats a served cycle");
        assertEquals(1, kill.fencedOutputs(), "cycle 75 after 80 went backwards");
        assertEquals(0, kill.lostInputFrames());
        assertEquals(3.5, kill.detectMs());
        assertEquals(1.0, kill.recoveryS());
        assertFalse(kill.clean());

        DrillMeasure.Row noise = rows.get(1);
        assertEquals(20.0, noise.gapMs());
        assertEquals(0, noise.fencedOutputs());
        assertEquals(2, noise.lostInputFrames());
        assertNull(noise.detectMs());
        assertNull(noise.takeoverGapMs(), "no failover, no takeover gap");

        FaultDrill.Run atTheHole = new FaultDrill.Run(FaultKind.KILL, 1_190 * MS, 2_000 * MS, 0.5, 2, true, 10, 10, "");
        assertEquals(60.0, DrillMeasure.measure(List.of(atTheHole), record(), PERIOD_MS).get(0).takeoverGapMs(),
                "a fault just before the hole spans it");
    }

    @Test
    void shouldSummarisePerKindWithNearestRankPercentiles() {
        List<DrillMeasure.Row> rows = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            rows.add(new DrillMeasure.Row(FaultKind.KILL, (double) i / 10, 20 + i, 100.0, 20.0, 0, 0, 0, 0.1, true, 2, 5, ""));
        }
        rows.add(new DrillMeasure.Row(FaultKind.HANG, null, 30, null, null, 1, 0, 0, 0.2, false, 1, 5, "no"));
        List<DrillSummary.Line> lines = DrillSummary.of(rows);
        assertEquals(2, lines.size());
        DrillSummary.Line kill = lines.get(0);
        assertEquals(100, kill.count());
        assertEquals(70.0, kill.gapP50Ms());
        assertEquals(119.0, kill.gapP99Ms());
        assertEquals(120.0, kill.gapMaxMs());
        assertEquals(9.9, kill.detectP99Ms(), 1e-9);
        assertEquals(100, kill.redundant());
        DrillSummary.Line hang = lines.get(1);
        assertNull(hang.detectP50Ms());
        assertNull(hang.takeoverGapP99Ms());
        assertEquals(1, hang.fencedOutputs());
        assertEquals(0, hang.redundant());
        String table = DrillSummary.markdown(lines, PERIOD_MS);
        assertTrue(table.contains("| kill | 100 | 70.0 | 119.0 | 120.0 (6.00) | 20.0 / 20.0 | 5.0 | 9.9 | 0 | 0 | 0 | 0.10 | 100/100 | 2 |"), table);
        assertTrue(DrillSummary.markdownRows(rows, PERIOD_MS).contains("| NO (no) |"));
    }
}
