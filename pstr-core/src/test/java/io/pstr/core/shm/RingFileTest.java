package io.pstr.core.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.awaitility.Awaitility;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldCarryMessagesInOrderBetweenTwoMappingsOfTheSameFile() {
        Path file = dir.resolve("input.ring");
        try (RingFile writer = RingFile.create(file, 1 << 12); RingFile reader = RingFile.open(file)) {
            Messages messages = new Messages();
            byte[] frame = {(byte) 0xFD, 1, 2, 3};
            assertTrue(messages.frame(writer.ring(), 7, 100, 200, new UnsafeBuffer(frame), 0, frame.length));
            assertTrue(messages.tick(writer.ring(), 42, 300, 20));
            assertTrue(messages.role(writer.ring(), 3, true, 2, "6f1c2f7e-0c43-4e6a-9d0e-2b1f3c4d5e6f/1"));

            List<String> seen = new ArrayList<>();
            int read = reader.ring().read((type, buffer, index, length) -> {
                switch (type) {
                    case MessageTypes.FRAME -> {
                        byte[] copy = new byte[length - Messages.FRAME_BYTES];
                        buffer.getBytes(index + Messages.FRAME_BYTES, copy);
                        assertArrayEquals(frame, copy);
                        seen.add("frame" + buffer.getLong(index + Messages.FRAME_HOST_SEQ));
                    }
                    case MessageTypes.TICK -> seen.add("tick" + buffer.getLong(index + Messages.TICK_CYCLE));
                    case MessageTypes.ROLE -> seen.add("role" + buffer.getLong(index + Messages.ROLE_EPOCH)
                            + buffer.getStringUtf8(index + Messages.ROLE_PEER_ADDRESS));
                    default -> seen.add("?" + type);
                }
            });
            assertEquals(3, read);
            assertEquals(List.of("frame7", "tick42", "role36f1c2f7e-0c43-4e6a-9d0e-2b1f3c4d5e6f/1"), seen);
        }
    }

    @Test
    void shouldRefuseWritesWhenFullInsteadOfOverwriting() {
        try (RingFile ring = RingFile.create(dir.resolve("small.ring"), 1 << 10)) {
            Messages messages = new Messages();
            int written = 0;
            while (messages.tick(ring.ring(), written, 0, 20)) {
                written++;
            }
            assertTrue(written > 10);
            assertFalse(messages.tick(ring.ring(), written, 0, 20), "a full ring says no, it never overwrites");
            assertEquals(written, ring.ring().read((t, b, i, l) -> { }, Integer.MAX_VALUE));
        }
    }

    @Test
    void shouldCreateFilesReadableByTheOwnerOnly() throws Exception {
        Path run = SharedFiles.privateDirectory(dir.resolve("run"));
        try (RingFile ring = RingFile.create(run.resolve("x.ring"), 1 << 10)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring.path())));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
    }

    @Test
    void shouldWakeAReaderAsleepOnItsRingWhenAWriterRings() throws Exception {
        Path file = dir.resolve("input.ring");
        try (RingFile writer = RingFile.create(file, 1 << 12); RingFile reader = RingFile.open(file)) {
            assertTrue(Doorbell.wakesSleepers(), "futex through pstr-core's JNI library or JNA");
            IdleStrategy idle = reader.idleStrategy(TimeUnit.MINUTES.toNanos(1));
            CompletableFuture<Long> slept = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                // Nothing in the ring: only the writer's ring can end this sleep before a minute.
                idle.idle(0);
                return System.nanoTime() - start;
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(reader.doorbell()::readerAsleep);
            assertTrue(new Messages().tick(writer.ring(), 1, 0, 20));
            writer.doorbell().ring();
            assertTrue(slept.get(10, TimeUnit.SECONDS) < TimeUnit.SECONDS.toNanos(30), "woken by the doorbell, not the cap");
            assertFalse(reader.doorbell().readerAsleep());
            assertEquals(1, reader.ring().read((t, b, i, l) -> { }, 10));
        }
    }

    @Test
    void shouldWakeAReaderOfTwoRingsWhenEitherRings() throws Exception {
        try (RingFile a = RingFile.create(dir.resolve("a.ring"), 1 << 12); RingFile b = RingFile.create(dir.resolve("b.ring"), 1 << 12)) {
            for (RingFile written : List.of(b, a)) {
                Doorbell.Group group = new Doorbell.Group(2);
                CompletableFuture<Long> slept = CompletableFuture.supplyAsync(() -> {
                    long start = System.nanoTime();
                    group.prepare(a.doorbell());
                    group.prepare(b.doorbell());
                    // Both rings empty: only a writer's ring can end this sleep before a minute.
                    group.sleep(TimeUnit.MINUTES.toNanos(1));
                    return System.nanoTime() - start;
                });
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.doorbell().readerAsleep() && b.doorbell().readerAsleep());
                assertTrue(new Messages().tick(written.ring(), 1, 0, 20));
                written.doorbell().ring();
                assertTrue(slept.get(10, TimeUnit.SECONDS) < TimeUnit.SECONDS.toNanos(30), "woken by " + written.path().getFileName());
                assertFalse(a.doorbell().readerAsleep() || b.doorbell().readerAsleep(), "both flags lowered");
                assertEquals(1, written.ring().read((t, buf, i, l) -> { }, 10));
            }
        }
    }

    @Test
    void shouldSleepItsCapWithNoDoorbellToWaitOn() {
        IdleStrategy idle = Doorbell.idleStrategy(2, TimeUnit.MILLISECONDS.toNanos(20), group -> false);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            idle.idle(0);
        }
        // Five sleeps of about the cap (100 ms in all), not a spin (microseconds): a park may end a little early.
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void shouldAskItsSleepBudgetBeforeEverySleepAndNotSleepOnNone() {
        long[] asked = {0};
        long[] budget = {TimeUnit.MILLISECONDS.toNanos(20), 0, -5};
        IdleStrategy idle = Doorbell.idleStrategy(2, () -> budget[(int) asked[0]++], group -> false);
        long start = System.nanoTime();
        idle.idle(0);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(10), "slept about its first budget");
        idle.idle(0);
        idle.idle(0);
        assertEquals(3, asked[0], "asked once a sleep; a budget of zero or less sleeps not at all");
        idle.idle(1);
        assertEquals(3, asked[0], "no sleep after a duty cycle that did something");
    }

    @Test
    void shouldNotSleepWhenTheRingAlreadyHoldsWork() {
        try (RingFile ring = RingFile.create(dir.resolve("busy.ring"), 1 << 10)) {
            assertTrue(new Messages().tick(ring.ring(), 1, 0, 20));
            long start = System.nanoTime();
            // Written before the reader raised its flag, never rung: the reader must see it and not sleep the hour.
            ring.idleStrategy(TimeUnit.HOURS.toNanos(1)).idle(0);
            assertTrue(System.nanoTime() - start < TimeUnit.MINUTES.toNanos(1));
            assertFalse(ring.doorbell().readerAsleep());
        }
    }

    @Test
    void shouldSleepPastARecordAWriterHasClaimedButNotCommittedAndWakeWhenItCommits() throws Exception {
        Path file = dir.resolve("claimed.ring");
        try (RingFile reader = RingFile.create(file, 1 << 12); RingFile writer = RingFile.open(file)) {
            // A writer preempted between claim and commit: the ring is not empty, yet nothing can be read.
            int index = writer.ring().tryClaim(MessageTypes.TICK, 16);
            assertTrue(index > 0);
            assertTrue(reader.ring().size() > 0);
            assertFalse(reader.readable(), "a claimed record is not readable");
            assertEquals(0, reader.ring().read((t, b, i, l) -> { }, 10));

            CompletableFuture<Void> idle = CompletableFuture.runAsync(() -> reader.idleStrategy(TimeUnit.HOURS.toNanos(1)).idle(0));
            // The reader sleeps instead of spinning on the claimed record (which would hold a CPU the writer may need).
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reader.doorbell().readerAsleep());
            assertFalse(idle.isDone());
            writer.ring().buffer().putLong(index, 42);
            writer.ring().commit(index);
            writer.doorbell().ring();
            idle.get(10, TimeUnit.SECONDS);
            assertTrue(reader.readable());
            assertEquals(1, reader.ring().read((t, b, i, l) -> assertEquals(42, b.getLong(i)), 10));
            assertFalse(reader.readable());
        }
    }

    @Test
    void shouldCallThePaddingAtTheEndOfTheRingReadableSoThatAReadMovesPastIt() {
        try (RingFile ring = RingFile.create(dir.resolve("wrap.ring"), 1 << 12)) {
            // Records of 408 bytes with their header: ten fill 4080 of the 4096.
            UnsafeBuffer payload = new UnsafeBuffer(new byte[400]);
            MessageHandler none = (t, b, i, l) -> { };
            for (int i = 0; i < 10; i++) {
                assertTrue(ring.ring().write(MessageTypes.TICK, payload, 0, 400));
                assertEquals(1, ring.ring().read(none, 10));
            }
            // The next does not fit in the last 16 bytes: padding fills them and the record starts at 0.
            assertTrue(ring.ring().write(MessageTypes.TICK, payload, 0, 400));
            assertTrue(ring.readable());
            assertEquals(0, ring.ring().read(none, 10), "the read up to the end finds only the padding");
            assertTrue(ring.readable());
            assertEquals(1, ring.ring().read(none, 10));
            assertFalse(ring.readable());
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotARing() throws Exception {
        Path file = dir.resolve("other.dat");
        Files.write(file, new byte[1000]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RingFile.open(file));
        assertTrue(e.getMessage().contains("is not a ring file"), e.getMessage());
    }

    @Test
    void shouldRejectARingCapacityThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> RingFile.create(dir.resolve("bad.ring"), 1000));
    }

    @Test
    void shouldShareStatusCountersBetweenMappings() {
        Path file = dir.resolve("status.dat");
        try (ReplicaStatusFile writer = ReplicaStatusFile.create(file); ReplicaStatusFile reader = ReplicaStatusFile.open(file)) {
            writer.set(ReplicaStatusFile.Field.PID, 1234);
            writer.increment(ReplicaStatusFile.Field.CYCLES_RUN);
            writer.increment(ReplicaStatusFile.Field.CYCLES_RUN);
            writer.max(ReplicaStatusFile.Field.STEP_NS_MAX, 50);
            writer.max(ReplicaStatusFile.Field.STEP_NS_MAX, 10);
            assertEquals(1234, reader.get(ReplicaStatusFile.Field.PID));
            assertEquals(2, reader.get(ReplicaStatusFile.Field.CYCLES_RUN));
            assertEquals(50, reader.get(ReplicaStatusFile.Field.STEP_NS_MAX));
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotAStatusFile() throws Exception {
        Path file = dir.resolve("junk.dat");
        Files.write(file, new byte[4096]);
        assertThrows(IllegalStateException.class, () -> ReplicaStatusFile.open(file));
    }
}
