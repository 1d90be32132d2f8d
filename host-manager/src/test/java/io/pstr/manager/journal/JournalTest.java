package io.pstr.manager.journal;

import io.pstr.core.status.JournalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    private Journal journal(Path file, int capacity) {
        return new Journal(file, nanos::get, millis::get, capacity);
    }

    private static JournalEvent append(Journal j, String type) {
        return j.append(type, "CAUSE", "A", "B", 1, 2, "A", "msg", Map.of("x", 1));
    }

    @Test
    void shouldAssignSequenceFromOneAndStampInjectedClocks() {
        try (Journal j = journal(null, 16)) {
            JournalEvent first = j.append("STATE", "START", null, "PRIMARY_ACTIVE", 1, 0, null, "started", null);
            nanos.addAndGet(500);
            millis.incrementAndGet();
            JournalEvent second = append(j, "FAULT");

            assertEquals(1, first.seq());
            assertEquals(1_000, first.monoNs());
            assertEquals(1_700_000_000_000L, first.wallMs());
            assertEquals(Map.of(), first.figures());
            assertEquals(2, second.seq());
            assertEquals(1_500, second.monoNs());
            assertEquals(1_700_000_000_001L, second.wallMs());
            assertEquals(2, j.lastSeq());
        }
    }

    @Test
    void shouldPageEventsAfterSeqWithLimit() {
        try (Journal j = journal(null, 16)) {
            for (int i = 0; i < 10; i++) {
                append(j, "E" + i);
            }
            assertEquals(List.of(1L, 2L, 3L), seqs(j.events(0, 3)));
            assertEquals(List.of(4L, 5L, 6L), seqs(j.events(3, 3)));
            assertEquals(List.of(9L, 10L), seqs(j.events(8, 100)));
            assertEquals(List.of(), j.events(10, 100));
            assertEquals(List.of(), j.events(3, 0));
            assertEquals(List.of(1L), seqs(j.events(-5, 1)));
            assertThrows(IllegalArgumentException.class, () -> j.events(0, -1));
        }
    }

    @Test
    void shouldServeOnlyTheLastRingCapacityEvents() {
        try (Journal j = journal(null, 4)) {
            for (int i = 0; i < 10; i++) {
                append(j, "E");
            }
            assertEquals(List.of(7L, 8L, 9L, 10L), seqs(j.events(0, 100)));
            assertEquals(List.of(9L, 10L), seqs(j.events(8, 100)));
        }
    }

    @Test
    void shouldRejectBlankTypeAndAppendAfterClose() {
        Journal j = journal(null, 4);
        assertThrows(IllegalArgumentException.class, () -> append(j, " "));
        assertEquals(0, j.lastSeq());
        j.close();
        assertThrows(IllegalStateException.class, () -> append(j, "E"));
    }

    @Test
    void shouldWriteOneFlushedJsonLinePerEventAndReadItBack() throws IOException {
        Path file = dir.resolve("run/journal.jsonl");
        try (Journal j = journal(file, 16)) {
            append(j, "STATE");
            j.append("FAILOVER", "PROCESS_EXIT", "PRIMARY_ACTIVE", "SHADOW_ACTIVE", 2, 1234, "B",
                    "primary exited", Map.of("detectionMs", 3.5, "cyclesAffected", 0));
            // written and flushed by the writer thread: visible before close once drained
            assertTrue(j.drain(), "the writer thread wrote both events");
            List<String> lines = Files.readAllLines(file);
            assertEquals(2, lines.size());
            assertTrue(lines.get(1).contains("\"type\":\"FAILOVER\""), lines.get(1));

            List<JournalEvent> back = Journal.read(file);
            assertEquals(j.events(0, 10), back);
        }
    }

    @Test
    void shouldCountAndSkipBadLinesWhenReading() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = journal(file, 16)) {
            append(j, "A");
            append(j, "B");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(1, "this is not json");
        lines.add(2, "{\"seq\":0,\"type\":\"NO_SEQ\"}");
        lines.add(3, "{\"seq\":7}");
        lines.add("");
        lines.add(lines.get(0).substring(0, 20)); // cut short by a crash
        Files.write(file, lines);

        Journal.Contents contents = Journal.readContents(file);
        assertEquals(4, contents.badLines());
        assertEquals(List.of(1L, 2L), seqs(contents.events()));
        assertEquals(2, Journal.read(file).size());
    }

    @Test
    void shouldContinueAnExistingJournalAfterItsLastSeq() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = journal(file, 16)) {
            append(j, "A");
            append(j, "B");
        }
        Files.writeString(file, "{\"seq\":3,\"ty", StandardOpenOption.APPEND); // crash mid-line
        try (Journal j = journal(file, 16)) {
            assertEquals(2, j.lastSeq());
            assertEquals(3, append(j, "C").seq());
            assertEquals(List.of(1L, 2L, 3L), seqs(j.events(0, 10)));
        }
        Journal.Contents contents = Journal.readContents(file);
        assertEquals(List.of(1L, 2L, 3L), seqs(contents.events()));
        assertEquals(1, contents.badLines());
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).endsWith("\n"));
    }

    @Test
    void shouldKeepSequenceGapFreeUnderContention() throws Exception {
        Path file = dir.resolve("contended.jsonl");
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Journal j = new Journal(file, System::nanoTime, System::currentTimeMillis)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        append(j, "E");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            int total = threads * perThread;
            assertEquals(total, j.lastSeq());
            List<JournalEvent> all = j.events(0, total);
            assertEquals(total, all.size());
            for (int i = 0; i < total; i++) {
                assertEquals(i + 1, all.get(i).seq());
            }
            assertTrue(j.drain(), "the writer thread wrote every event");
            List<JournalEvent> fromFile = Journal.read(file);
            Set<Long> seen = new HashSet<>(seqs(fromFile));
            assertEquals(total, seen.size());
            for (int i = 1; i < fromFile.size(); i++) {
                assertEquals(fromFile.get(i - 1).seq() + 1, fromFile.get(i).seq(), "file order is seq order");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldDescribeAnEventOnOneLine() {
        JournalEvent e = new JournalEvent(12, 0, 0, "FAILOVER", "HEARTBEAT_MISSED", "PRIMARY_SUSPECT",
                "SHADOW_ACTIVE", 2, 500, "B", "shadow took the I/O", Map.of("detectionMs", 60));
        assertEquals("#12 FAILOVER HEARTBEAT_MISSED PRIMARY_SUSPECT->SHADOW_ACTIVE epoch=2 cycle=500 slot=B "
                + "\"shadow took the I/O\" {detectionMs=60}", Journal.describe(e));
    }

    private static List<Long> seqs(List<JournalEvent> events) {
        return events.stream().map(JournalEvent::seq).toList();
    }
}
