package io.pstr.ui;

import static io.pstr.ui.Statuses.event;
import static io.pstr.ui.Statuses.gaps;
import static io.pstr.ui.Statuses.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.channel.ChannelDelay;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StationModelTest {

    private final StationModel model = new StationModel(ZoneOffset.UTC, () -> 1_700_000_000_000L);
    private final StationConnection.Listener in = model.listener();

    @Test
    void shouldApplyOnlyOnFlushAndShowTheLatestStatus() {
        in.connection(true, "connected to http://127.0.0.1:8660");
        in.status(status(1_000_000_000L, "A", 1, 5.0, 50));
        in.status(status(1_200_000_000L, "A", 1, 6.0, 60));
        assertFalse(model.connectedProperty().get(), "nothing changes before the flush");
        assertTrue(model.flush());
        assertTrue(model.connectedProperty().get());
        assertEquals("PRIMARY_ACTIVE (1)", model.stateProperty().get());
        assertEquals(6.0, model.altitudeProperty().get());
        assertTrue(model.replicaA().holderProperty().get());
        assertEquals("HOLDS THE I/O · epoch 1", model.replicaA().holderTextProperty().get());
        assertEquals("fenced from the I/O", model.replicaB().holderTextProperty().get());
        assertEquals("38 %", model.replicaA().cpuProperty().get());
        assertEquals("80 MiB", model.replicaA().memoryProperty().get());
        assertEquals("pid 4242 (#1)", model.replicaA().processProperty().get());
        assertEquals(2, model.plots().size(), "every status is a point on the plots");
        assertEquals(6.0, model.plots().value(0, 1), 1e-9);
        assertEquals(20, model.controlPeriodMsProperty().get(), "the command gap's reference line");
        assertEquals(4, model.waypointsProperty().get().size());
        assertEquals(20.0, model.waypointsProperty().get().get(1).eastM());
        String link = model.linkCountersProperty().get();
        assertTrue(link.contains("refused 5 (blocked 5)") && link.contains("downs 3 (silent 2 · send stalls 1)"), link);
        assertFalse(model.flush(), "nothing new");
    }

    @Test
    void shouldMoveTheHolderAndRecordTheFailoverWithItsFigures() {
        in.connection(true, "connected");
        in.status(status(1_000_000_000L, "A", 1, 10, 100));
        model.flush();
        in.event(event(5, 3_000_000_000L, "FAULT", "OPERATOR", "A", "kill-primary: SIGKILL the primary's process (pid 4242)",
                Map.of("pid", 4242)));
        in.event(event(6, 3_022_000_000L, "FAILOVER", "PROCESS_EXIT", "A",
                "replica A process exited: B takes the I/O", Map.of("detectMs", 22.1, "lastSentCycle", 150)));
        in.status(status(3_100_000_000L, "B", 2, 10, 200));
        model.flush();
        assertTrue(model.replicaB().holderProperty().get());
        assertFalse(model.replicaA().holderProperty().get());
        assertEquals("HOLDS THE I/O · epoch 2", model.replicaB().holderTextProperty().get());
        assertEquals("B", model.holderProperty().get());
        TimelineEntry failover = model.timeline().get(1);
        assertEquals("FAILOVER", failover.type());
        assertEquals(2.022, failover.timeS(), 1e-9);
        assertTrue(failover.figures().contains("detectMs=22.1"), failover.figures());
        assertEquals(2, model.markers().size());
        assertEquals("FAILOVER → B", model.markers().get(1).label());
        assertEquals("kill-primary", model.markers().get(0).label());
    }

    @Test
    void shouldFilterTheTimelineByGroupAndText() {
        in.event(event(1, 1, "START", "START", null, "host manager starting", Map.of()));
        in.event(event(2, 2, "FAULT", "OPERATOR", "A", "hang-primary: SIGSTOP", Map.of()));
        in.event(event(3, 3, "FAILOVER", "TAKEOVER_REQUEST", "A", "B takes the I/O", Map.of("detectMs", 59.4)));
        in.event(event(4, 4, "LINK", "LINK_UP", null, "board link up", Map.of()));
        model.flush();
        assertEquals(4, model.filteredTimeline().size());
        model.groupProperty().set(TimelineEntry.Group.CHANGES);
        assertEquals(1, model.filteredTimeline().size());
        model.groupProperty().set(TimelineEntry.Group.ALL);
        model.filterTextProperty().set("sigstop");
        assertEquals("FAULT", model.filteredTimeline().get(0).type());
        assertEquals(1, model.filteredTimeline().size());
        model.groupProperty().set(TimelineEntry.Group.LINK);
        assertEquals(0, model.filteredTimeline().size());
        model.filterTextProperty().set("");
        assertEquals(List.of("LINK"), model.filteredTimeline().stream().map(TimelineEntry::type).toList());

        in.event(event(5, 5, "BOARD", "MODE", null, "board mode AUTO.LAND (failsafe), was UNKNOWN",
                Map.of("mode", "AUTO.LAND", "failsafe", true)));
        model.flush();
        assertEquals(List.of("LINK", "BOARD"), model.filteredTimeline().stream().map(TimelineEntry::type).toList(),
                "the board's own events are with its link's");
        model.groupProperty().set(TimelineEntry.Group.REPLICAS);
        assertTrue(model.filteredTimeline().stream().noneMatch(e -> "BOARD".equals(e.type())));
    }

    @Test
    void shouldSayWhenTheHostManagerIsLostAndWhenItComesBack() {
        in.connection(true, "connected");
        in.status(status(1_000_000_000L, "A", 1, 10, 100));
        model.flush();
        in.connection(false, "lost the host manager at http://127.0.0.1:8660: Connection refused");
        model.flush();
        assertFalse(model.connectedProperty().get());
        assertEquals("lost the host manager at http://127.0.0.1:8660: Connection refused",
                model.connectionMessageProperty().get());
        assertFalse(model.replicaA().holderProperty().get(), "a lost manager's holder is not shown as current");
        in.connection(false, "still nobody");
        in.managerRestarted();
        in.connection(true, "connected");
        in.status(status(5_000_000_000L, "A", 1, 0, 3));
        model.flush();
        assertTrue(model.connectedProperty().get());
        assertEquals(java.util.List.of("LOST", "MANAGER_RESTARTED", "RECONNECTED"),
                model.timeline().stream().map(TimelineEntry::cause).toList());
    }

    @Test
    void shouldPlotEveryStatusPeriodsCommandGapOnceThoughStatusesCarrySeveral() {
        long ms = 1_000_000;
        // the stream sends a status every 200 ms; each carries the host's last few 50 ms periods
        in.status(status(1_000 * ms, "A", 1, 10, 50, gaps(850 * ms, 20, 900 * ms, 21, 950 * ms, 20, 1_000 * ms, 20), null, null));
        in.status(status(1_200 * ms, "A", 1, 10, 60, gaps(950 * ms, 20, 1_000 * ms, 20, 1_050 * ms, 20, 1_100 * ms, 45,
                1_150 * ms, 95, 1_200 * ms, 105), null, null));
        model.flush();
        TimeSeries g = model.commandGaps();
        assertEquals(8, g.size(), "periods 850 to 1200 ms, each once");
        assertEquals(-0.15, g.time(0), 1e-9, "at the end of its period, on the plots' time axis");
        assertEquals(0.2, g.time(7), 1e-9);
        assertEquals(java.util.List.of(20.0, 21.0, 20.0, 20.0, 20.0, 45.0, 95.0, 105.0),
                java.util.stream.IntStream.range(0, g.size()).mapToObj(k -> g.value(0, k)).toList());
        // a status repeating what was plotted adds nothing; an older host manager says nothing
        in.status(status(1_250 * ms, "B", 2, 10, 70, gaps(1_200 * ms, 105), null, null));
        in.status(status(1_450 * ms, "B", 2, 10, 80));
        model.flush();
        assertEquals(8, g.size());
    }

    @Test
    void shouldPlotEachReplicasChannelLatencyOnlyWhenItsPeerLoggedNewPackets() {
        long ms = 1_000_000;
        in.status(status(1_000 * ms, "A", 1, 10, 50, null, new ChannelDelay(63, 41, 38, 22, 1_000), new ChannelDelay(63, 35, 30, 20, 990)));
        in.status(status(1_200 * ms, "A", 1, 10, 60, null, new ChannelDelay(63, 52, 40, 22, 1_010), new ChannelDelay(63, 35, 30, 20, 990)));
        in.status(status(1_400 * ms, "A", 1, 10, 70, null, new ChannelDelay(63, 44, 39, 21, 1_020), ChannelDelay.NONE));
        in.status(status(1_600 * ms, "A", 1, 10, 80, null, new ChannelDelay(12, 90, 70, 30, 12), new ChannelDelay(3, 61, 60, 55, 1_023)));
        model.flush();
        TimeSeries l = model.channelLatency();
        assertEquals(4, l.size(), "a point per status");
        assertEquals("replica A", l.name(0));
        assertEquals("replica B", l.name(1));
        assertEquals(java.util.List.of(38.0, 40.0, 39.0, 70.0), values(l, 0), "A's AVG_delay, µs; its restarted peer logs afresh");
        assertEquals(30.0, l.value(1, 0));
        assertTrue(Double.isNaN(l.value(1, 1)), "B's peer logged nothing new (B hung, or the channel cut): no point");
        assertTrue(Double.isNaN(l.value(1, 2)), "none at all");
        assertEquals(60.0, l.value(1, 3));
    }

    @Test
    void shouldStartTheNewPlotsAfreshWithARestartedHostManager() {
        long ms = 1_000_000;
        in.status(status(5_000 * ms, "A", 1, 10, 50, gaps(5_000 * ms, 20), new ChannelDelay(63, 41, 38, 22, 500), null));
        model.flush();
        in.managerRestarted();
        // the new manager's phase logs and periods start again: equal figures are new ones
        in.status(status(9_000 * ms, "A", 1, 0, 3, gaps(9_000 * ms, 20), new ChannelDelay(63, 41, 38, 22, 500), null));
        model.flush();
        assertEquals(2, model.commandGaps().size());
        assertEquals(38.0, model.channelLatency().value(0, 1));
    }

    private static java.util.List<Double> values(TimeSeries s, int channel) {
        return java.util.stream.IntStream.range(0, s.size()).mapToObj(k -> s.value(channel, k)).toList();
    }

    @Test
    void shouldAskForOneFlushAtATimeWhateverArrives() {
        java.util.List<Runnable> scheduled = new java.util.ArrayList<>();
        model.flushOn(scheduled::add);
        scheduled.remove(0).run(); // the first request, with nothing in it yet
        for (int i = 0; i < 10; i++) {
            in.status(status(i * 200_000_000L, "A", 1, 10, i * 10L));
        }
        in.event(event(1, 1, "START", "START", null, "host manager starting", Map.of()));
        assertEquals(1, scheduled.size(), "one flush pending, not eleven");
        scheduled.remove(0).run();
        assertEquals(10, model.plots().size());
        assertEquals(1, model.timeline().size());
        in.status(status(3_000_000_000L, "A", 1, 10, 100));
        assertEquals(1, scheduled.size(), "the next arrival asks again");
    }

    @Test
    void shouldKeepTheInboxBoundedWhileTheDisplayStalls() {
        for (int i = 0; i < 1_000; i++) {
            in.status(status(i * 200_000_000L, "A", 1, 10, i * 10L));
        }
        model.flush();
        assertEquals(100, model.plots().size(), "only the latest statuses are kept");
    }
}
