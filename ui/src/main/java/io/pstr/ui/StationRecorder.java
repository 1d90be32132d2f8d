package io.pstr.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.api.ApiJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what the ground station receives: every status snapshot and every journal event, as it comes off
 * the push stream (before the display coalesces anything), one JSON line each with the wall-clock time it
 * was received — {@code {"receivedMs":…,"status":{…}}} or {@code {"receivedMs":…,"event":{…}}}, the API's
 * own JSON inside. Files are named by the time recording started ({@code pstr-station-20250102-150405.jsonl}).
 *
 * <p>The connection's threads only queue a record; one writer thread of its own opens, writes, flushes and
 * closes the file, so neither the stream nor the FX thread ever waits for the disk. Past
 * {@link #MAX_BACKLOG} queued records a stalled disk makes records be dropped, and counted, rather than
 * fill the heap.
 */
public final class StationRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StationRecorder.class);
    /** Records waiting for the writer beyond this many are dropped and counted. */
    public static final int MAX_BACKLOG = 10_000;
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    /** One line of a recording: a status or an event (the other is null), and when it was received. */
    public record Record(long receivedMs, SystemStatus status, JournalEvent event) {
    }

    /** What a finished recording holds. */
    public record Summary(Path file, long records, long dropped) {
    }

    /** One file being written. Its writer is touched only on the writer thread. */
    private static final class Session {
        final Path file;
        final BufferedWriter out;
        final AtomicLong written = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        volatile String error;

        Session(Path file, BufferedWriter out) {
            this.file = file;
            this.out = out;
        }
    }

    private final LongSupplier wallClockMs;
    private final ZoneId zone;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pstr-ui-recorder");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger backlog = new AtomicInteger();
    /** The file being written, set and cleared on the writer thread; null while not recording. */
    private volatile Session session;
    /** The last file started, kept after it is stopped so that the display can say what it holds. */
    private volatile Session last;
    private volatile Runnable onChange = () -> { };

    public StationRecorder() {
        this(System::currentTimeMillis, ZoneId.systemDefault());
    }

    /**
     * @param wallClockMs the receive time of each record and the time in file names (Unix epoch ms)
     * @param zone        the zone of the time in file names
     */
    StationRecorder(LongSupplier wallClockMs, ZoneId zone) {
        this.wallClockMs = wallClockMs;
        this.zone = zone;
    }

    /** A listener that records statuses and journal events while recording, and hands everything on to {@code next}. */
    public StationConnection.Listener tee(StationConnection.Listener next) {
        return new StationConnection.Listener() {
            @Override
            public void status(SystemStatus status) {
                offer(status, null);
                next.status(status);
            }

            @Override
            public void event(JournalEvent event) {
                offer(null, event);
                next.event(event);
            }

            @Override
            public void connection(boolean up, String message) {
                next.connection(up, message);
            }

            @Override
            public void managerRestarted() {
                next.managerRestarted();
            }
        };
    }

    private void offer(SystemStatus status, JournalEvent event) {
        Session s = session;
        if (s == null) {
            return;
        }
        long receivedMs = wallClockMs.getAsLong();
        if (backlog.incrementAndGet() > MAX_BACKLOG) {
            backlog.decrementAndGet();
            s.dropped.incrementAndGet();
            return;
        }
        writer.execute(() -> {
            int left = backlog.decrementAndGet();
            if (session == s) { // not one that came just as recording stopped
                write(s, receivedMs, status, event, left == 0);
                if (left == 0) {
                    onChange.run();
                }
            }
        });
    }

    private static void write(Session s, long receivedMs, SystemStatus status, JournalEvent event, boolean flush) {
        if (s.error != null) {
            s.dropped.incrementAndGet();
            return;
        }
        ObjectNode line = ApiJson.MAPPER.createObjectNode();
        line.put("receivedMs", receivedMs);
        if (status != null) {
            line.set("status", ApiJson.MAPPER.valueToTree(status));
        } else {
            line.set("event", ApiJson.MAPPER.valueToTree(event));
        }
        try {
            s.out.write(ApiJson.MAPPER.writeValueAsString(line));
            s.out.newLine();
            if (flush) {
                s.out.flush();
            }
            s.written.incrementAndGet();
        } catch (IOException e) {
            s.error = e.getMessage();
            s.dropped.incrementAndGet();
            LOG.warn("recording to {} failed, nothing more is written to it: {}", s.file, e.toString());
        }
    }

    /**
     * Starts recording into a new file in {@code dir} (made if missing), on the writer thread.
     *
     * @return the file, once open; fails if already recording or if the file cannot be made
     */
    public CompletableFuture<Path> start(Path dir) {
        long startMs = wallClockMs.getAsLong();
        return CompletableFuture.supplyAsync(() -> {
            if (session != null) {
                throw new IllegalStateException("already recording to " + session.file);
            }
            String stem = "pstr-station-" + FILE_TIME.format(Instant.ofEpochMilli(startMs).atZone(zone));
            try {
                Files.createDirectories(dir);
                for (int n = 1; ; n++) {
                    Path file = dir.resolve(n == 1 ? stem + ".jsonl" : stem + "-" + n + ".jsonl");
                    try {
                        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE);
                        Session s = new Session(file, out);
                        last = s;
                        session = s;
                        LOG.info("recording what the station receives to {}", file);
                        onChange.run();
                        return file;
                    } catch (FileAlreadyExistsException e) {
                        // started twice within a second: the next number
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record in " + dir + ": " + e.getMessage(), e);
            }
        }, writer);
    }

    /**
     * Stops recording, on the writer thread: what was received before is written, the file closed.
     *
     * @return what the file holds; null if nothing was being recorded
     */
    public CompletableFuture<Summary> stop() {
        return CompletableFuture.supplyAsync(() -> {
            Session s = session;
            if (s == null) {
                return null;
            }
            session = null;
            try {
                s.out.close();
            } catch (IOException e) {
                if (s.error == null) {
                    s.error = e.getMessage();
                }
                LOG.warn("closing {} failed: {}", s.file, e.toString());
            }
            LOG.info("recorded {} records to {} ({} dropped)", s.written.get(), s.file, s.dropped.get());
            onChange.run();
            return new Summary(s.file, s.written.get(), s.dropped.get());
        }, writer);
    }

    /**
     * Called on the writer thread when what {@link #describe} says may have changed: a file opened or closed,
     * records written with nothing more queued (so at most as often as records come, usually far less).
     */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** Whether a file is open for recording. */
    public boolean recording() {
        return session != null;
    }

    /** The file being (or last) recorded, null if none. */
    public Path file() {
        Session s = last;
        return s == null ? null : s.file;
    }

    /** Records written to the current (or last) file. */
    public long written() {
        Session s = last;
        return s == null ? 0 : s.written.get();
    }

    /** Records dropped from the current (or last) file: backlog full or a write failed. */
    public long dropped() {
        Session s = last;
        return s == null ? 0 : s.dropped.get();
    }

    /** A line for the operator: the file, how many records, and trouble if any. Any thread. */
    public String describe() {
        Session s = last;
        if (s == null) {
            return "not recording";
        }
        String counts = String.format(Locale.ROOT, "%,d records", s.written.get())
                + (s.dropped.get() > 0 ? String.format(Locale.ROOT, ", %,d dropped", s.dropped.get()) : "")
                + (s.error != null ? " — write failed: " + s.error : "");
        return session == s ? "recording to " + s.file.getFileName() + " · " + counts
                : "recorded " + counts + " to " + s.file.getFileName();
    }

    /** Reads a recording back, in the order it was written. */
    public static List<Record> read(Path file) throws IOException {
        List<Record> records = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = ApiJson.MAPPER.readTree(line);
            long receivedMs = node.path("receivedMs").asLong();
            SystemStatus status = node.has("status") ? ApiJson.MAPPER.treeToValue(node.get("status"), SystemStatus.class) : null;
            JournalEvent event = node.has("event") ? ApiJson.MAPPER.treeToValue(node.get("event"), JournalEvent.class) : null;
            records.add(new Record(receivedMs, status, event));
        }
        return records;
    }

    /** Stops recording (closing the file, waiting up to 2 s for the disk) and ends the writer thread. */
    @Override
    public void close() {
        try {
            stop().get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the recording did not close cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.shutdown();
    }
}
