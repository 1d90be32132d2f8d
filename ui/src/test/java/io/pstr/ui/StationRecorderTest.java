package io.pstr.ui;

import static io.pstr.ui.Statuses.event;
import static io.pstr.ui.Statuses.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StationRecorderTest {

    /** 2023-11-14T22:13:20Z */
    private static final long T0_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong clockMs = new AtomicLong(T0_MS);
    private final StationRecorder recorder = new StationRecorder(clockMs::get, ZoneOffset.UTC);
    private final List<Object> handedOn = new ArrayList<>();
    private final StationConnection.Listener in = recorder.tee(new StationConnection.Listener() {
        @Override
        public void status(SystemStatus status) {
            handedOn.add(status);
        }

        @Override
        public void event(JournalEvent event) {
            handedOn.add(event);
        }

        @Override
        public void connection(boolean up, String message) {
            handedOn.add(message);
        }

        @Override
        public void managerRestarted() {
            handedOn.add("restarted");
        }
    });

    @AfterEach
    void close() {
        recorder.close();
    }

    @Test
    void shouldRecordEveryStatusAndEventWithItsReceiveTimeAndReadThemBack() throws Exception {
        SystemStatus before = status(500_000_000L, "A", 1, 9, 40);
        in.status(before);
        assertEquals("not recording", recorder.describe());

        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        recorder.onChange(() -> told.add(recorder.describe()));
        Path file = recorder.start(dir.resolve("recordings")).get(5, TimeUnit.SECONDS);
        assertEquals(dir.resolve("recordings").resolve("pstr-station-20231114-221320.jsonl"), file);
        assertTrue(recorder.recording());
        SystemStatus s1 = status(1_000_000_000L, "A", 1, 10, 50);
        JournalEvent e1 = event(5, 3_000_000_000L, "FAULT", "OPERATOR", null,
                "board-unplug: unplug the board link for 3 s (board tcp:127.0.0.1:5760)", Map.of("faultMonoNs", 3_000_000_000L));
        JournalEvent e2 = event(6, 3_001_000_000L, "LINK", "LINK_DOWN", null, "board link down: unplugged for 3000 ms",
                Map.of("downs", 1, "bytesUnwritable", 0));
        SystemStatus s2 = status(3_100_000_000L, "B", 2, 10.5, 200);
        clockMs.set(T0_MS + 1_000);
        in.status(s1);
        clockMs.set(T0_MS + 3_000);
        in.event(e1);
        in.connection(false, "lost");
        clockMs.set(T0_MS + 3_001);
        in.event(e2);
        clockMs.set(T0_MS + 3_100);
        in.status(s2);

        StationRecorder.Summary summary = recorder.stop().get(5, TimeUnit.SECONDS);
        assertEquals(new StationRecorder.Summary(file, 4, 0), summary);
        assertFalse(recorder.recording());
        in.status(status(4_000_000_000L, "B", 2, 11, 250));
        assertEquals("recorded 4 records to pstr-station-20231114-221320.jsonl", recorder.describe());
        assertEquals("recording to pstr-station-20231114-221320.jsonl · 0 records", told.get(0), "told when the file opened");
        assertTrue(told.contains("recording to pstr-station-20231114-221320.jsonl · 4 records"),
                "told once the last record was written, so a display never stays one behind: " + told);
        assertEquals("recorded 4 records to pstr-station-20231114-221320.jsonl", told.get(told.size() - 1), "told when it closed");

        List<StationRecorder.Record> records = StationRecorder.read(file);
        assertEquals(List.of(
                new StationRecorder.Record(T0_MS + 1_000, s1, null),
                new StationRecorder.Record(T0_MS + 3_000, null, e1),
                new StationRecorder.Record(T0_MS + 3_001, null, e2),
                new StationRecorder.Record(T0_MS + 3_100, s2, null)), records,
                "only what came while recording, in order, with the receive time; connection notes are not received data");
        assertEquals(4, Files.readAllLines(file).size());
        assertTrue(Files.readAllLines(file).get(0).startsWith("{\"receivedMs\":1700000001000,\"status\":{"));
        assertEquals(7, handedOn.size(), "everything is handed on to the display, recorded or not");
    }

    @Test
    void shouldStartANewFileEachTimeAndNeverOverwrite() throws Exception {
        Path first = recorder.start(dir).get(5, TimeUnit.SECONDS);
        in.status(status(1_000_000_000L, "A", 1, 10, 50));
        recorder.stop().get(5, TimeUnit.SECONDS);
        Path second = recorder.start(dir).get(5, TimeUnit.SECONDS);
        assertEquals("pstr-station-20231114-221320-2.jsonl", second.getFileName().toString(), "same second: numbered");
        assertTrue(recorder.describe().startsWith("recording to pstr-station-20231114-221320-2.jsonl · 0 records"),
                recorder.describe());
        recorder.stop().get(5, TimeUnit.SECONDS);
        assertEquals(1, StationRecorder.read(first).size());
        assertEquals(0, StationRecorder.read(second).size());
        assertNull(recorder.stop().get(5, TimeUnit.SECONDS), "stopping when not recording is nothing");
    }

    @Test
    void shouldRefuseToRecordWhereNoFileCanBeMadeOrTwiceAtOnce() throws Exception {
        Path aFile = Files.writeString(dir.resolve("not-a-directory"), "x");
        ExecutionException e = assertThrows(ExecutionException.class, () -> recorder.start(aFile).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().startsWith("cannot record in "), e.getCause().getMessage());
        assertFalse(recorder.recording());

        recorder.start(dir).get(5, TimeUnit.SECONDS);
        ExecutionException twice = assertThrows(ExecutionException.class, () -> recorder.start(dir).get(5, TimeUnit.SECONDS));
        assertTrue(twice.getCause().getMessage().startsWith("already recording to "), twice.getCause().getMessage());
    }
}
