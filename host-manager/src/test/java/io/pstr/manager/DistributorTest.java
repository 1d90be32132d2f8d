package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.RingFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.IdleStrategy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's fan-out: both replicas' rings get the same sequence, what a ring cannot take is counted, sleepers are woken. */
class DistributorTest {

    @TempDir
    Path dir;

    private final List<RingFile> open = new ArrayList<>();

    @AfterEach
    void closeRings() {
        open.forEach(RingFile::close);
    }

    private RingFile ring(String name, int bytes) {
        RingFile r = RingFile.create(dir.resolve(name), bytes);
        open.add(r);
        return r;
    }

    /** What a replica would read: "f" + host sequence for a frame, "t" + cycle for a tick. */
    private static List<String> drain(RingFile ring) {
        List<String> seen = new ArrayList<>();
        ring.ring().read((type, buffer, index, length) -> seen.add(switch (type) {
            case MessageTypes.FRAME -> "f" + buffer.getLong(index + Messages.FRAME_HOST_SEQ);
            case MessageTypes.TICK -> "t" + buffer.getLong(index + Messages.TICK_CYCLE);
            default -> "?" + type;
        }), Integer.MAX_VALUE);
        return seen;
    }

    @Test
    void shouldGiveBothReplicasTheSameFramesAndTicksOnceDistributing() {
        RingFile a = ring("a.ring", 1 << 12);
        RingFile b = ring("b.ring", 1 << 12);
        Distributor d = new Distributor();
        d.attach(Slot.A, a);
        d.attach(Slot.B, b);
        byte[] frame = {(byte) 0xFD, 9, 0, 0, 1, 1, 1, 0, 0, 0};
        assertFalse(d.frame(frame, 0, frame.length, 1, 2), "before the mission starts a frame is only counted");
        d.distributing(true, 3);
        assertTrue(d.frame(frame, 0, frame.length, 4, 5));
        assertTrue(d.frame(frame, 0, frame.length, 6, 7));
        d.tick(1, 8, 20);
        assertTrue(d.frame(frame, 0, frame.length, 9, 10));
        d.tick(2, 11, 20);

        List<String> expected = List.of("f1", "f2", "t1", "f3", "t2");
        assertEquals(expected, drain(a));
        assertEquals(expected, drain(b));
        assertEquals(4, d.framesIn());
        assertEquals(3, d.delivered(Slot.A));
        assertEquals(0, d.drops(Slot.B));
    }

    @Test
    void shouldCountWhatAFullRingCouldNotTakeAgainstThatReplicaOnly() {
        RingFile small = ring("small.ring", 1 << 10);
        RingFile big = ring("big.ring", 1 << 16);
        Distributor d = new Distributor();
        d.attach(Slot.A, small);
        d.attach(Slot.B, big);
        d.holder(Slot.A);
        d.distributing(true, 0);
        byte[] frame = new byte[100];
        for (int i = 0; i < 20; i++) {
            d.frame(frame, 0, frame.length, i, i);
        }
        assertTrue(d.drops(Slot.A) > 0, "the small ring filled up");
        assertEquals(20, d.delivered(Slot.A) + d.drops(Slot.A));
        assertEquals(d.drops(Slot.A), d.holderDrops(), "the holder's lost frames are the aircraft's");
        assertEquals(20, d.delivered(Slot.B));
        assertEquals(0, d.drops(Slot.B));
    }

    @Test
    void shouldWakeAReplicaAsleepOnItsInputRingWithTheTick() throws Exception {
        assertTrue(Doorbell.wakesSleepers(), "futex through pstr-core's JNI library or JNA");
        RingFile input = ring("input.ring", 1 << 12);
        Distributor d = new Distributor();
        d.attach(Slot.A, input);
        IdleStrategy idle = input.idleStrategy(TimeUnit.MINUTES.toNanos(1));
        CompletableFuture<Long> slept = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            // Nothing in the ring: only the fan-out's doorbell can end this sleep before a minute.
            idle.idle(0);
            return System.nanoTime() - start;
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(input.doorbell()::readerAsleep);
        d.tick(1, 0, 20);
        assertTrue(slept.get(10, TimeUnit.SECONDS) < TimeUnit.SECONDS.toNanos(30), "woken by the tick, not the cap");
        assertEquals(List.of("t1"), drain(input));
    }
}
