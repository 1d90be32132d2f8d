package io.pstr.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimeSeriesTest {

    @Test
    void shouldSlideTheWindowAndGrow() {
        TimeSeries s = new TimeSeries(10, "x");
        for (int i = 0; i <= 1_000; i++) {
            s.add(i * 0.02, i);
        }
        assertEquals(20.0, s.lastTime(), 1e-9);
        assertEquals(10.0, s.time(0), 1e-9, "oldest kept is one window back");
        assertEquals(501, s.size());
        assertEquals(1_000, s.value(0, s.size() - 1));
    }

    @Test
    void shouldSkipSamplesThatGoBackInTimeAndRefuseWrongWidths() {
        TimeSeries s = new TimeSeries(10, "x", "y");
        s.add(1, 1, 2);
        s.add(0.5, 9, 9);
        assertEquals(1, s.size());
        assertThrows(IllegalArgumentException.class, () -> s.add(2, 1));
    }
}
