package io.pstr.manager.drill;

import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.HostManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Injects one fault of the matrix into a flying system and follows it until the system is back to
 * full redundancy (both replicas running in step, the primary holding the I/O). It only injects and
 * watches; the figures are measured afterwards from the board's record by {@link DrillMeasure}.
 */
public final class FaultDrill {

    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    /** What happened to one injected fault, as the host saw it. */
    public record Run(FaultKind kind, long faultNs, long endNs, Double detectMs, int holderChanges, boolean redundant,
            long inputLostBefore, long inputLostAfter, String note) {
    }

    /** The system did not do what was awaited in time. */
    public static final class DrillTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DrillTimeout(String message) {
            super(message);
        }
    }

    private final HostManager manager;
    private final int periodMs;
    private final long recoverTimeoutNs;
    private final LongSupplier clock;

    /**
     * @param recoverTimeoutNs how long a fault may take to be handled and redundancy restored
     */
    public FaultDrill(HostManager manager, int periodMs, long recoverTimeoutNs, LongSupplier clock) {
        this.manager = manager;
        this.periodMs = periodMs;
        this.recoverTimeoutNs = recoverTimeoutNs;
        this.clock = clock;
    }

    /** Both replicas running in step and the primary holding the I/O. */
    public static boolean redundant(SystemStatus s) {
        if (!"PRIMARY_ACTIVE".equals(s.state()) || s.holder() == null || !s.holder().equals(s.primary())) {
            return false;
        }
        for (ReplicaStatus r : s.replicas()) {
            if (!"RUNNING".equals(r.health())) {
                return false;
            }
        }
        return true;
    }

    /** Waits for full redundancy, then for {@code settleCycles} more cycles of it. */
    public void awaitRedundant(int settleCycles) {
        long deadline = clock.getAsLong() + recoverTimeoutNs;
        while (true) {
            await("full redundancy", () -> redundant(manager.status()), deadline);
            long since = clock.getAsLong();
            long settleNs = TimeUnit.MILLISECONDS.toNanos((long) settleCycles * periodMs);
            boolean held = true;
            while (clock.getAsLong() - since < settleNs) {
                if (!redundant(manager.status())) {
                    held = false;
                    break;
                }
                LockSupport.parkNanos(POLL_NS);
            }
            if (held) {
                return;
            }
        }
    }

    /** Injects {@code kind} into a redundant system and follows it back to redundancy. */
    public Run run(FaultKind kind) {
        long lostBefore = manager.inputLostTotal();
        long afterSeq = lastSeq();
        long faultNs = clock.getAsLong();
        String note = "";
        boolean redundant;
        try {
            note = inject(kind, afterSeq);
            if (kind.changesHolder()) {
                // Until the holder changes, a fault the host has not seen yet (a stall or an oom takes 60-90 ms to
                // detect) still looks like full redundancy: the drill would end before the failover it is there to
                // measure (seen: "back in 0.1 s" for a few stalls and ooms in a 100-fault benchmark run).
                long deadline = clock.getAsLong() + recoverTimeoutNs;
                await("the failover", () -> hasEvent(afterSeq, "FAILOVER"), deadline);
            }
            awaitRedundant(kind == FaultKind.KILL_BOTH ? 0 : 5);
            redundant = true;
        } catch (DrillTimeout | IllegalArgumentException | IllegalStateException e) {
            note = (note.isEmpty() ? "" : note + "; ") + e.getMessage();
            redundant = false;
        }
        long endNs = clock.getAsLong();
        List<JournalEvent> events = manager.events(afterSeq, Integer.MAX_VALUE);
        Double detect = null;
        int changes = 0;
        for (JournalEvent e : events) {
            boolean change = "FAILOVER".equals(e.type()) || "FAILBACK".equals(e.type()) || "RECOVERY".equals(e.type());
            if (change) {
                changes++;
            }
            if (detect == null && "FAILOVER".equals(e.type()) && e.figures() != null
                    && e.figures().get("detectMs") instanceof Number d) {
                detect = d.doubleValue();
            }
        }
        if (detect == null && !kind.changesHolder()) {
            // No failover is the right answer: the first reaction of the system (a replica lost or resynchronised, a request).
            for (JournalEvent e : events) {
                if (e.monoNs() >= faultNs && ("REPLICA".equals(e.type()) || "REQUEST".equals(e.type()))) {
                    detect = (e.monoNs() - faultNs) / 1e6;
                    break;
                }
            }
        }
        return new Run(kind, faultNs, endNs, detect, changes, redundant, lostBefore, manager.inputLostTotal(), note);
    }

    private String inject(FaultKind kind, long afterSeq) {
        long deadline = clock.getAsLong() + recoverTimeoutNs;
        switch (kind) {
            case KILL -> inject(Fault.KILL_PRIMARY);
            case ACCEPTANCE -> inject(Fault.CORRUPT_PRIMARY);
            case RANGE -> inject(Fault.RANGE_PRIMARY);
            case STALL -> inject(Fault.STALL_PRIMARY);
            case OOM -> inject(Fault.OOM_PRIMARY);
            case DIVERGE -> inject(Fault.DIVERGE_PRIMARY);
            case KILL_SHADOW -> inject(Fault.KILL_SHADOW);
            case STALL_SHADOW -> {
                inject(Fault.STALL_SHADOW);
                holdFor(110);
            }
            case HANG_SHADOW -> {
                String shadow = "A".equals(manager.status().holder()) ? "B" : "A";
                if (!hangThenResume(Fault.HANG_SHADOW, Fault.RESUME_SHADOW, "the hung shadow fenced",
                        () -> hasEventText(afterSeq, "REPLICA", "replica " + shadow), deadline)) {
                    return "the hung shadow was killed and restarted, not kept fenced";
                }
            }
            case FROZEN -> {
                inject(Fault.FREEZE_PRIMARY);
                holdFor(60);
            }
            case CHANNEL -> {
                inject(Fault.CUT_CHANNEL);
                holdFor(110);
            }
            case NOISE -> {
                inject(Fault.BOARD_NOISE);
                holdFor(25);
            }
            case UNPLUG -> {
                inject(Fault.BOARD_UNPLUG);
                long down = awaitEvent("the board link down", afterSeq, "LINK", "LINK_DOWN", deadline).seq();
                long up = awaitEvent("the board link up again", down, "LINK", "LINK_UP", deadline).seq();
                // The board's mode is unknown from the outage until its next heartbeat, which is journalled.
                JournalEvent mode = awaitEvent("the board's first heartbeat after the outage", up, "BOARD", "MODE", deadline);
                if (!offboard(mode)) {
                    await("the board following the flight task again (OFFBOARD or GUIDED)", () -> lastModeEvent(up).map(FaultDrill::offboard)
                            .orElse(false), deadline);
                    return "the board's failsafe had the aircraft: " + mode.message();
                }
            }
            case HANG -> {
                if (!hangThenResume(Fault.HANG_PRIMARY, Fault.RESUME_PRIMARY, "failover from the hung primary",
                        () -> hasEvent(afterSeq, "FAILOVER"), deadline)) {
                    // Its deadline misses were counted before its heartbeat looked old: it was killed and restarted.
                    return "the hung primary was killed and restarted, not kept fenced";
                }
            }
            case FLAPPING -> {
                String primary = manager.status().primary();
                inject(Fault.KILL_PRIMARY);
                await("failover from the killed primary", () -> hasEvent(afterSeq, "FAILOVER"), deadline);
                for (int again = 0; again < 2; again++) {
                    long pid = pidOf(primary);
                    await("restarted primary syncing", () -> {
                        ReplicaStatus r = replica(primary);
                        return r != null && r.pid() > 0 && r.pid() != pid && "SYNCING".equals(r.health());
                    }, deadline);
                    inject(Fault.KILL_PRIMARY);
                }
            }
            case KILL_BOTH -> {
                inject(Fault.KILL_BOTH);
                await("FAILSAFE reported", () -> hasEventText(afterSeq, "STATE", "-> FAILSAFE"), deadline);
                await("cold recovery", () -> hasEvent(afterSeq, "RECOVERY"), deadline);
            }
        }
        return "";
    }

    /**
     * SIGSTOP by {@code hang}, waits for the system's reaction, then SIGCONT by {@code resume} 0.5 s later.
     *
     * @return false when the stopped replica was no longer there to resume (it had been killed and restarted)
     */
    private boolean hangThenResume(Fault hang, Fault resume, String reaction, BooleanSupplier reacted, long deadline) {
        inject(hang);
        await(reaction, reacted, deadline);
        long resumeAt = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(500);
        await("0.5 s of hang", () -> clock.getAsLong() >= resumeAt, deadline);
        try {
            inject(resume);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void inject(Fault fault) {
        manager.injectFault(fault);
    }

    private void holdFor(int cycles) {
        long until = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos((long) cycles * periodMs);
        await(cycles + " cycles", () -> clock.getAsLong() >= until, Long.MAX_VALUE);
    }

    private long lastSeq() {
        List<JournalEvent> all = manager.events(0, Integer.MAX_VALUE);
        return all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
    }

    private boolean hasEvent(long afterSeq, String type) {
        return manager.events(afterSeq, Integer.MAX_VALUE).stream().anyMatch(e -> type.equals(e.type()));
    }

    private boolean hasEventText(long afterSeq, String type, String text) {
        return manager.events(afterSeq, Integer.MAX_VALUE).stream()
                .anyMatch(e -> type.equals(e.type()) && e.message().contains(text));
    }

    private JournalEvent awaitEvent(String what, long afterSeq, String type, String cause, long deadline) {
        await(what, () -> firstEvent(afterSeq, type, cause).isPresent(), deadline);
        return firstEvent(afterSeq, type, cause).orElseThrow();
    }

    private java.util.Optional<JournalEvent> firstEvent(long afterSeq, String type, String cause) {
        return manager.events(afterSeq, Integer.MAX_VALUE).stream()
                .filter(e -> type.equals(e.type()) && cause.equals(e.cause())).findFirst();
    }

    private java.util.Optional<JournalEvent> lastModeEvent(long afterSeq) {
        return manager.events(afterSeq, Integer.MAX_VALUE).stream()
                .filter(e -> "BOARD".equals(e.type()) && "MODE".equals(e.cause())).reduce((a, b) -> b);
    }

    /** The board follows the flight task: PX4 in OFFBOARD, ArduCopter in GUIDED, with no failsafe. */
    private static boolean offboard(JournalEvent boardMode) {
        Map<String, Object> f = boardMode.figures();
        return f != null && ("OFFBOARD".equals(f.get("mode")) || "GUIDED".equals(f.get("mode")))
                && Boolean.FALSE.equals(f.get("failsafe"));
    }

    private ReplicaStatus replica(String slot) {
        for (ReplicaStatus r : manager.status().replicas()) {
            if (r.slot().equals(slot)) {
                return r;
            }
        }
        return null;
    }

    private long pidOf(String slot) {
        ReplicaStatus r = replica(slot);
        return r == null ? -1 : r.pid();
    }

    private void await(String what, BooleanSupplier condition, long deadlineNs) {
        while (!condition.getAsBoolean()) {
            if (clock.getAsLong() > deadlineNs) {
                throw new DrillTimeout("timed out waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }
}
