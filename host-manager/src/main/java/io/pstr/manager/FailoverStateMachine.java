package io.pstr.manager;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management module's single arbiter of the I/O holder (design brief, "Failover").
 * <p>
 * Pure logic: each {@link #poll} takes the time and the evidence about both slots, decides, and acts
 * through {@link Actions}. The published {@link FailoverState} is derived from the facts (who holds,
 * who is primary, how each slot is), so it cannot disagree with them; every change is journalled
 * with its cause. Tests drive it with a manual clock.
 */
public final class FailoverStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverStateMachine.class);
    private static final long RELAUNCH_MIN_INTERVAL_NS = 1_000_000_000L;

    /** What the machine asks of the rest of the host manager. */
    public interface Actions {
        /** Start a new incarnation of the slot's replica in a fresh sandbox. */
        void launch(Slot slot);

        /** SIGKILL the slot's replica. */
        void kill(Slot slot);

        /** Publish a new epoch and holder (null: nobody) to the gate and both replicas. */
        void assign(long epoch, Slot holder);

        /**
         * Forget the slot's run of outputs in step with the holder's: it is to be brought back in step, and only
         * what it outputs from now on proves it (a fenced replica that resumes would otherwise count its run from
         * before it hung).
         */
        void restartSync(Slot slot);

        /** Send START to a ready replica: fresh mission, cold start, or from the holder's checkpoint. */
        void start(Slot slot, StartMode mode);

        /** Record an event in the journal. */
        void event(String type, Cause cause, FailoverState from, FailoverState to, Slot slot, String message,
                Map<String, Object> figures);
    }

    public enum StartMode { FRESH, COLD_LAND, FROM_CHECKPOINT }

    private FailoverConfig config;
    private final Actions actions;
    private final EnumMap<Slot, ReplicaHealth> health = new EnumMap<>(Slot.class);
    private final EnumMap<Slot, ReplicaHealth> healthBeforeSuspect = new EnumMap<>(Slot.class);
    private final EnumMap<Slot, Long> hungSinceNs = new EnumMap<>(Slot.class);
    private final EnumMap<Slot, Long> launchedAtNs = new EnumMap<>(Slot.class);
    private final EnumMap<Slot, Long> syncingSinceNs = new EnumMap<>(Slot.class);
    private final java.util.EnumSet<Slot> exitedThisPoll = java.util.EnumSet.noneOf(Slot.class);
    private FailoverState state = FailoverState.STARTING;
    private boolean started;
    private long startRequestedNs = Long.MIN_VALUE;
    private long epoch;
    private Slot holder;
    private Slot primary = Slot.A;
    private long syncedAtNs;
    private long lastFaultNs = Long.MIN_VALUE;
    private Cause pendingFaultCause;

    public FailoverStateMachine(FailoverConfig config, Actions actions) {
        this.config = config.conclude();
        this.actions = actions;
        for (Slot s : Slot.values()) {
            health.put(s, ReplicaHealth.DOWN);
        }
    }

    /** Launches both replicas; the mission starts when both are ready (or one, after the start timeout). */
    public void begin(long nowNs) {
        startRequestedNs = nowNs;
        for (Slot s : Slot.values()) {
            launch(s, nowNs);
        }
    }

    /**
     * A new host manager takes over replicas its predecessor left running (instead of {@link #begin}). The mission
     * has started. The I/O goes, at an epoch above {@code highestEpochSeen}, to the former holder if it is still
     * in step, else to a surviving in-step replica, else to nobody (the board's failsafe flies until a replica
     * is back, as after losing both). A surviving replica that does not hold is brought back in step from the
     * holder's checkpoint (its last inputs before the manager went may differ from the holder's); a slot with
     * no surviving replica is launched anew.
     *
     * @param inStep replicas alive and running the mission; @param alive replicas alive at all
     */
    public void resume(long nowNs, long highestEpochSeen, Slot formerHolder, Slot formerPrimary,
            java.util.Set<Slot> inStep, java.util.Set<Slot> alive, String message) {
        started = true;
        startRequestedNs = nowNs;
        epoch = Math.max(epoch, highestEpochSeen);
        primary = formerPrimary;
        Slot newHolder = formerHolder != null && inStep.contains(formerHolder) ? formerHolder
                : inStep.contains(primary) ? primary : inStep.contains(primary.other()) ? primary.other() : null;
        for (Slot s : Slot.values()) {
            health.put(s, s == newHolder ? ReplicaHealth.RUNNING : alive.contains(s) ? ReplicaHealth.READY : ReplicaHealth.DOWN);
        }
        String who = newHolder == null ? "nobody holds the I/O (no surviving replica is in step)"
                : newHolder == formerHolder ? newHolder + " keeps the I/O" : newHolder + " takes the I/O (" + formerHolder + " is gone)";
        assignHolder(newHolder, nowNs, Cause.MANAGER_RESTART, "ATTACH", message + ": " + who);
        for (Slot s : Slot.values()) {
            if (s == newHolder) {
                continue;
            }
            if (alive.contains(s) && newHolder != null) {
                syncing(s, nowNs);
                event("REPLICA", Cause.MANAGER_RESTART, s, "replica " + s + " re-attached: bringing it back in step from "
                        + newHolder + "'s checkpoint", Map.of());
                actions.start(s, StartMode.FROM_CHECKPOINT);
            } else if (alive.contains(s)) {
                // Nobody holds: the survivor starts cold and lands, as the first replica back after losing both.
                admit(s, nowNs);
            } else {
                event("REPLICA", Cause.PROCESS_EXIT, s, "replica " + s + " did not survive the manager's restart: launching it",
                        Map.of());
                launch(s, nowNs);
            }
        }
        publishState(nowNs, null, null);
    }

    /**
     * Epochs continue from {@code highestSeen} (a manager re-attaching to running replicas): the next one handed
     * out is above it, and events until then carry it, so the journal's epochs never go backwards.
     */
    public void continueEpochsFrom(long highestSeen) {
        epoch = Math.max(epoch, highestSeen);
    }

    /** An operator or test injected a fault at {@code nowNs}: detection times are measured from here. */
    public void faultInjected(long nowNs) {
        lastFaultNs = nowNs;
    }

    public void poll(long nowNs, SlotView a, SlotView b) {
        // Both may have died since the last poll: neither may be handed the I/O.
        exitedThisPoll.clear();
        if (!a.processAlive()) {
            exitedThisPoll.add(Slot.A);
        }
        if (!b.processAlive()) {
            exitedThisPoll.add(Slot.B);
        }
        step(nowNs, Slot.A, a, b);
        step(nowNs, Slot.B, b, a);
        if (!started) {
            maybeStartMission(nowNs);
        }
        if (state == FailoverState.PRIMARY_SYNCED && config.policy() == FailbackPolicy.REVERTIVE
                && nowNs - syncedAtNs >= config.failbackHoldOffNs() && health.get(primary) == ReplicaHealth.RUNNING) {
            // Never hand the I/O back to a primary whose heartbeat is late right now (SUSPECT): wait until it beats.
            Slot from = holder;
            assignHolder(primary, nowNs, Cause.FAILBACK, "FAILBACK", "I/O handed back to the primary " + primary
                    + " (from " + from + ")");
        }
        publishState(nowNs, null, null);
    }

    private void step(long nowNs, Slot s, SlotView v, SlotView other) {
        ReplicaHealth h = health.get(s);
        if (h != ReplicaHealth.DOWN && !v.processAlive() && h != ReplicaHealth.LAUNCHING) {
            lost(s, nowNs, Cause.PROCESS_EXIT, "process exited");
            launch(s, nowNs);
            return;
        }
        if (h == ReplicaHealth.LAUNCHING) {
            long sinceLaunchNs = nowNs - launchedAtNs.getOrDefault(s, nowNs);
            if (!v.processAlive()) {
                // Died before it was ready: try again, at most once a second so a broken build cannot spin.
                if (sinceLaunchNs >= RELAUNCH_MIN_INTERVAL_NS) {
                    event("REPLICA", Cause.PROCESS_EXIT, s, "replica " + s + " exited while starting: relaunching", Map.of());
                    launch(s, nowNs);
                }
                return;
            }
            if (v.ready()) {
                health.put(s, ReplicaHealth.READY);
                event("REPLICA", Cause.START, s, "replica " + s + " is up and ready", Map.of());
                if (started) {
                    admit(s, nowNs);
                }
            } else if (sinceLaunchNs > config.startTimeoutNs()) {
                event("REPLICA", Cause.PROCESS_EXIT, s, "replica " + s + " did not become ready in time: relaunching", Map.of());
                actions.kill(s);
                launch(s, nowNs);
            }
            return;
        }
        if (h == ReplicaHealth.DOWN || h == ReplicaHealth.READY) {
            return;
        }
        if (h == ReplicaHealth.STOPPED) {
            if (v.heartbeatAgeNs() < config.suspectAfterNs() && started && holder == null) {
                // Nobody holds the I/O (both were lost) and nobody can hand it a checkpoint: start it again
                // in a fresh sandbox, from which the cold recovery lands the aircraft.
                event("REPLICA", Cause.RECOVERED, s, "fenced replica " + s + " resumed while nobody holds the I/O: "
                        + "restarting it for a cold recovery", Map.of());
                actions.kill(s);
                health.put(s, ReplicaHealth.DOWN);
                hungSinceNs.remove(s);
                launch(s, nowNs);
            } else if (v.heartbeatAgeNs() < config.suspectAfterNs()) {
                // A fenced replica resumed: whatever it writes with its old epoch is refused by the gate.
                syncing(s, nowNs);
                hungSinceNs.remove(s);
                event("REPLICA", Cause.RECOVERED, s, "fenced replica " + s + " resumed: bringing it back in step", Map.of());
                resyncIfInputLost(s, v, nowNs);
            } else if (nowNs - hungSinceNs.getOrDefault(s, nowNs) > config.hungKillAfterNs()) {
                event("REPLICA", Cause.HANG_TIMEOUT, s, "fenced replica " + s + " did not resume: killing it", Map.of());
                actions.kill(s);
                health.put(s, ReplicaHealth.DOWN);
                hungSinceNs.remove(s);
                launch(s, nowNs);
            }
            return;
        }
        // SYNCING, RUNNING or SUSPECT: a live replica.
        if (v.heartbeatAgeNs() >= config.hangTimeoutNs()) {
            lost(s, nowNs, Cause.HEARTBEAT_MISSED, "no heartbeat for " + v.heartbeatAgeNs() / 1_000_000 + " ms");
            health.put(s, ReplicaHealth.STOPPED);
            hungSinceNs.put(s, nowNs);
            return;
        }
        if (v.heartbeatAgeNs() >= config.suspectAfterNs()) {
            if (h != ReplicaHealth.SUSPECT) {
                healthBeforeSuspect.put(s, h);
                health.put(s, ReplicaHealth.SUSPECT);
                event("REPLICA", Cause.HEARTBEAT_MISSED, s, "replica " + s + " suspect: heartbeat "
                        + v.heartbeatAgeNs() / 1_000_000 + " ms old", Map.of());
            }
        } else if (h == ReplicaHealth.SUSPECT) {
            health.put(s, healthBeforeSuspect.getOrDefault(s, ReplicaHealth.RUNNING));
            h = health.get(s);
        }
        if (s == holder) {
            if (v.acceptanceFailStreak() >= config.acceptanceFailLimit()) {
                faultyHolder(s, nowNs, Cause.ACCEPTANCE_TEST, v.acceptanceFailStreak() + " outputs failed the acceptance test",
                        v.heartbeatAgeNs());
                return;
            }
            if (v.holderMissStreak() >= config.deadlineMissLimit()) {
                faultyHolder(s, nowNs, Cause.DEADLINE_MISSED, v.holderMissStreak() + " output deadlines missed in a row",
                        v.heartbeatAgeNs());
                return;
            }
        } else {
            if (v.takeoverRequested() && holder != null && other.heartbeatAgeNs() >= config.suspectAfterNs()) {
                // The shadow's watch (paper IV) agrees with the manager's own evidence.
                faultyHolder(holder, nowNs, Cause.TAKEOVER_REQUEST, "shadow " + s + " missed the holder's heartbeats",
                        other.heartbeatAgeNs());
                return;
            }
            if (v.divergent() && (h == ReplicaHealth.RUNNING)) {
                syncing(s, nowNs);
                event("REPLICA", Cause.DIVERGENCE, s, "replica " + s + " diverged from the holder: resynchronising", Map.of());
                actions.start(s, StartMode.FROM_CHECKPOINT);
                return;
            }
            resyncIfInputLost(s, v, nowNs);
            if (health.get(s) == ReplicaHealth.SYNCING && holder != null
                    && nowNs - syncingSinceNs.getOrDefault(s, nowNs) > config.syncTimeoutNs()) {
                // The checkpoint or the catch-up went astray: ask again rather than wait for ever.
                event("REPLICA", Cause.DIVERGENCE, s, "replica " + s + " not in step after "
                        + config.syncTimeoutNs() / 1_000_000 + " ms: asking the holder for a new checkpoint", Map.of());
                syncing(s, nowNs);
                actions.start(s, StartMode.FROM_CHECKPOINT);
                return;
            }
            if (health.get(s) == ReplicaHealth.SYNCING && v.running() && v.syncStreak() >= config.syncCycles()) {
                health.put(s, ReplicaHealth.RUNNING);
                event("REPLICA", Cause.SYNCED, s, "replica " + s + " in step with the holder for "
                        + v.syncStreak() + " cycles", Map.of("syncCycles", v.syncStreak()));
                if (s == primary && config.policy() == FailbackPolicy.NON_REVERTIVE && holder != null) {
                    primary = holder;
                    event("STATE", Cause.SYNCED, s, "non-revertive: " + holder + " stays holder and becomes primary", Map.of());
                }
            }
        }
    }

    private void resyncIfInputLost(Slot s, SlotView v, long nowNs) {
        if (v.inputLost() && s != holder && holder != null) {
            syncing(s, nowNs);
            event("REPLICA", Cause.DIVERGENCE, s, "replica " + s + " missed inputs: resynchronising from a checkpoint", Map.of());
            actions.start(s, StartMode.FROM_CHECKPOINT);
        }
    }

    /**
     * The holder misbehaves. One whose heartbeat has stopped too is hung: it is fenced and left for
     * the operator to resume, or killed after the hung-kill timeout. One that is alive but late or
     * wrong is killed and restarted in a fresh sandbox.
     */
    private void syncing(Slot s, long nowNs) {
        health.put(s, ReplicaHealth.SYNCING);
        syncingSinceNs.put(s, nowNs);
        actions.restartSync(s);
    }

    private void faultyHolder(Slot s, long nowNs, Cause cause, String why, long heartbeatAgeNs) {
        lost(s, nowNs, cause, why);
        if (heartbeatAgeNs >= config.suspectAfterNs()) {
            health.put(s, ReplicaHealth.STOPPED);
            hungSinceNs.put(s, nowNs);
            return;
        }
        actions.kill(s);
        health.put(s, ReplicaHealth.DOWN);
        launch(s, nowNs);
    }

    /** A replica is no longer usable; if it held the I/O the other takes it, or nobody does. */
    private void lost(Slot s, long nowNs, Cause cause, String why) {
        ReplicaHealth was = health.get(s);
        health.put(s, ReplicaHealth.DOWN);
        if (s == holder) {
            Slot other = s.other();
            ReplicaHealth otherHealth = health.get(other);
            boolean otherInStep = otherHealth == ReplicaHealth.RUNNING
                    || otherHealth == ReplicaHealth.SUSPECT && healthBeforeSuspect.get(other) == ReplicaHealth.RUNNING;
            if (otherInStep && !exitedThisPoll.contains(other)) {
                assignHolder(other, nowNs, cause, "FAILOVER", "replica " + s + " " + why + ": " + other + " takes the I/O");
            } else {
                assignHolder(null, nowNs, cause, "FAILOVER", "replica " + s + " " + why + " and " + other
                        + " is not in step (" + otherHealth + "): nobody holds the I/O, the board's failsafe flies");
            }
        } else {
            event("REPLICA", cause, s, "replica " + s + " lost (" + was + "): " + why, Map.of());
        }
    }

    private void assignHolder(Slot newHolder, long nowNs, Cause cause, String type, String message) {
        epoch++;
        holder = newHolder;
        actions.assign(epoch, newHolder);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("epoch", epoch);
        if (lastFaultNs != Long.MIN_VALUE && !"FAILBACK".equals(type)) {
            figures.put("detectMs", (nowNs - lastFaultNs) / 1e6);
            figures.put("faultMonoNs", lastFaultNs);
            lastFaultNs = Long.MIN_VALUE;
        }
        pendingFaultCause = cause;
        publishState(nowNs, type, figures);
        event(type, cause, newHolder, message, figures);
    }

    private void launch(Slot s, long nowNs) {
        health.put(s, ReplicaHealth.LAUNCHING);
        launchedAtNs.put(s, nowNs);
        actions.launch(s);
    }

    /** A restarted replica is ready: bring it in step from the holder, or start it cold when nobody holds. */
    private void admit(Slot s, long nowNs) {
        if (holder != null && holder != s) {
            syncing(s, nowNs);
            actions.start(s, StartMode.FROM_CHECKPOINT);
        } else if (holder == null) {
            // Both were lost: the first one back lands the aircraft from wherever it is.
            primary = s;
            assignHolder(s, nowNs, Cause.RECOVERED, "RECOVERY", "replica " + s + " starts cold and lands the aircraft");
            health.put(s, ReplicaHealth.RUNNING);
            actions.start(s, StartMode.COLD_LAND);
        }
    }

    private void maybeStartMission(long nowNs) {
        boolean aReady = health.get(Slot.A) == ReplicaHealth.READY;
        boolean bReady = health.get(Slot.B) == ReplicaHealth.READY;
        boolean timedOut = startRequestedNs != Long.MIN_VALUE && nowNs - startRequestedNs > config.startTimeoutNs();
        if (!(aReady && bReady) && !(timedOut && (aReady || bReady))) {
            return;
        }
        started = true;
        primary = aReady ? Slot.A : Slot.B;
        List<Slot> ready = new ArrayList<>();
        for (Slot s : Slot.values()) {
            if (health.get(s) == ReplicaHealth.READY) {
                health.put(s, ReplicaHealth.RUNNING);
                ready.add(s);
            }
        }
        assignHolder(primary, nowNs, Cause.START, "START", "mission starts: " + primary + " is primary and holds the I/O");
        for (Slot s : ready) {
            actions.start(s, StartMode.FRESH);
        }
    }

    private void publishState(long nowNs, String cause, Map<String, Object> figures) {
        FailoverState derived = derive();
        if (derived != state) {
            FailoverState from = state;
            state = derived;
            if (derived == FailoverState.PRIMARY_SYNCED) {
                syncedAtNs = nowNs;
            }
            Cause c = pendingFaultCause != null ? pendingFaultCause : Cause.RECOVERED;
            pendingFaultCause = null;
            LOG.info("state {} -> {} ({})", from, derived, c);
            actions.event("STATE", c, from, derived, holder, "state " + from + " -> " + derived,
                    figures == null ? Map.of("epoch", epoch) : figures);
        }
    }

    private FailoverState derive() {
        if (!started) {
            return FailoverState.STARTING;
        }
        if (holder == null) {
            return FailoverState.FAILSAFE;
        }
        Slot shadow = holder.other();
        ReplicaHealth shadowHealth = health.get(shadow);
        if (holder == primary) {
            if (health.get(holder) == ReplicaHealth.SUSPECT) {
                return FailoverState.PRIMARY_SUSPECT;
            }
            return shadowHealth == ReplicaHealth.RUNNING || shadowHealth == ReplicaHealth.SUSPECT
                    ? FailoverState.PRIMARY_ACTIVE : FailoverState.DEGRADED;
        }
        if (shadowHealth == ReplicaHealth.SUSPECT) {
            shadowHealth = healthBeforeSuspect.getOrDefault(shadow, ReplicaHealth.RUNNING);
        }
        return switch (shadowHealth) {
            case DOWN, STOPPED -> FailoverState.SHADOW_ACTIVE;
            case LAUNCHING, READY, SYNCING -> FailoverState.PRIMARY_RECOVERING;
            case RUNNING, SUSPECT -> FailoverState.PRIMARY_SYNCED;
        };
    }

    private void event(String type, Cause cause, Slot slot, String message, Map<String, Object> figures) {
        actions.event(type, cause, state, state, slot, message, figures);
    }

    public FailoverState state() {
        return state;
    }

    public long epoch() {
        return epoch;
    }

    public Slot holder() {
        return holder;
    }

    public Slot primary() {
        return primary;
    }

    public ReplicaHealth health(Slot s) {
        return health.get(s);
    }

    public FailoverConfig config() {
        return config;
    }

    /**
     * Switches the failback policy from now on (the hold-off stays). Switching to revertive while the
     * recovered primary is already in step hands the I/O back at the next poll once the hold-off has passed.
     */
    public void policy(FailbackPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("failback policy missing");
        }
        if (policy != config.policy()) {
            FailbackPolicy was = config.policy();
            config = config.withPolicy(policy, config.failbackHoldOffNs());
            event("POLICY", Cause.OPERATOR, null, "failback policy " + was + " -> " + policy,
                    Map.of("policy", policy.name()));
        }
    }
}
