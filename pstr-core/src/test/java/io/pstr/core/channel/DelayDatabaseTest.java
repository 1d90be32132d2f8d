package io.pstr.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DelayDatabaseTest {

    @Test
    void shouldGiveZeroEstimatesWhileEmpty() {
        DelayDatabase db = new DelayDatabase(8);
        assertEquals(0, db.size());
        assertEquals(0, db.minDelayNs());
        assertEquals(0, db.avgDelayNs());
    }

    @Test
    void shouldComputeThePapersFormulasOverTheWindow() {
        DelayDatabase db = new DelayDatabase(8);
        db.record(10, 20, 30, 40);
        db.record(2, 4, 6, 8);
        db.record(6, 0, 0, 4);
        // MIN_delay = 1/3 · Σ (MIN(G) + Q_i + P_i + MIN(T)) = 2 + (20+4+0)/3 + (30+6+0)/3 + 4 = 2 + 8 + 12 + 4
        assertEquals(26, db.minDelayNs());
        // AVG_delay = 1/3 · Σ (G_i + Q_i + P_i + T_i) = (100 + 20 + 10) / 3
        assertEquals(130 / 3, db.avgDelayNs());
        assertEquals(3, db.size());
    }

    @Test
    void shouldForgetTheOldestSampleOnceTheWindowIsFull() {
        DelayDatabase db = new DelayDatabase(2);
        db.record(1, 100, 100, 1);
        db.record(2, 4, 6, 8);
        db.record(6, 0, 0, 4);
        // Window (2,4,6,8), (6,0,0,4): MIN(G) 2, mean Q 2, mean P 3, MIN(T) 4; AVG (20 + 10) / 2
        assertEquals(2 + 2 + 3 + 4, db.minDelayNs());
        assertEquals(15, db.avgDelayNs());
        db.record(50, 0, 0, 50);
        // Window (6,0,0,4), (50,0,0,50): the minimum of G moved on with the window.
        assertEquals(6 + 4, db.minDelayNs());
        assertEquals((10 + 100) / 2, db.avgDelayNs());
    }

    @Test
    void shouldKeepItsMinimaRightAsTheyLeaveTheWindowAndAsNewOnesArrive() {
        // Asked after every record (as a sender asks before every packet), against the formula over the window
        // recomputed from scratch; small values so that minima repeat and leave the window often.
        java.util.Random random = new java.util.Random(7);
        int window = 5;
        DelayDatabase db = new DelayDatabase(window);
        java.util.ArrayDeque<long[]> kept = new java.util.ArrayDeque<>();
        for (int i = 0; i < 2_000; i++) {
            long[] s = {random.nextInt(6), random.nextInt(6), random.nextInt(6), random.nextInt(6)};
            // and not asked every time (every third record is recorded twice): records pile up between two questions
            for (int copies = i % 3 == 0 ? 2 : 1; copies > 0; copies--) {
                db.record(s[0], s[1], s[2], s[3]);
                kept.addLast(s);
                if (kept.size() > window) {
                    kept.removeFirst();
                }
            }
            long minG = kept.stream().mapToLong(x -> x[0]).min().orElseThrow();
            long minT = kept.stream().mapToLong(x -> x[3]).min().orElseThrow();
            long sumQP = kept.stream().mapToLong(x -> x[1] + x[2]).sum();
            long sumAll = kept.stream().mapToLong(x -> x[0] + x[1] + x[2] + x[3]).sum();
            assertEquals((kept.size() * (minG + minT) + sumQP) / kept.size(), db.minDelayNs(), "MIN_delay after record " + i);
            assertEquals(sumAll / kept.size(), db.avgDelayNs(), "AVG_delay after record " + i);
        }
    }

    @Test
    void shouldRefuseNegativePhasesAndBadWindows() {
        DelayDatabase db = new DelayDatabase(4);
        assertThrows(IllegalArgumentException.class, () -> db.record(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DelayDatabase(0));
        assertEquals(0, db.size());
    }
}
