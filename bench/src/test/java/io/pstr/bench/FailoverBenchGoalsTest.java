package io.pstr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pstr.bench.FailoverBench.KindFigures;
import io.pstr.manager.drill.FaultKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failover benchmark's goal lines, judged from made-up figures both ways. */
class FailoverBenchGoalsTest {

    @Test
    void shouldJudgeEveryGoalFromTheFigures() {
        List<String> met = FailoverBench.goals(List.of(
                new KindFigures(FaultKind.KILL, 100, 2.2, 29.9, 0, 0, 0),
                new KindFigures(FaultKind.HANG, 100, 60, 26.8, 0, 0, 0),
                new KindFigures(FaultKind.ACCEPTANCE, 100, 1, 29.8, 0, 0, 0),
                // busy allocating until its JVM exits: found as a hang is, so its detection has no crash's goal
                new KindFigures(FaultKind.OOM, 100, 62.2, 29.2, 0, 0, 0)), 20, 0.49, 0.53, 544);
        assertEquals(List.of(
                "goal: kill gap p99 <= 1.5 periods: REACHED (29.90 ms = 1.495 periods)",
                "goal: kill detection p99 < 5 ms: REACHED (2.20 ms)",
                "goal: hang gap p99 <= 3.0 periods: REACHED (26.80 ms = 1.340 periods)",
                "goal: oom gap p99 <= 1.5 periods: REACHED (29.20 ms = 1.460 periods)",
                "goal: no fenced output, duplicated cycle or lost input frame in any row: REACHED (none)",
                "goal: the whole system under one core on average and under 600 MB RSS: REACHED "
                        + "(0.49 cores quiet, 0.53 through the faults, RSS max 544 MB)"), met);

        List<String> missed = FailoverBench.goals(List.of(
                new KindFigures(FaultKind.KILL, 100, 5.5, 31.7, 0, 0, 0),
                new KindFigures(FaultKind.OOM, 2, 1, 25, 1, 0, 2)), 20, 0.7, 1.1, 620);
        assertEquals(List.of(
                "goal: kill gap p99 <= 1.5 periods: NOT reached (31.70 ms = 1.585 periods)",
                "goal: kill detection p99 < 5 ms: NOT reached (5.50 ms)",
                "goal: oom gap p99 <= 1.5 periods: NOT JUDGED, 2 failovers where the goal counts 100 (25.00 ms = 1.250 periods)",
                "goal: no fenced output, duplicated cycle or lost input frame in any row: NOT reached "
                        + "(oom: 1 fenced, 0 duplicated, 2 lost)",
                "goal: the whole system under one core on average and under 600 MB RSS: NOT reached "
                        + "(0.70 cores quiet, 1.10 through the faults, RSS max 620 MB)"), missed);
    }
}
