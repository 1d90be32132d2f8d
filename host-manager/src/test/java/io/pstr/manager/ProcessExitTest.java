package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessExitTest {

    private static String stat(char state, long flags, long pending) {
        StringBuilder sb = new StringBuilder("4242 (java (odd) name) ").append(state).append(" 1 4242 4242 0 -1 ").append(flags);
        for (int field = 10; field <= 30; field++) {
            sb.append(" 0");
        }
        sb.append(' ').append(pending).append(" 0 0 0 0 0 0 17 1 0 0 0 0 0");
        return sb.toString();
    }

    @Test
    void shouldReadDeathFromStateFlagsAndPendingSignals() {
        assertFalse(ProcessExit.dying(stat('S', 0x400040, 0)), "sleeping");
        assertFalse(ProcessExit.dying(stat('R', 0x400040, 1L << 13)), "running, SIGPIPE pending");
        assertFalse(ProcessExit.dying(stat('T', 0x400040, 0)), "stopped: hung, not dead");
        assertTrue(ProcessExit.dying(stat('R', 0x400044, 0)), "PF_EXITING");
        assertTrue(ProcessExit.dying(stat('S', 0x400040, 1L << 8)), "SIGKILL pending");
        assertTrue(ProcessExit.dying(stat('Z', 0, 0)), "zombie");
        assertFalse(ProcessExit.dying("garbage"), "unreadable says nothing");
        assertFalse(ProcessExit.dying("1 (x) S 1 2"), "short line says nothing");
    }

    @Test
    void shouldSeeARealProcessDieTheMomentItIsKilled() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            assertFalse(ProcessExit.dying(p.pid()), "a sleeping process is not dying");
            p.destroyForcibly();
            assertTrue(ProcessExit.dying(p.pid()), "SIGKILL sent: dying at once, before it is reaped");
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertTrue(ProcessExit.dying(p.pid()), "gone");
        } finally {
            p.destroyForcibly();
        }
    }
}
