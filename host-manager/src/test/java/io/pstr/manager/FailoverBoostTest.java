package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.rt.ProcStat;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.SharedFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverBoostTest {

    @TempDir
    Path dir;

    /** Whether this machine lets a thread of ours run under SCHED_FIFO (root here; the boost is off elsewhere). */
    private static boolean realTimeAllowed() throws Exception {
        CompletableFuture<Boolean> allowed = new CompletableFuture<>();
        Thread probe = new Thread(() -> allowed.complete(ThreadPriority.boost(0).applied()), "rt-probe");
        probe.start();
        probe.join();
        return allowed.get();
    }

    /** The scheduler's state letter of thread {@code tid} of this process (S: asleep), '?' when it cannot be read. */
    private static char state(long tid) {
        String stat = ProcStat.read(tid);
        return stat == null ? '?' : ProcStat.state(ProcStat.fields(stat));
    }

    @Test
    void shouldWakeTheConductorUnderSchedFifoWhenAReplicaDiesAndGiveItBackItsNiceValueAPeriodLater() throws Exception {
        assumeTrue(Doorbell.wakesSleepers() && Doorbell.sleepsOnSeveral(), "no futex_waitv on this platform");
        assumeTrue(realTimeAllowed(), "SCHED_FIFO not permitted here (not root): the boost is off, by design");
        long holdNs = TimeUnit.MILLISECONDS.toNanos(20);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (ChannelRegistry channels = new ChannelRegistry(dir.resolve("channel"));
             ReplicaHandle r = ReplicaHandle.create(Slot.A, 1, new ReplicaFiles(SharedFiles.privateDirectory(dir.resolve("A-1"))), channels)) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch die = new CountDownLatch(1);
            Thread agent = new Thread(() -> {
                r.status.lifeline().hold();
                held.countDown();
                try {
                    die.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "replica-A");
            agent.start();
            held.await();

            // The conductor: asleep on the lifeline as HostManager's idle strategy is, for up to a minute.
            AtomicLong conductorTid = new AtomicLong();
            CompletableFuture<Integer> policyWhenWoken = new CompletableFuture<>();
            CompletableFuture<Integer> policyAfterBoostTime = new CompletableFuture<>();
            CompletableFuture<Integer> policyAfterPeriod = new CompletableFuture<>();
            CountDownLatch registered = new CountDownLatch(1);
            CountDownLatch boosted = new CountDownLatch(1);
            FailoverBoost[] boost = new FailoverBoost[1];
            Thread conductor = new Thread(() -> {
                conductorTid.set(ThreadPriority.currentTid());
                ThreadPriority.nice(0, 0);
                registered.countDown();
                Doorbell.Group group = new Doorbell.Group(1);
                group.watch(r.status.lifeline());
                group.sleep(TimeUnit.SECONDS.toNanos(60));
                policyWhenWoken.complete(ThreadPriority.policyOf(0));
                try {
                    boosted.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                boost[0].endIfDue(clock.get() + holdNs - 1);
                policyAfterBoostTime.complete(ThreadPriority.policyOf(0));
                boost[0].endIfDue(clock.get() + holdNs);
                policyAfterPeriod.complete(ThreadPriority.policyOf(0));
            }, "host-manager");
            conductor.start();
            registered.await();
            try (FailoverBoost b = new FailoverBoost(clock::get, conductorTid.get(), 0, holdNs)) {
                boost[0] = b;
                b.replicas(List.of(r));
                long boostTid = ThreadPriority.threadsNamed(ProcessHandle.current().pid(), "failover-boost").get(0);
                // Both asleep on the word before the holder goes (a death before is seen at once, but then the
                // kernel might wake the conductor itself, not through the boost).
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> state(conductorTid.get()) == 'S' && state(boostTid) == 'S');

                die.countDown();

                assertEquals(ThreadPriority.SCHED_FIFO, policyWhenWoken.get(60, TimeUnit.SECONDS),
                        "woken by the boost, under SCHED_FIFO");
                assertEquals(1, b.boosts());
                boosted.countDown();
                assertEquals(ThreadPriority.SCHED_FIFO, policyAfterBoostTime.get(60, TimeUnit.SECONDS), "still within its period");
                assertEquals(ThreadPriority.SCHED_OTHER, policyAfterPeriod.get(60, TimeUnit.SECONDS), "back to normal after it");
            }
            conductor.join();
        }
    }
}
