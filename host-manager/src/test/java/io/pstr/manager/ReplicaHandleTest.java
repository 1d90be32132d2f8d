package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.SharedFiles;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaHandleTest {

    @TempDir
    Path dir;

    /** A process that is alive and well, as far as anyone asking it can tell. */
    private static final class LiveSandbox implements SandboxLauncher.Sandbox {
        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public boolean isAlive() {
            return true;
        }

        @Override
        public void kill() {
        }

        @Override
        public void stop() {
        }

        @Override
        public void resume() {
        }
    }

    @Test
    void shouldCountAReplicaLostTheMomentItsAgentThreadIsGoneWhateverItsHeartbeatSays() throws Exception {
        assumeTrue(Doorbell.wakesSleepers(), "no futex on this platform");
        try (ChannelRegistry channels = new ChannelRegistry(dir.resolve("channel"));
             ReplicaHandle r = ReplicaHandle.create(Slot.A, 1, new ReplicaFiles(SharedFiles.privateDirectory(dir.resolve("A-1"))), channels)) {
            r.sandbox = new LiveSandbox();
            long quietNs = TimeUnit.SECONDS.toNanos(60);
            Thread agent = new Thread(() -> r.status.lifeline().hold(), "replica-A");
            agent.start();
            // Java's join returns before the native thread has finished exiting; the kernel marks the word at its exit.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> r.status.lifeline().holderDied());

            long now = System.nanoTime();
            r.status.set(Field.HEARTBEAT_NS, now);
            assertTrue(r.dying(now, quietNs, quietNs), "its agent thread exited: lost, with a heartbeat a nanosecond old");
        }
    }

    @Test
    void shouldNotCountALiveReplicaWithAFreshHeartbeatAsDying() throws Exception {
        try (ChannelRegistry channels = new ChannelRegistry(dir.resolve("channel"));
             ReplicaHandle r = ReplicaHandle.create(Slot.B, 1, new ReplicaFiles(SharedFiles.privateDirectory(dir.resolve("B-1"))), channels)) {
            r.sandbox = new LiveSandbox();
            long quietNs = TimeUnit.SECONDS.toNanos(60);
            long now = System.nanoTime();
            r.status.set(Field.HEARTBEAT_NS, now);
            assertFalse(r.dying(now, quietNs, quietNs), "no lifeline held (a replica of an older layout): alive");

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread agent = new Thread(() -> {
                r.status.lifeline().hold();
                held.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "replica-B");
            agent.start();
            try {
                assertTrue(held.await(60, TimeUnit.SECONDS));
                assertFalse(r.dying(now, quietNs, quietNs), "alive, holding its lifeline");
            } finally {
                done.countDown();
                agent.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
    }
}
