package io.pstr.manager;

import io.pstr.core.link.ByteLink;
import io.pstr.core.link.LinkCounters;
import io.pstr.core.link.LinkListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacedWriterTest {

    private static final long RATE_BITS_PER_SEC = 115_200;
    private static final int BITS_PER_BYTE = 10;
    private static final long SECOND_NS = 1_000_000_000L;

    private record Write(long atNs, byte[] bytes) {
    }

    private record Written(long cycle, Slot from, long epoch, long nowNs) {
    }

    private long nowNs;

    /** A link that records each write with the manual clock's time. */
    private final class RecordingLink implements ByteLink {
        final List<Write> writes = new ArrayList<>();
        boolean up = true;

        @Override
        public void start(LinkListener listener) {
        }

        @Override
        public boolean write(byte[] buffer, int offset, int length) {
            if (!up) {
                return false;
            }
            writes.add(new Write(nowNs, Arrays.copyOfRange(buffer, offset, offset + length)));
            return true;
        }

        @Override
        public boolean isUp() {
            return up;
        }

        @Override
        public void unplug(long durationNs) {
            up = false;
        }

        @Override
        public LinkCounters counters() {
            return new LinkCounters();
        }

        @Override
        public void close() {
        }
    }

    private final RecordingLink link = new RecordingLink();
    private final EnumMap<Slot, Long> fence = new EnumMap<>(Slot.class);
    private final PacedWriter writer = new PacedWriter(link, RATE_BITS_PER_SEC, BITS_PER_BYTE,
            (from, epoch) -> epoch < fence.getOrDefault(from, 0L));
    private final List<Written> written = new ArrayList<>();

    PacedWriterTest() {
        writer.listener((cycle, from, epoch, t) -> written.add(new Written(cycle, from, epoch, t)));
    }

    private static long wireNs(int lengthBytes) {
        return lengthBytes * (long) BITS_PER_BYTE * SECOND_NS / RATE_BITS_PER_SEC;
    }

    private void offer(long cycle, Slot from, long epoch, int lengthBytes) {
        byte[] b = new byte[lengthBytes + 4];
        Arrays.fill(b, (byte) cycle);
        writer.offer(cycle, from, epoch, new UnsafeBuffer(b), 4, lengthBytes, nowNs);
    }

    @Test
    void shouldWriteFirstFrameAtOnce() {
        nowNs = 123_456;
        offer(1, Slot.A, 1, 20);
        assertEquals(1, link.writes.size());
        assertEquals(123_456, link.writes.get(0).atNs());
        assertEquals(20, link.writes.get(0).bytes().length);
        assertEquals(1, writer.framesWritten());
        assertEquals(20, writer.bytesWritten());
        assertEquals(List.of(new Written(1, Slot.A, 1, 123_456)), written);
    }

    @Test
    void shouldWriteTheOfferedBytesFromTheGivenOffset() {
        byte[] b = {9, 9, 1, 2, 3, 9};
        writer.offer(1, Slot.A, 1, new UnsafeBuffer(b), 2, 3, nowNs);
        b[2] = 7; // the writer must have taken its own copy
        assertArrayEquals(new byte[] {1, 2, 3}, link.writes.get(0).bytes());
    }

    @Test
    void shouldWriteACycleOutputOfSeveralFramesWholeAndPaceTheNextByAllOfThem() {
        // setpoint (51 bytes), COMMAND_LONG (45) and an ack (22): one cycle's output, one write
        offer(1, Slot.A, 1, 51 + 45 + 22);
        offer(2, Slot.A, 1, 51);
        assertEquals(1, link.writes.size());
        assertEquals(118, link.writes.get(0).bytes().length);
        nowNs = wireNs(118) - 1;
        assertEquals(0, writer.poll(nowNs), "the next output waits for all three frames' wire time");
        nowNs = wireNs(118);
        assertEquals(1, writer.poll(nowNs));
    }

    /** The conductor sleeps until the writer's next hand-over: it must be the time poll writes, and no sooner. */
    @Test
    void shouldTellTheConductorWhenItWillNextHandAnOutputOver() {
        assertEquals(Long.MAX_VALUE, writer.nextHandOverNs(), "nothing waits");
        long start = nowNs;
        offer(1, Slot.A, 1, 118);
        assertEquals(Long.MAX_VALUE, writer.nextHandOverNs(), "written at once: nothing waits");
        writer.lead(100_000);
        offer(2, Slot.A, 1, 51);
        long next = start + wireNs(118) - 100_000;
        assertEquals(next, writer.nextHandOverNs(), "the next waits for the first's wire time, less the lead");
        assertEquals(0, writer.poll(next - 1));
        assertEquals(1, writer.poll(next));
        assertEquals(Long.MAX_VALUE, writer.nextHandOverNs());
    }

    @Test
    void shouldNotStartNextFrameBeforePreviousFrameWireTime() {
        offer(1, Slot.A, 1, 30);
        offer(2, Slot.A, 1, 30);
        assertEquals(1, link.writes.size(), "the second frame waits for the wire");

        nowNs = wireNs(30) - 1;
        assertEquals(0, writer.poll(nowNs));
        nowNs = wireNs(30);
        assertEquals(1, writer.poll(nowNs));
        assertEquals(2, link.writes.size());
        assertEquals(wireNs(30), link.writes.get(1).atNs());
    }

    @Test
    void shouldPaceOneSecondBurstWithinOnePercentOfLinkRate() {
        // Enough frames of varying length for well over a second of wire time.
        int[] lengths = {17, 30, 45, 60, 21, 38};
        long queuedBytes = 0;
        for (int i = 0; queuedBytes * BITS_PER_BYTE < 2 * RATE_BITS_PER_SEC; i++) {
            int len = lengths[i % lengths.length];
            offer(i + 1, Slot.A, 1, len);
            queuedBytes += len;
        }
        for (nowNs = 0; nowNs <= SECOND_NS; nowNs += 10_000) {
            writer.poll(nowNs);
        }

        List<Write> w = link.writes;
        for (int i = 1; i < w.size(); i++) {
            long earliest = w.get(i - 1).atNs() + wireNs(w.get(i - 1).bytes().length);
            assertTrue(w.get(i).atNs() >= earliest, "frame " + i + " started at " + w.get(i).atNs()
                    + " before the previous one left the wire at " + earliest);
        }
        long bits = 0;
        for (int i = 0; i < w.size() - 1; i++) {
            bits += (long) w.get(i).bytes().length * BITS_PER_BYTE;
        }
        long spanNs = w.get(w.size() - 1).atNs() - w.get(0).atNs();
        assertTrue(spanNs > 0.98 * SECOND_NS, "the burst spans the second: " + spanNs);
        double rate = bits * (double) SECOND_NS / spanNs;
        assertEquals(RATE_BITS_PER_SEC, rate, RATE_BITS_PER_SEC * 0.01, "measured rate " + rate);
        assertTrue(writer.framesWritten() < lengths.length * 1_000, "not everything went at once");
    }

    @Test
    void shouldDropOutputFencedWhileQueuedAndNeverWriteIt() {
        offer(1, Slot.A, 1, 30);
        offer(2, Slot.A, 1, 30);
        offer(2, Slot.B, 1, 30);
        fence.put(Slot.A, 2L);

        nowNs = wireNs(30);
        writer.poll(nowNs);

        assertEquals(1, writer.staleDropped());
        assertEquals(2, link.writes.size());
        assertEquals(List.of(new Written(1, Slot.A, 1, 0), new Written(2, Slot.B, 1, wireNs(30))), written);
        assertEquals(nowNs, link.writes.get(1).atNs(), "a dropped frame takes no wire time");
    }

    @Test
    void shouldNotWriteOutputFencedBeforeItWasOffered() {
        fence.put(Slot.A, 3L);
        offer(1, Slot.A, 2, 30);
        assertTrue(link.writes.isEmpty());
        assertEquals(1, writer.staleDropped());
        assertEquals(0, writer.framesWritten());
    }

    @Test
    void shouldCountWritesRefusedWhileLinkIsDown() {
        link.up = false;
        offer(1, Slot.A, 1, 30);
        assertEquals(1, writer.writesRefused());
        assertEquals(0, writer.framesWritten());
        assertEquals(0, writer.bytesWritten());
        assertTrue(written.isEmpty(), "the listener hears only of frames on the link");

        link.up = true;
        nowNs = SECOND_NS;
        offer(2, Slot.A, 1, 30);
        assertEquals(1, writer.framesWritten());
        assertEquals(1, writer.writesRefused());
    }

    @Test
    void shouldRecordQueueDelayPerFrame() {
        offer(1, Slot.A, 1, 30);
        offer(2, Slot.A, 1, 30);
        offer(3, Slot.A, 1, 30);
        nowNs = wireNs(30);
        writer.poll(nowNs);
        nowNs = 2 * wireNs(30);
        writer.poll(nowNs);

        assertEquals(3, writer.queueDelayNs().getTotalCount());
        assertEquals(0, writer.queueDelayNs().getMinValue());
        long maxNs = writer.queueDelayNs().getMaxValue();
        assertTrue(writer.queueDelayNs().valuesAreEquivalent(2 * wireNs(30), maxNs), "max queue delay " + maxNs);
    }

    @Test
    void shouldHandTheNextFrameToTheLinkUpToTheLeadBeforeTheWireIsFreeWithoutLosingWireTime() {
        writer.lead(1_000_000);
        offer(1, Slot.A, 1, 60);
        offer(2, Slot.A, 1, 60);
        offer(3, Slot.A, 1, 60);
        nowNs = wireNs(60) - 1_000_001;
        assertEquals(0, writer.poll(nowNs), "not earlier than the lead");
        nowNs = wireNs(60) - 1_000_000;
        assertEquals(1, writer.poll(nowNs), "like a UART's FIFO: handed over while the wire still sends");
        // The wire time is kept: the third frame is due one wire time after the second would start.
        nowNs = 2 * wireNs(60) - 1_000_001;
        assertEquals(0, writer.poll(nowNs));
        nowNs = 2 * wireNs(60) - 1_000_000;
        assertEquals(1, writer.poll(nowNs));
        assertEquals(3, link.writes.size());
    }

    @Test
    void shouldDropTheOldestOutputsBeyondOneSecondOfWireTimeAndCountThem() {
        int perFrame = 100;
        int frames = (int) (2 * RATE_BITS_PER_SEC / BITS_PER_BYTE / perFrame);
        for (int i = 1; i <= frames; i++) {
            offer(i, Slot.A, 1, perFrame);
        }
        long queuedBytes = (long) writer.queued() * perFrame;
        assertTrue(queuedBytes <= RATE_BITS_PER_SEC / BITS_PER_BYTE, "at most a second queued: " + queuedBytes);
        assertEquals(frames - 1 - writer.queued(), writer.queueDrops(), "every output not written or queued is counted");
        for (nowNs = 0; nowNs <= 3 * SECOND_NS; nowNs += 1_000_000) {
            writer.poll(nowNs);
        }
        assertEquals(frames, link.writes.size() + writer.queueDrops(), "written or counted as dropped");
        assertEquals((byte) frames, link.writes.get(link.writes.size() - 1).bytes()[0], "the newest output was kept");
        assertEquals((byte) (frames - link.writes.size() + 2), link.writes.get(1).bytes()[0], "the oldest were dropped");
    }

    @Test
    void shouldNeverDropTheHostsOwnFrameWhenTheQueueOverflows() {
        offer(1, Slot.A, 1, 100);                                    // on the wire at once
        byte[] land = {(byte) 0xAB, 1, 2, 3};
        writer.offerOwn(land, nowNs);                                // queued behind it: the operator's abort
        int perFrame = 100;
        int frames = (int) (2 * RATE_BITS_PER_SEC / BITS_PER_BYTE / perFrame);
        for (int i = 2; i <= frames; i++) {
            offer(i, Slot.A, 1, perFrame);
        }
        assertTrue(writer.queueDrops() > 0, "outputs were dropped");
        for (nowNs = 0; nowNs <= 3 * SECOND_NS; nowNs += 1_000_000) {
            writer.poll(nowNs);
        }
        assertArrayEquals(land, link.writes.get(1).bytes(), "the host's frame went out next, though older than every output dropped");
        assertEquals(frames + 1, link.writes.size() + writer.queueDrops(), "every frame written or counted as dropped");
    }

    @Test
    void shouldCountTheHostsOwnFramesInTheQueuedSecondOnceQueuedAndOnceWritten() {
        // The host's own frames (stand-in heartbeats over a long silence) pass through the queue and leave it empty:
        // afterwards the second's limit applies to outputs exactly as before them.
        for (int i = 0; i < 200; i++) {
            writer.offerOwn(new byte[100], nowNs);
            nowNs += SECOND_NS;
        }
        assertEquals(0, writer.queued());
        int perFrame = 100;
        int frames = (int) (2 * RATE_BITS_PER_SEC / BITS_PER_BYTE / perFrame);
        for (int i = 1; i <= frames; i++) {
            offer(i, Slot.A, 1, perFrame);
        }
        assertTrue((long) writer.queued() * perFrame <= RATE_BITS_PER_SEC / BITS_PER_BYTE, "at most a second queued: "
                + writer.queued() + " outputs");
        assertEquals(frames - 1 - writer.queued(), writer.queueDrops());
    }

    @Test
    void shouldPaceOnWhatTheSinkPutOnTheWireAndCountRefusedBytes() {
        List<Long> at = new ArrayList<>();
        boolean[] up = {true};
        // A signing link puts 13 more bytes on the wire than it was given.
        PacedWriter signed = new PacedWriter((b, o, l, now) -> {
            if (!up[0]) {
                return -1;
            }
            at.add(now);
            return l + 13;
        }, RATE_BITS_PER_SEC, BITS_PER_BYTE, (f, e) -> false);
        UnsafeBuffer frame = new UnsafeBuffer(new byte[40]);
        signed.offer(1, Slot.A, 1, frame, 0, 40, 0);
        signed.offer(2, Slot.A, 1, frame, 0, 40, 0);
        signed.poll(wireNs(53) - 1);
        assertEquals(1, at.size(), "the signature's bytes take wire time too");
        signed.poll(wireNs(53));
        assertEquals(List.of(0L, wireNs(53)), at);
        assertEquals(2 * 53, signed.bytesWritten());
        up[0] = false;
        signed.offer(3, Slot.A, 1, frame, 0, 40, 10 * SECOND_NS);
        assertEquals(1, signed.writesRefused());
        assertEquals(40, signed.bytesRefused());
    }

    @Test
    void shouldMeasureTheLargestIntervalBetweenControlOutputsWrittenAndStartAgainWhenTaken() {
        long periodNs = 20_000_000;
        assertEquals(Long.MIN_VALUE, writer.lastOutputNs());
        assertEquals(-1, writer.takeMaxOutputIntervalNs(), "nothing written");
        nowNs = 1_000_000;
        offer(1, Slot.A, 1, 51);
        assertEquals(-1, writer.takeMaxOutputIntervalNs(), "one write is no interval");
        nowNs += periodNs;
        offer(2, Slot.A, 1, 51);
        nowNs += 3 * periodNs;
        offer(3, Slot.B, 2, 51); // a failover: three periods without an output at the link
        nowNs += periodNs;
        offer(4, Slot.B, 2, 51);
        assertEquals(3 * periodNs, writer.takeMaxOutputIntervalNs());
        assertEquals(nowNs, writer.lastOutputNs());
        assertEquals(-1, writer.takeMaxOutputIntervalNs(), "taken: the next measurement starts empty");

        // The host's own frame is not a control output, and a write the link refused reached nothing.
        nowNs += periodNs / 2;
        writer.offerOwn(new byte[] {1, 2, 3}, nowNs);
        link.up = false;
        nowNs += periodNs / 2;
        offer(5, Slot.B, 2, 51);
        link.up = true;
        nowNs += periodNs;
        offer(6, Slot.B, 2, 51);
        assertEquals(2 * periodNs, writer.takeMaxOutputIntervalNs());
        assertEquals(nowNs, writer.lastOutputNs());
    }

    @Test
    void shouldRejectImpossibleLinkSettings() {
        assertThrows(IllegalArgumentException.class, () -> new PacedWriter(link, 0, 10, (f, e) -> false));
        assertThrows(IllegalArgumentException.class, () -> new PacedWriter(link, 115_200, 6, (f, e) -> false));
    }
}
