package io.pstr.manager;

import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.Doorbell;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the conductor a CPU the moment a replica dies. A replica's death wakes the conductor through the kernel
 * (the agent thread's {@link io.pstr.core.shm.Lifeline lifeline}) within microseconds, but a woken normal thread,
 * however high its weight, is queued on the CPU the kernel picks for it, and that can be the CPU on which the dying
 * replica's last thread is tearing down its address space: traced here (2026-11-26, tracefs, 30 kills, jails),
 * the conductor was woken 0.47 ms and 1.52 ms after the SIGKILL and ran 4.9 ms and 1.9 ms later, behind that
 * teardown, while the other CPU stood idle, and such waits made the 3-6 ms tail of crash detection.
 * <p>
 * This thread runs under {@code SCHED_FIFO} at the lowest real-time priority and watches the replicas' lifelines
 * beside the conductor (the kernel wakes the highest-priority watcher, this one). When a replica dies it puts the
 * conductor under {@code SCHED_FIFO} too and wakes it: a real-time thread is woken on a CPU that runs no real-time
 * thread, idle ones first, and takes it at once. The conductor goes back to its nice value one control period
 * later ({@link #endIfDue}), after it has failed over and sent the new holder's first output. The boost covers only
 * that: a conductor always under {@code SCHED_FIFO} (tried) holds a CPU against the replicas whenever it works,
 * and a mission start went into the failsafe that way.
 * <p>
 * Where real-time scheduling is refused (not root, no {@code CAP_SYS_NICE}, no real-time time in the host's cpu
 * cgroup) the thread says so once and ends: the conductor is woken by the kernel alone, as before. It is off
 * with {@code --priority off} and with {@code -Dpstr.failoverBoost=false}.
 */
final class FailoverBoost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverBoost.class);
    /** {@code -Dpstr.failoverBoost=false} turns the boost off (it is on wherever priorities are). */
    static final String ENABLED_PROPERTY = "pstr.failoverBoost";
    /** How long the thread sleeps before it looks at the replicas again (a new incarnation's lifeline). */
    static final long RESCAN_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long NOT_BOOSTED = Long.MIN_VALUE;

    private final NanoClock clock;
    private final long holdNs;
    private final long conductorTid;
    private final int conductorNice;
    private final AtomicLong boostedAtNs = new AtomicLong(NOT_BOOSTED);
    private final AtomicLong boosts = new AtomicLong();
    private final Thread thread;
    private volatile List<ReplicaHandle> replicas = List.of();
    private volatile boolean running = true;

    /**
     * Starts the watcher for the conductor thread {@code conductorTid} (whose nice value to go back to is
     * {@code conductorNice}); a boost lasts {@code holdNs}.
     */
    FailoverBoost(NanoClock clock, long conductorTid, int conductorNice, long holdNs) {
        this.clock = clock;
        this.conductorTid = conductorTid;
        this.conductorNice = conductorNice;
        this.holdNs = holdNs;
        this.thread = new Thread(this::run, "failover-boost");
        thread.setDaemon(true);
        thread.start();
    }

    /** The conductor's replicas, published by the conductor whenever a slot changes hands. */
    void replicas(List<ReplicaHandle> current) {
        replicas = List.copyOf(current);
    }

    /** How many times the conductor was boosted. */
    long boosts() {
        return boosts.get();
    }

    /** On the conductor, after each duty cycle: back to its nice value once a boost has lasted its time. */
    void endIfDue(long nowNs) {
        long at = boostedAtNs.get();
        if (at != NOT_BOOSTED && nowNs - at >= holdNs && boostedAtNs.compareAndSet(at, NOT_BOOSTED)) {
            ThreadPriority.Result r = ThreadPriority.unboost(0, conductorNice);
            if (!r.applied()) {
                LOG.warn("conductor: back to nice {} after a failover boost failed: {}", conductorNice, r.reason());
            }
        }
    }

    private void run() {
        ThreadPriority.Result self = ThreadPriority.boost(0);
        if (!self.applied()) {
            LOG.warn("no failover boost: real-time scheduling {}; a dying replica wakes the conductor at its normal "
                    + "priority, and crash detection can wait for a busy CPU", self.reason());
            return;
        }
        LOG.info("failover boost: watching the replicas' lifelines under SCHED_FIFO {}", ThreadPriority.BOOST_PRIORITY);
        Doorbell.Group group = new Doorbell.Group(Slot.values().length);
        Set<ReplicaHandle> dead = Collections.newSetFromMap(new IdentityHashMap<>());
        while (running) {
            List<ReplicaHandle> current = replicas;
            dead.removeIf(r -> !current.contains(r));
            ReplicaHandle died = null;
            for (ReplicaHandle r : current) {
                if (dead.contains(r)) {
                    continue;
                }
                // Armed first, then looked at: a death in between ends the sleep at once.
                if (r.withLifeline(l -> {
                    group.watch(l);
                    return l.holderDied();
                })) {
                    dead.add(r);
                    if (!r.dyingSeen()) {
                        died = r;
                    }
                }
            }
            if (died == null) {
                group.sleep(RESCAN_NS);
            } else {
                group.awake();
                boost(died);
            }
        }
    }

    private void boost(ReplicaHandle died) {
        ThreadPriority.Result r = ThreadPriority.boost(conductorTid);
        if (r.applied()) {
            boostedAtNs.set(clock.nanoTime());
            boosts.incrementAndGet();
        } else {
            LOG.warn("conductor not boosted for replica {}'s death: {}", died.slot, r.reason());
        }
        // The kernel woke this thread, the highest-priority watcher, and no other: the conductor is woken here.
        died.withLifeline(l -> {
            l.wakeWatchers();
            return true;
        });
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(RESCAN_NS) * 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
