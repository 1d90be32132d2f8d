package io.pstr.manager.cli;

import io.pstr.core.status.AircraftStatus;
import io.pstr.core.status.GateStatus;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.api.FakeControlPlane;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusFormatterTest {

    @Test
    void shouldShowStateReplicasGateLinkAndAircraft() {
        String text = StatusFormatter.format(FakeControlPlane.sampleStatus());
        String[] lines = text.split("\n");

        assertEquals("state PRIMARY_ACTIVE (1)  epoch 3  holder A  primary A  cycle 4200  period 20 ms  failback revertive",
                lines[0]);
        assertTrue(lines[2].startsWith("slot role    holder health"), lines[2]);
        assertEquals(List.of("A", "primary", "*", "RUNNING", "4242", "1", "12", "ms", "4200", "4199", "0", "0", "0", "0", "HOVER", "jail"),
                List.of(lines[3].trim().split("\\s+")));
        assertEquals(List.of("B", "shadow", "SUSPECT", "4343", "2", "never", "4100", "4099", "3", "1", "0", "7", "HOVER", "process"),
                List.of(lines[4].trim().split("\\s+")));
        assertTrue(text.contains("gate     sent 4200  fallback 2  fenced 5  fenced-at-board 0  late 1  missed 0  rejected 1  divergent 0\n"), text);
        assertTrue(text.contains("writes   command gap 20.6 ms  largest interval 20.6 ms  (last 50 ms)  last write 3.8 ms before this status\n"), text);
        assertTrue(text.contains("channel  A sent 4200  received 4100  refused 0  late 1  fast 0  overflow 0  fallback 0  unreachable 2\n"
                + "         A to its peer: delay avg 38 us  min 22 us  last 41 us  (63 packets)\n"), text);
        assertTrue(text.contains("         B to its peer: no packet delivered\n"), text);
        assertTrue(text.contains("link     tcp:127.0.0.1:5760 UP mavlink  in 100000 B/2000 frames  out 50000 B/1000 frames  crc 1  skipped 17 B  gaps 2 (lost 3)\n"), text);
        assertTrue(text.contains("         downs 1 (last: connection closed)  silent 1  send stalls 0  refused 0 writes (0 blocked)/0 B  queue drops 0  queue delay p50 120 us p99 900 us max 1500 us\n"), text);
        assertTrue(text.contains("         gaps by sys/comp {1/1=2}\n"), text);
        assertTrue(text.contains("aircraft alt 9.87 m  climb -0.10 m/s  speed 0.50 m/s  mode OFFBOARD  ARMED  battery 12.4 V  telemetry 35 ms old\n"), text);
    }

    @Test
    void shouldTolerateAManagerThatIsStillStarting() {
        SystemStatus starting = new SystemStatus(0, "STARTING", 0, 0, null, null, 0, 20, null, null, null, null,
                new AircraftStatus(Double.NaN, 0, 0, 0, 0, 0, 0, 0, false, null, Double.NaN, -1), null, null);
        String text = StatusFormatter.format(starting);
        assertTrue(text.startsWith("state STARTING (0)  epoch 0  holder -  primary -"), text);
        assertTrue(text.contains("(no replicas)"), text);
        assertTrue(text.contains("gate     -"), text);
        assertTrue(text.contains("writes   no control output written to the board yet\n"), text);
        assertTrue(text.contains("link     -"), text);
        assertTrue(text.contains("aircraft alt n/a m"), text);
        assertTrue(text.contains("telemetry never old"), text);
    }

    @Test
    void shouldFlagAStaleOutputThatReachedTheBoard() {
        SystemStatus s = FakeControlPlane.sampleStatus();
        SystemStatus bad = new SystemStatus(s.monoNs(), s.state(), s.stateCode(), s.epoch(), s.holder(), s.primary(),
                s.cycle(), s.controlPeriodMs(), s.failbackPolicy(), s.replicas(), new GateStatus(1, 0, 0, 2, 0, 0, 0, 0),
                s.board(), s.aircraft(), s.waypoints(), s.commandGap());
        assertTrue(StatusFormatter.format(bad).contains("fenced-at-board 2 (MUST BE 0)"));
    }

    @Test
    void shouldFormatAnEventWithItsWallTime() {
        JournalEvent e = new JournalEvent(7, 0, 1_700_000_000_123L, "FAILOVER", "PROCESS_EXIT", "PRIMARY_ACTIVE",
                "SHADOW_ACTIVE", 2, 900, "B", "primary exited", Map.of());
        assertEquals("2023-11-14 22:13:20.123  #7 FAILOVER PROCESS_EXIT PRIMARY_ACTIVE->SHADOW_ACTIVE epoch=2 cycle=900 "
                + "slot=B \"primary exited\"", StatusFormatter.formatEvent(e, ZoneOffset.UTC));
    }
}
