package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pstr.core.status.CommandGapStatus;
import io.pstr.core.status.CommandGapStatus.Period;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandGapsTest {

    private static final long MS = 1_000_000;

    private final CommandGaps gaps = new CommandGaps(50);

    @Test
    void shouldSayNothingBeforeTheFirstWrite() {
        assertEquals(new CommandGapStatus(50, -1, -1, -1, List.of()), gaps.status());
        gaps.endPeriod(50 * MS, Long.MIN_VALUE, -1);
        assertEquals(new CommandGapStatus(50, -1, -1, -1, List.of(new Period(50 * MS, -1, -1))), gaps.status());
    }

    @Test
    void shouldTakeTheLargestIntervalOrTheGapStillOpenAtThePeriodsEnd() {
        gaps.endPeriod(1_000 * MS, 995 * MS, 20_400_000);
        assertEquals(new CommandGapStatus(50, 995 * MS, 20.4, 20.4, List.of(new Period(1_000 * MS, 20.4, 20.4))),
                gaps.status());
        // the holder died at 1 005 ms: nothing written since, the gap is open and growing
        gaps.endPeriod(1_050 * MS, 1_005 * MS, 20_000_000);
        gaps.endPeriod(1_100 * MS, 1_005 * MS, -1);
        // the shadow's output went at 1 110 ms, 105 ms after the last one, and the outputs go on
        gaps.endPeriod(1_150 * MS, 1_145 * MS, 105_000_000);
        CommandGapStatus s = gaps.status();
        assertEquals(List.of(new Period(1_000 * MS, 20.4, 20.4), new Period(1_050 * MS, 20, 45),
                new Period(1_100 * MS, -1, 95), new Period(1_150 * MS, 105, 105)), s.recent());
        assertEquals(105, s.maxIntervalMs());
        assertEquals(105, s.gapMs());
        assertEquals(1_145 * MS, s.lastWriteMonoNs());
    }

    @Test
    void shouldKeepTheLastPeriodsOldestFirst() {
        for (int k = 1; k <= CommandGaps.PERIODS_KEPT + 3; k++) {
            gaps.endPeriod(k * 50 * MS, k * 50 * MS - MS, k * MS);
        }
        List<Period> recent = gaps.status().recent();
        assertEquals(CommandGaps.PERIODS_KEPT, recent.size());
        assertEquals(new Period(4 * 50 * MS, 4, 4), recent.get(0));
        assertEquals(new Period((CommandGaps.PERIODS_KEPT + 3) * 50 * MS, 13, 13), recent.get(CommandGaps.PERIODS_KEPT - 1));
    }
}
