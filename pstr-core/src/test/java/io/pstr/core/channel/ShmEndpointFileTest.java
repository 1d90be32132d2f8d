package io.pstr.core.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.shm.SharedFiles;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phase log of an endpoint file: records of one cache line, numbered, read without a lock. */
class ShmEndpointFileTest {

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(ShmEndpointFile.HEADER_BYTES));

    /** Record n's fields are n, 2n, … 7n, so that a reader can tell a torn one. */
    private void write(long number) {
        ShmEndpointFile.writeLog(header, number, number, 2 * number, 3 * number, 4 * number, 5 * number, 6 * number,
                7 * number);
    }

    private static void assertWhole(long n, long g, long q, long p, long t, long msb, long lsb, long taskLate) {
        assertArrayEquals(new long[] {n, 2 * n, 3 * n, 4 * n, 5 * n, 6 * n, 7 * n}, new long[] {g, q, p, t, msb, lsb, taskLate},
                "record " + n);
    }

    private List<Long> readAfter(long seen, long[] returned) {
        List<Long> got = new ArrayList<>();
        returned[0] = ShmEndpointFile.readLogAfter(header, seen, (n, g, q, p, t, msb, lsb, taskLate) -> {
            assertWhole(n, g, q, p, t, msb, lsb, taskLate);
            got.add(n);
        });
        return got;
    }

    @Test
    void shouldFitARecordInOneCacheLineInsideTheHeader() {
        assertEquals(64, ShmEndpointFile.LOG_RECORD_BYTES);
        assertEquals(0, ShmEndpointFile.LOG_RECORDS % 64);
        assertEquals(ShmEndpointFile.LOG_RECORD_BYTES, ShmEndpointFile.LOG_SRC_TASK_LATE + 8);
        assertTrue(ShmEndpointFile.LOG_RECORDS + ShmEndpointFile.LOG_ENTRIES * ShmEndpointFile.LOG_RECORD_BYTES
                <= ShmEndpointFile.HEADER_BYTES);
        assertTrue(ShmEndpointFile.COUNTERS + Channel.COUNTERS * 8 <= ShmEndpointFile.LOG_RECORDS);
        assertTrue(ShmEndpointFile.GRANT_ENTRIES + ShmEndpointFile.MAX_GRANTS * ShmEndpointFile.GRANT_BYTES
                <= ShmEndpointFile.COUNTERS);
    }

    @Test
    void shouldRefuseAnEndpointOfAnotherLayoutVersionSayingSo(@TempDir Path dir) {
        ChannelAddress owner = new ChannelAddress(UUID.randomUUID(), 1);
        ShmEndpointFile.create(dir, owner, 1 << 12, 1 << 12).close();
        Path file = ShmEndpointFile.pathOf(dir, owner);
        UnsafeBuffer h = new UnsafeBuffer(SharedFiles.mapExisting(file));
        h.putLongVolatile(ShmEndpointFile.MAGIC_OFFSET, ShmEndpointFile.MAGIC - 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ShmEndpointFile.openIfExists(dir, owner));
        assertTrue(e.getMessage().contains("layout version 1") && e.getMessage().contains("reads version 2"), e.getMessage());
        h.putLongVolatile(ShmEndpointFile.MAGIC_OFFSET, 42);
        e = assertThrows(IllegalStateException.class, () -> ShmEndpointFile.openIfExists(dir, owner));
        assertTrue(e.getMessage().endsWith("is not a channel endpoint file"), e.getMessage());
        IoUtil.unmap(h.byteBuffer());
    }

    @Test
    void shouldHandOverEachCompleteRecordOnceInOrder() {
        long[] seen = new long[1];
        assertEquals(List.of(), readAfter(0, seen));
        assertEquals(0, seen[0]);
        assertEquals(0, ShmEndpointFile.newestLogRecord(header));
        for (long n = 1; n <= 3; n++) {
            write(n);
        }
        assertEquals(List.of(1L, 2L, 3L), readAfter(0, seen));
        assertEquals(3, seen[0]);
        assertEquals(List.of(), readAfter(3, seen));
        assertEquals(3, seen[0]);
        assertEquals(3, ShmEndpointFile.newestLogRecord(header));
    }

    @Test
    void shouldStopAtARecordBeingWrittenAndTakeItOnceComplete() {
        for (long n = 1; n <= 3; n++) {
            write(n);
        }
        // The receiver's first store of record 4: its number negated, the rest not written yet.
        int slot4 = ShmEndpointFile.LOG_RECORDS + 4 * ShmEndpointFile.LOG_RECORD_BYTES;
        header.putLongVolatile(slot4 + ShmEndpointFile.LOG_NUMBER, -4);
        long[] seen = new long[1];
        assertEquals(List.of(1L, 2L, 3L), readAfter(0, seen));
        assertEquals(3, seen[0]);
        assertEquals(4, ShmEndpointFile.newestLogRecord(header));
        write(4);
        assertEquals(List.of(4L), readAfter(3, seen));
    }

    @Test
    void shouldCloseARecordAKilledOwnerLeftHalfWrittenSoThatReadersGoOn() {
        for (long n = 1; n <= 3; n++) {
            write(n);
        }
        int slot4 = ShmEndpointFile.LOG_RECORDS + 4 * ShmEndpointFile.LOG_RECORD_BYTES;
        header.putLongVolatile(slot4 + ShmEndpointFile.LOG_NUMBER, -4); // killed after the record's first store
        header.putLong(slot4 + ShmEndpointFile.LOG_SRC_MSB, 12345);   // and one more
        long[] seen = new long[1];
        assertEquals(List.of(1L, 2L, 3L), readAfter(0, seen));
        assertEquals(List.of(), readAfter(3, seen), "stuck at the half-written record");

        // The next owner opens the endpoint: the record is closed as one of no sender, and numbering goes on after it.
        assertEquals(4, ShmEndpointFile.settleLog(header));
        write(5);
        List<long[]> got = new ArrayList<>();
        long last = ShmEndpointFile.readLogAfter(header, 3, (n, g, q, p, t, msb, lsb, taskLate) ->
                got.add(new long[] {n, g, q, p, t, msb, lsb, taskLate}));
        assertEquals(5, last);
        assertArrayEquals(new long[] {4, 0, 0, 0, 0, 0, 0, 0}, got.get(0));
        assertArrayEquals(new long[] {5, 5, 10, 15, 20, 25, 30, 35}, got.get(1));
        assertEquals(2, got.size());
    }

    @Test
    void shouldSkipWhatWasOverwrittenAndReadTheRestInOneGo() {
        int total = ShmEndpointFile.LOG_ENTRIES + 10;
        for (long n = 1; n <= total; n++) {
            write(n);
        }
        long[] seen = new long[1];
        List<Long> got = readAfter(0, seen);
        assertEquals(ShmEndpointFile.LOG_ENTRIES, got.size());
        assertEquals(11L, got.get(0));
        assertEquals((long) total, got.get(got.size() - 1));
        assertEquals(total, seen[0]);
        assertEquals(total, ShmEndpointFile.newestLogRecord(header));
    }

    @Test
    void shouldDiscardARecordOverwrittenWhileItWasRead() {
        /** Runs the receiver's writes at the moment the reader takes one field, as a preempted reader would see. */
        final class Interfering extends UnsafeBuffer {
            private int at = -1;
            private Runnable writes;

            Interfering(ByteBuffer b) {
                super(b);
            }

            @Override
            public long getLong(int index) {
                if (index == at && writes != null) {
                    Runnable w = writes;
                    writes = null;
                    w.run();
                }
                return super.getLong(index);
            }
        }
        Interfering h = new Interfering(ByteBuffer.allocateDirect(ShmEndpointFile.HEADER_BYTES));
        long last = ShmEndpointFile.LOG_ENTRIES + 2;
        for (long n = 1; n <= 3; n++) {
            ShmEndpointFile.writeLog(h, n, n, 2 * n, 3 * n, 4 * n, 5 * n, 6 * n, 7 * n);
        }
        // While record 2's G is read, the receiver writes on to the record that takes record 2's slot.
        h.at = ShmEndpointFile.LOG_RECORDS + 2 * ShmEndpointFile.LOG_RECORD_BYTES + ShmEndpointFile.LOG_G;
        h.writes = () -> {
            for (long n = 4; n <= last; n++) {
                ShmEndpointFile.writeLog(h, n, n, 2 * n, 3 * n, 4 * n, 5 * n, 6 * n, 7 * n);
            }
        };
        List<Long> got = new ArrayList<>();
        long seen = ShmEndpointFile.readLogAfter(h, 0, (n, g, q, p, t, msb, lsb, taskLate) -> {
            assertWhole(n, g, q, p, t, msb, lsb, taskLate);
            got.add(n);
        });
        assertEquals(last, seen);
        assertFalse(got.contains(2L), "record 2 was overwritten while it was read: " + got);
        assertEquals(List.of(1L, 3L, 4L), got.subList(0, 3));
        assertEquals(last, got.get(got.size() - 1));
        assertEquals(last - 1, got.size());
    }

    @Test
    void shouldNeverHandOverATornRecordWhileTheReceiverWritesOn() throws Exception {
        long last = 200_000;
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (long n = 1; n <= last; n++) {
                    write(n);
                }
            } catch (Throwable t) {
                writerFailed.set(t);
            }
        }, "log-writer");
        writer.start();
        long seen = 0;
        long[] previous = {0};
        long[] taken = {0};
        while (seen < last) {
            // Every field is checked against the record's number: a torn record fails here.
            seen = ShmEndpointFile.readLogAfter(header, seen, (n, g, q, p, t, msb, lsb, taskLate) -> {
                assertWhole(n, g, q, p, t, msb, lsb, taskLate);
                assertTrue(n > previous[0], "record " + n + " after " + previous[0]);
                previous[0] = n;
                taken[0]++;
            });
            assertNull(writerFailed.get());
        }
        writer.join();
        assertEquals(last, previous[0]);
        assertTrue(taken[0] > 0);
    }
}
