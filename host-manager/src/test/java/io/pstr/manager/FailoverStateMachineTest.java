package io.pstr.manager;

import io.pstr.manager.FailoverStateMachine.StartMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverStateMachineTest {

    private static final long MS = 1_000_000L;
    private static final long PERIOD_NS = 20 * MS;
    private static final long SUSPECT_NS = 60 * MS;
    private static final long HANG_NS = 200 * MS;

    private record Event(String type, Cause cause, FailoverState from, FailoverState to, Slot slot, String message,
            Map<String, Object> figures) {
    }

    private record Assign(long epoch, Slot holder) {
    }

    /** Records what the machine asks for, in order. */
    private static final class RecordingActions implements FailoverStateMachine.Actions {
        final List<String> calls = new ArrayList<>();
        final List<Assign> assigns = new ArrayList<>();
        final List<Event> events = new ArrayList<>();

        @Override
        public void launch(Slot slot) {
            calls.add("launch " + slot);
        }

        @Override
        public void kill(Slot slot) {
            calls.add("kill " + slot);
        }

        @Override
        public void assign(long epoch, Slot holder) {
            calls.add("assign " + epoch + " " + holder);
            assigns.add(new Assign(epoch, holder));
        }

        final List<Slot> syncRestarts = new ArrayList<>();

        @Override
        public void restartSync(Slot slot) {
            syncRestarts.add(slot);
        }

        @Override
        public void start(Slot slot, StartMode mode) {
            calls.add("start " + slot + " " + mode);
        }

        @Override
        public void event(String type, Cause cause, FailoverState from, FailoverState to, Slot slot, String message,
                Map<String, Object> figures) {
            events.add(new Event(type, cause, from, to, slot, message, figures));
        }

        long count(String call) {
            return calls.stream().filter(call::equals).count();
        }

        List<FailoverState> stateChanges() {
            return events.stream().filter(e -> e.type().equals("STATE")).map(Event::to).toList();
        }
    }

    /** A slot's evidence for one poll; defaults: a live, running replica with a fresh heartbeat. */
    private static final class V {
        boolean alive = true;
        boolean ready = true;
        boolean running = true;
        long heartbeatAgeNs;
        int syncStreak;
        boolean divergent;
        int acceptanceFailStreak;
        int holderMissStreak;
        boolean takeover;
        boolean inputLost;

        SlotView get() {
            return new SlotView(alive, ready, running, heartbeatAgeNs, syncStreak, divergent, acceptanceFailStreak,
                    holderMissStreak, takeover, inputLost);
        }
    }

    private static SlotView running() {
        return new V().get();
    }

    private static SlotView with(UnaryOperator<V> f) {
        return f.apply(new V()).get();
    }

    private static SlotView heartbeat(long ageNs) {
        return with(v -> {
            v.heartbeatAgeNs = ageNs;
            return v;
        });
    }

    private static SlotView synced() {
        return with(v -> {
            v.syncStreak = 25;
            return v;
        });
    }

    private static final SlotView DEAD = SlotView.ABSENT;
    private static final SlotView LAUNCHING = new SlotView(true, false, false, Long.MAX_VALUE, 0, false, 0, 0, false, false);
    private static final SlotView READY = new SlotView(true, true, false, Long.MAX_VALUE, 0, false, 0, 0, false, false);

    private final RecordingActions actions = new RecordingActions();
    private FailoverStateMachine fsm = new FailoverStateMachine(FailoverConfig.defaults(20), actions);
    private long nowNs = 5_000 * MS;

    private void poll(SlotView a, SlotView b) {
        nowNs += PERIOD_NS;
        fsm.poll(nowNs, a, b);
    }

    private void pollFor(long durationNs, SlotView a, SlotView b) {
        long end = nowNs + durationNs;
        while (nowNs < end) {
            poll(a, b);
        }
    }

    private void startMission() {
        fsm.begin(nowNs);
        poll(LAUNCHING, LAUNCHING);
        poll(READY, READY);
        poll(running(), running());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        actions.calls.clear();
        actions.assigns.clear();
        actions.events.clear();
    }

    private List<Event> holderChanges() {
        return actions.events.stream().filter(e -> Set.of("FAILOVER", "FAILBACK", "RECOVERY").contains(e.type())).toList();
    }

    @Test
    void shouldStartMissionWhenBothReplicasAreReady() {
        fsm.begin(nowNs);
        assertEquals(List.of("launch A", "launch B"), actions.calls);
        assertEquals(ReplicaHealth.LAUNCHING, fsm.health(Slot.A));

        poll(LAUNCHING, LAUNCHING);
        poll(READY, LAUNCHING);
        assertEquals(FailoverState.STARTING, fsm.state(), "the mission waits for both replicas");
        assertEquals(0, fsm.epoch());
        assertNull(fsm.holder());

        poll(READY, READY);
        assertEquals(List.of("launch A", "launch B", "assign 1 A", "start A FRESH", "start B FRESH"), actions.calls);
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertEquals(1, fsm.epoch());
        assertEquals(Slot.A, fsm.holder());
        assertEquals(Slot.A, fsm.primary());
        assertEquals(ReplicaHealth.RUNNING, fsm.health(Slot.A));
        assertEquals(ReplicaHealth.RUNNING, fsm.health(Slot.B));
        assertTrue(actions.events.stream().anyMatch(e -> e.type().equals("START") && e.slot() == Slot.A));
    }

    @Test
    void shouldStartDegradedWithOneReadyReplicaAfterStartTimeout() {
        fsm.begin(nowNs);
        long begunNs = nowNs;
        while (fsm.state() == FailoverState.STARTING) {
            poll(LAUNCHING, READY);
        }
        assertTrue(nowNs - begunNs > fsm.config().startTimeoutNs(), "the mission waits for the start timeout");
        pollFor(2 * PERIOD_NS, LAUNCHING, running());

        assertEquals(FailoverState.DEGRADED, fsm.state());
        assertEquals(Slot.B, fsm.holder());
        assertEquals(Slot.B, fsm.primary());
        assertEquals(1, fsm.epoch());
        assertEquals(1, actions.count("start B FRESH"));
        assertEquals(0, actions.count("start A FRESH"));
        assertTrue(actions.count("launch A") >= 2, "the replica that never became ready is relaunched");

        poll(READY, running());
        assertTrue(actions.calls.contains("start A " + StartMode.FROM_CHECKPOINT));
        assertEquals(ReplicaHealth.SYNCING, fsm.health(Slot.A));
    }

    @Test
    void shouldFailOverToShadowWhenPrimaryProcessExits() {
        startMission();
        poll(DEAD, running());

        assertEquals(2, fsm.epoch());
        assertEquals(Slot.B, fsm.holder());
        assertEquals(List.of("assign 2 B", "launch A"), actions.calls);
        assertEquals(List.of(FailoverState.SHADOW_ACTIVE, FailoverState.PRIMARY_RECOVERING), actions.stateChanges());
        Event failover = holderChanges().get(0);
        assertEquals("FAILOVER", failover.type());
        assertEquals(Cause.PROCESS_EXIT, failover.cause());
        assertEquals(Slot.B, failover.slot());
        assertEquals(2L, failover.figures().get("epoch"));
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());
        assertEquals(Slot.A, fsm.primary(), "A stays the primary while it recovers");
    }

    @Test
    void shouldMeasureDetectionTimeFromInjectedFault() {
        startMission();
        fsm.faultInjected(nowNs);
        poll(DEAD, running());
        Event failover = holderChanges().get(0);
        assertEquals(20.0, (Double) failover.figures().get("detectMs"), 1e-9);
    }

    @Test
    void shouldRecoverPrimaryAndFailBackAfterHoldOffWhenRevertive() {
        startMission();
        poll(DEAD, running());
        poll(LAUNCHING, running());
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());

        poll(READY, running());
        assertTrue(actions.calls.contains("start A FROM_CHECKPOINT"));
        assertEquals(ReplicaHealth.SYNCING, fsm.health(Slot.A));
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());

        poll(with(v -> {
            v.syncStreak = 24;
            return v;
        }), running());
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state(), "24 matching cycles are not enough");

        poll(synced(), running());
        long syncedNs = nowNs;
        assertEquals(FailoverState.PRIMARY_SYNCED, fsm.state());
        assertEquals(ReplicaHealth.RUNNING, fsm.health(Slot.A));
        assertEquals(Slot.B, fsm.holder());

        long holdOffNs = fsm.config().failbackHoldOffNs();
        while (nowNs + PERIOD_NS < syncedNs + holdOffNs) {
            poll(synced(), running());
            assertEquals(Slot.B, fsm.holder(), "no failback before the hold-off");
            assertEquals(2, fsm.epoch());
        }
        poll(synced(), running());
        assertEquals(syncedNs + holdOffNs, nowNs);
        assertEquals(Slot.A, fsm.holder());
        assertEquals(3, fsm.epoch());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        Event failback = holderChanges().get(holderChanges().size() - 1);
        assertEquals("FAILBACK", failback.type());
        assertEquals(Cause.FAILBACK, failback.cause());
        assertEquals(Slot.A, failback.slot());
    }

    @Test
    void shouldKeepHolderAsNewPrimaryWhenNonRevertive() {
        fsm = new FailoverStateMachine(FailoverConfig.defaults(20).withPolicy(FailbackPolicy.NON_REVERTIVE, 0), actions);
        startMission();
        poll(DEAD, running());
        poll(READY, running());
        poll(synced(), running());

        assertEquals(Slot.B, fsm.primary());
        assertEquals(Slot.B, fsm.holder());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        pollFor(5_000 * MS, synced(), running());
        assertEquals(Slot.B, fsm.holder(), "non-revertive: the I/O never goes back by itself");
        assertEquals(2, fsm.epoch());
        assertTrue(holderChanges().stream().noneMatch(e -> e.type().equals("FAILBACK")));
    }

    @Test
    void shouldSuspectPrimaryOnLateHeartbeatAndClearWhenFresh() {
        startMission();
        poll(heartbeat(SUSPECT_NS - 1), running());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());

        poll(heartbeat(SUSPECT_NS), running());
        assertEquals(FailoverState.PRIMARY_SUSPECT, fsm.state());
        assertEquals(ReplicaHealth.SUSPECT, fsm.health(Slot.A));
        assertEquals(1, fsm.epoch(), "suspicion alone does not move the I/O");

        poll(heartbeat(0), running());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertEquals(ReplicaHealth.RUNNING, fsm.health(Slot.A));
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void shouldFenceHungPrimaryWithoutKillingItAndFailBackWhenItResumes() {
        startMission();
        poll(heartbeat(SUSPECT_NS), running());
        poll(heartbeat(HANG_NS - 1), running());
        assertEquals(1, fsm.epoch());

        poll(heartbeat(HANG_NS), running());
        assertEquals(2, fsm.epoch());
        assertEquals(Slot.B, fsm.holder());
        assertEquals(ReplicaHealth.STOPPED, fsm.health(Slot.A));
        assertEquals(FailoverState.SHADOW_ACTIVE, fsm.state());
        assertEquals(List.of("assign 2 B"), actions.calls, "a hung replica is fenced, not killed");
        assertEquals(Cause.HEARTBEAT_MISSED, holderChanges().get(0).cause());

        pollFor(1_000 * MS, heartbeat(HANG_NS + 1_000 * MS), running());
        assertEquals(ReplicaHealth.STOPPED, fsm.health(Slot.A));

        poll(heartbeat(0), running());
        assertEquals(ReplicaHealth.SYNCING, fsm.health(Slot.A));
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());
        assertEquals(List.of(Slot.A), actions.syncRestarts, "its run in step from before the hang is forgotten");

        poll(synced(), running());
        assertEquals(FailoverState.PRIMARY_SYNCED, fsm.state());
        pollFor(fsm.config().failbackHoldOffNs(), synced(), running());
        assertEquals(Slot.A, fsm.holder());
        assertEquals(3, fsm.epoch());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertEquals(0, actions.count("kill A"));
        assertEquals(0, actions.count("launch A"));
    }

    @Test
    void shouldKillAndRelaunchHungReplicaThatDoesNotResume() {
        startMission();
        poll(heartbeat(HANG_NS), running());
        long hungNs = nowNs;
        long killAfterNs = fsm.config().hungKillAfterNs();
        while (nowNs + PERIOD_NS <= hungNs + killAfterNs) {
            poll(heartbeat(nowNs - hungNs + HANG_NS), running());
            assertEquals(0, actions.count("kill A"), "not killed before the hung-kill timeout");
        }
        poll(heartbeat(nowNs - hungNs + HANG_NS), running());

        assertEquals(1, actions.count("kill A"));
        assertEquals(1, actions.count("launch A"));
        assertTrue(actions.calls.indexOf("kill A") < actions.calls.indexOf("launch A"));
        assertEquals(ReplicaHealth.LAUNCHING, fsm.health(Slot.A));
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());
        assertEquals(2, fsm.epoch());
    }

    @Test
    void shouldFailOverOnTakeoverRequestWhenPrimaryHeartbeatIsStale() {
        startMission();
        SlotView takeover = with(v -> {
            v.takeover = true;
            return v;
        });
        poll(heartbeat(SUSPECT_NS), takeover);

        assertEquals(2, fsm.epoch());
        assertEquals(Slot.B, fsm.holder());
        Event failover = holderChanges().get(0);
        assertEquals("FAILOVER", failover.type());
        assertEquals(Cause.TAKEOVER_REQUEST, failover.cause());
        assertEquals(ReplicaHealth.STOPPED, fsm.health(Slot.A), "a silent primary is fenced, not killed");
        assertEquals(0, actions.count("kill A"));
    }

    @Test
    void shouldIgnoreTakeoverRequestWhilePrimaryHeartbeatIsFresh() {
        startMission();
        SlotView takeover = with(v -> {
            v.takeover = true;
            return v;
        });
        pollFor(500 * MS, heartbeat(SUSPECT_NS - 1), takeover);

        assertEquals(1, fsm.epoch());
        assertEquals(Slot.A, fsm.holder());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void shouldFailOverAndRestartHolderWhoseOutputsFailAcceptance() {
        startMission();
        poll(with(v -> {
            v.acceptanceFailStreak = 2;
            return v;
        }), running());
        assertEquals(1, fsm.epoch());

        poll(with(v -> {
            v.acceptanceFailStreak = 3;
            return v;
        }), running());
        assertEquals(List.of("assign 2 B", "kill A", "launch A"), actions.calls);
        assertEquals(Cause.ACCEPTANCE_TEST, holderChanges().get(0).cause());
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());
    }

    @Test
    void shouldFailOverAndRestartHolderThatMissesDeadlines() {
        startMission();
        poll(with(v -> {
            v.holderMissStreak = 4;
            return v;
        }), running());
        assertEquals(1, fsm.epoch());
        poll(with(v -> {
            v.holderMissStreak = 5;
            return v;
        }), running());
        assertEquals(List.of("assign 2 B", "kill A", "launch A"), actions.calls);
        assertEquals(Cause.DEADLINE_MISSED, holderChanges().get(0).cause());
    }

    @Test
    void shouldIgnoreShadowAcceptanceFailures() {
        startMission();
        pollFor(200 * MS, running(), with(v -> {
            v.acceptanceFailStreak = 10;
            v.holderMissStreak = 10;
            return v;
        }));
        assertEquals(1, fsm.epoch());
        assertTrue(actions.calls.isEmpty());
    }

    @Test
    void shouldDegradeWhenShadowExitsAndReturnToPrimaryActiveAfterSync() {
        startMission();
        poll(running(), DEAD);
        assertEquals(FailoverState.DEGRADED, fsm.state());
        assertEquals(List.of("launch B"), actions.calls);
        assertEquals(1, fsm.epoch(), "losing the shadow does not move the I/O");
        assertTrue(holderChanges().isEmpty());

        poll(running(), LAUNCHING);
        poll(running(), READY);
        assertTrue(actions.calls.contains("start B FROM_CHECKPOINT"));
        assertEquals(FailoverState.DEGRADED, fsm.state());
        poll(running(), synced());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertEquals(Slot.A, fsm.holder());
        assertEquals(Slot.A, fsm.primary());
    }

    @Test
    void shouldResyncShadowThatDiverges() {
        startMission();
        poll(running(), with(v -> {
            v.divergent = true;
            return v;
        }));
        assertEquals(ReplicaHealth.SYNCING, fsm.health(Slot.B));
        assertEquals(List.of("start B FROM_CHECKPOINT"), actions.calls);
        assertEquals(FailoverState.DEGRADED, fsm.state());
        poll(running(), synced());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
    }

    @Test
    void shouldGoFailsafeWhenBothExitAndColdLandWithFirstReadyReplica() {
        startMission();
        poll(DEAD, DEAD);
        assertNull(fsm.holder());
        assertEquals(FailoverState.FAILSAFE, fsm.state());
        long failsafeEpoch = fsm.epoch();
        assertTrue(failsafeEpoch > 1);
        assertEquals(new Assign(failsafeEpoch, null), actions.assigns.get(actions.assigns.size() - 1));

        poll(LAUNCHING, LAUNCHING);
        assertEquals(FailoverState.FAILSAFE, fsm.state());
        poll(LAUNCHING, READY);

        assertEquals(Slot.B, fsm.holder());
        assertEquals(Slot.B, fsm.primary());
        assertEquals(failsafeEpoch + 1, fsm.epoch());
        assertTrue(actions.calls.contains("start B COLD_LAND"));
        assertTrue(actions.calls.indexOf("assign " + (failsafeEpoch + 1) + " B") < actions.calls.indexOf("start B COLD_LAND"));
        assertEquals(FailoverState.DEGRADED, fsm.state());
        Event recovery = holderChanges().get(holderChanges().size() - 1);
        assertEquals("RECOVERY", recovery.type());
        assertEquals(Slot.B, recovery.slot());

        poll(READY, running());
        assertTrue(actions.calls.contains("start A FROM_CHECKPOINT"));
        poll(synced(), running());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertEquals(Slot.B, fsm.holder());
    }

    @Test
    void shouldGoFailsafeWhenHolderIsLostWhileShadowIsStillSyncing() {
        startMission();
        poll(running(), DEAD);
        poll(running(), READY);
        assertEquals(ReplicaHealth.SYNCING, fsm.health(Slot.B));
        poll(DEAD, running());
        assertNull(fsm.holder());
        assertEquals(FailoverState.FAILSAFE, fsm.state());
    }

    @Test
    void shouldNotFailBackToAPrimaryWhoseHeartbeatIsLateUntilItBeatsAgain() {
        startMission();
        poll(DEAD, running());
        poll(READY, running());
        poll(synced(), running());
        assertEquals(FailoverState.PRIMARY_SYNCED, fsm.state());
        pollFor(1_000 * MS, synced(), running());
        pollFor(1_200 * MS, with(v -> {
            v.syncStreak = 25;
            v.heartbeatAgeNs = SUSPECT_NS;
            return v;
        }), running());
        assertEquals(Slot.B, fsm.holder(), "hold-off over, but the primary is suspect: no failback");
        poll(synced(), running());
        assertEquals(Slot.A, fsm.holder(), "it beats again: failback");
    }

    @Test
    void shouldRestartAReplicaThatResumesWhileNobodyHoldsAndRecoverColdFromIt() {
        startMission();
        poll(heartbeat(HANG_NS), heartbeat(HANG_NS));
        assertNull(fsm.holder(), "both hung: nobody holds");
        assertEquals(FailoverState.FAILSAFE, fsm.state());
        actions.calls.clear();
        poll(running(), heartbeat(HANG_NS));
        assertEquals(List.of("kill A", "launch A"), actions.calls, "no checkpoint to be had: a fresh sandbox");
        poll(READY, heartbeat(HANG_NS));
        assertEquals(Slot.A, fsm.holder(), "the restarted replica recovers cold");
        assertTrue(actions.calls.contains("start A COLD_LAND"), actions.calls.toString());
    }

    @Test
    void shouldOnlyGrowEpochsAndJournalEveryHolderChange() {
        startMission();
        // A long, busy flight: crash, hang, acceptance failure, takeover, both lost.
        poll(DEAD, running());
        poll(READY, running());
        poll(synced(), running());
        pollFor(2_100 * MS, synced(), running());
        poll(running(), heartbeat(HANG_NS));
        poll(running(), heartbeat(0));
        poll(running(), synced());
        poll(with(v -> {
            v.acceptanceFailStreak = 3;
            return v;
        }), running());
        poll(READY, running());
        poll(synced(), running());
        pollFor(2_100 * MS, synced(), running());
        poll(DEAD, DEAD);
        poll(READY, LAUNCHING);
        poll(running(), READY);
        poll(running(), synced());

        List<Assign> assigns = actions.assigns;
        assertEquals(6, assigns.size(), () -> "crash, failback, acceptance, failback, both lost, cold land: " + assigns);
        assertEquals(null, assigns.get(4).holder(), "both lost in one poll: the I/O goes to nobody, never to the other dead one");
        for (int i = 1; i < assigns.size(); i++) {
            assertTrue(assigns.get(i).epoch() > assigns.get(i - 1).epoch(), "epochs only grow: " + assigns);
        }
        List<Event> changes = holderChanges();
        assertEquals(assigns.size(), changes.size(), "one journalled event per holder change");
        for (int i = 0; i < assigns.size(); i++) {
            assertEquals(assigns.get(i).epoch(), changes.get(i).figures().get("epoch"));
            assertEquals(assigns.get(i).holder(), changes.get(i).slot());
        }
        assertEquals(fsm.epoch(), assigns.get(assigns.size() - 1).epoch());
    }

    @Test
    void shouldRelaunchReplicaDyingWhileLaunchingAtMostOncePerSecond() {
        startMission();
        poll(running(), DEAD);
        assertEquals(1, actions.count("launch B"));

        pollFor(5_000 * MS, running(), DEAD);
        long launches = actions.count("launch B");
        assertTrue(launches >= 5 && launches <= 6, "relaunches in 5 s: " + launches);
        assertEquals(FailoverState.DEGRADED, fsm.state());
    }

    @Test
    void shouldNotRelaunchDyingReplicaBeforeOneSecond() {
        startMission();
        poll(running(), DEAD);
        long launchedNs = nowNs;
        while (nowNs + PERIOD_NS < launchedNs + 1_000 * MS) {
            poll(running(), DEAD);
        }
        assertEquals(1, actions.count("launch B"));
        poll(running(), DEAD);
        assertEquals(launchedNs + 1_000 * MS, nowNs);
        assertEquals(2, actions.count("launch B"));
    }

    @Test
    void shouldPublishDistinctStateCodes() {
        Set<Integer> codes = new java.util.HashSet<>();
        for (FailoverState s : FailoverState.values()) {
            assertTrue(codes.add(s.code()), "duplicate code " + s.code());
        }
    }

    private static FailoverConfig base() {
        return FailoverConfig.defaults(20);
    }

    private static void assertRejected(FailoverConfig c, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::conclude);
        assertTrue(e.getMessage().startsWith("invalid failover configuration: "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void shouldAcceptDefaultConfiguration() {
        FailoverConfig c = base();
        assertEquals(c, c.conclude());
        assertEquals(PERIOD_NS, c.periodNs());
        assertEquals(SUSPECT_NS, c.suspectAfterNs());
        assertEquals(HANG_NS, c.hangTimeoutNs());
        assertEquals(25, c.syncCycles());
        assertEquals(FailbackPolicy.REVERTIVE, c.policy());
    }

    @Test
    void shouldRejectBadConfigurationWithClearMessages() {
        FailoverConfig c = base();
        assertRejected(new FailoverConfig(MS, c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs()), "control period must be between 2 ms and 1 s");
        assertRejected(new FailoverConfig(2_000 * MS, c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs()), "control period");
        assertRejected(new FailoverConfig(c.periodNs(), c.periodNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs()), "suspect threshold must exceed one control period");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.suspectAfterNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs()), "hang timeout must exceed the suspect threshold");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), 0, c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs()), "hung-kill timeout must be positive");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), 0,
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs()), "sync cycles must be positive");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                -1, c.policy(), 3, 5, c.startTimeoutNs()), "failback hold-off must not be negative");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), null, 3, 5, c.startTimeoutNs()), "failback policy missing");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 0, 5, c.startTimeoutNs()), "failure limits must be positive");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 0, c.startTimeoutNs()), "failure limits must be positive");
        assertRejected(new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), c.syncCycles(),
                c.failbackHoldOffNs(), c.policy(), 3, 5, 0), "start timeout must be positive");
    }

    @Test
    void shouldRefuseToBuildMachineWithBadConfiguration() {
        FailoverConfig c = base();
        FailoverConfig bad = new FailoverConfig(c.periodNs(), c.suspectAfterNs(), c.hangTimeoutNs(), c.hungKillAfterNs(), 0,
                c.failbackHoldOffNs(), c.policy(), 3, 5, c.startTimeoutNs());
        assertThrows(IllegalArgumentException.class, () -> new FailoverStateMachine(bad, actions));
        assertFalse(actions.calls.contains("launch A"));
    }
    @Test
    void shouldKeepTheFormerHolderAtAnEpochAboveAnySeenWhenANewManagerReattaches() {
        fsm.resume(nowNs, 7, Slot.A, Slot.A, Set.of(Slot.A, Slot.B), Set.of(Slot.A, Slot.B), "re-attached");

        assertEquals(List.of(new Assign(8, Slot.A)), actions.assigns, "one assignment, strictly above epoch 7");
        assertEquals(Slot.A, fsm.holder());
        assertEquals(0, actions.count("launch A") + actions.count("launch B"), "both replicas kept");
        assertEquals(1, actions.count("start B FROM_CHECKPOINT"), "the shadow is brought back in step from the holder");
        assertEquals(ReplicaHealth.SYNCING, fsm.health(Slot.B));
        poll(running(), synced());
        assertEquals(FailoverState.PRIMARY_ACTIVE, fsm.state());
        assertEquals(ReplicaHealth.RUNNING, fsm.health(Slot.B));
    }

    @Test
    void shouldHandTheIoToTheSurvivorAndLaunchTheOtherWhenTheHolderDiedWhileNoManagerRan() {
        fsm.resume(nowNs, 3, Slot.A, Slot.A, Set.of(Slot.B), Set.of(Slot.B), "re-attached");

        assertEquals(List.of(new Assign(4, Slot.B)), actions.assigns);
        assertEquals(1, actions.count("launch A"));
        assertEquals(FailoverState.PRIMARY_RECOVERING, fsm.state());
    }

    @Test
    void shouldLetTheBoardFailsafeFlyAndRecoverColdWhenNoSurvivorIsInStep() {
        fsm.resume(nowNs, 2, Slot.A, Slot.A, Set.of(), Set.of(), "re-attached");

        assertEquals(new Assign(3, null), actions.assigns.get(0), "nobody holds, at a new epoch");
        assertEquals(FailoverState.FAILSAFE, fsm.state());
        assertEquals(1, actions.count("launch A"));
        assertEquals(1, actions.count("launch B"));
    }
}
