package io.pstr.core.rt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class SignalsTest {

    private static char state(long pid) {
        return ProcStat.state(ProcStat.fields(ProcStat.read(pid)));
    }

    @Test
    void shouldStopAndContinueAProcess() throws Exception {
        assertTrue(Signals.available(), "JNA binds the C library on Linux");
        Process child = new ProcessBuilder("sleep", "600").start();
        try {
            long pid = child.pid();
            Signals.send(pid, Signals.Signal.STOP);
            Awaitility.await("stopped").atMost(Duration.ofSeconds(30)).until(() -> state(pid) == 'T');
            Signals.send(pid, Signals.Signal.CONT);
            Awaitility.await("running again").atMost(Duration.ofSeconds(30)).until(() -> state(pid) == 'S' || state(pid) == 'R');
            assertTrue(child.isAlive(), "stopped and continued, not killed");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldSaySoWhenThereIsNoSuchProcess() throws Exception {
        Process child = new ProcessBuilder("true").start();
        long pid = child.pid();
        child.waitFor(); // reaped: the pid names nobody (until it is reused, far later)
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Signals.send(pid, Signals.Signal.CONT));
        assertTrue(e.getMessage().contains("no such process"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signals.send(0, Signals.Signal.STOP), "0 would signal our own group");
    }
}
