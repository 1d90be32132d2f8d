package io.pstr.manager.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pstr.core.status.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The append-only event journal: every transition, fault and recovery the host manager sees, in order.
 *
 * <p>Each {@link #append} assigns the next sequence number (from 1, without gaps), stamps the event with the
 * injected monotonic and wall clocks and keeps it in memory before returning, so that the API and the
 * state machine see it at once. Logging it at INFO as one readable line and writing it to the file as one
 * flushed JSON line are done in order by the journal's own writer thread: an append costs the caller no
 * I/O, no JSON encoding and no logging, because the caller is the host manager's conductor in the middle of
 * a failover, and the next tick must not wait for a disk or a terminal. {@link #drain()} waits until every
 * event appended so far is in the file (in the OS page cache); {@link #close()} drains, then closes. No
 * event is ever dropped: the writer's queue is unbounded (events come tens per second at most).
 *
 * <p>Memory is bounded: {@link #events(long, int)} serves the last {@link #DEFAULT_RING_CAPACITY} events
 * (100 000, a few tens of MB at most; hours of a busy run). Older events are only in the file.
 * If the file cannot be written the event is still kept in memory and logged, the failure is logged at
 * ERROR and counted in {@link #writeFailures()}: a full disk must not stop the failover.
 *
 * <p>Opening an existing non-empty journal file continues it: the sequence resumes after the highest
 * {@code seq} found there and those events are loaded into memory.
 *
 * <p>Thread-safe: appends and reads are serialised on this object; an append costs an allocation and a
 * queue offer. Events, not per-cycle data.
 */
public final class Journal implements AutoCloseable {

    /** How many recent events {@link #events(long, int)} can serve. */
    public static final int DEFAULT_RING_CAPACITY = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;
    private final LongSupplier nanoClock;
    private final LongSupplier epochMsClock;
    private final JournalEvent[] ring;
    private BufferedWriter writer;
    private long lastSeq;
    private final AtomicLong writeFailures = new AtomicLong();
    private boolean closed;
    /** Events waiting for the writer thread, in seq order; {@link #END} ends the thread. */
    private final LinkedBlockingQueue<JournalEvent> toWrite = new LinkedBlockingQueue<>();
    private static final JournalEvent END = new JournalEvent(0, 0, 0, "END", null, null, null, 0, 0, null, null, Map.of());
    /** Seq of the last event the writer thread has finished with (written, or failed and counted). */
    private long writtenSeq;
    private final Object writtenLock = new Object();
    private final Thread writerThread;

    /**
     * @param file         JSON-lines file to write, or null for an in-memory journal
     * @param nanoClock    host monotonic clock in ns (e.g. {@code System::nanoTime})
     * @param epochMsClock wall clock in ms since the epoch (e.g. {@code System::currentTimeMillis})
     * @param ringCapacity how many recent events to keep in memory, at least 1
     * @throws UncheckedIOException when the file cannot be opened (or an existing one read)
     */
    public Journal(Path file, LongSupplier nanoClock, LongSupplier epochMsClock, int ringCapacity) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.epochMsClock = Objects.requireNonNull(epochMsClock, "epochMsClock");
        if (ringCapacity < 1) {
            throw new IllegalArgumentException("ringCapacity must be at least 1, was " + ringCapacity);
        }
        this.ring = new JournalEvent[ringCapacity];
        this.file = file;
        if (file != null) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (Files.exists(file) && Files.size(file) > 0) {
                    resumeFrom(file);
                }
                boolean cutShort = Files.exists(file) && endsWithoutNewline(file);
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                if (cutShort) {
                    // a crash left half a line; end it so the next event starts on its own line
                    writer.newLine();
                    writer.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open journal file " + file + ": " + e.getMessage(), e);
            }
        }
        writtenSeq = lastSeq;
        writerThread = new Thread(this::writeLoop, "journal-writer");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /** A journal with the default ring capacity. */
    public Journal(Path file, LongSupplier nanoClock, LongSupplier epochMsClock) {
        this(file, nanoClock, epochMsClock, DEFAULT_RING_CAPACITY);
    }

    /** An in-memory journal on the system clocks (tests, tools). */
    public static Journal inMemory() {
        return new Journal(null, System::nanoTime, System::currentTimeMillis);
    }

    private static boolean endsWithoutNewline(Path path) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(path, StandardOpenOption.READ)) {
            if (ch.size() == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.position(ch.size() - 1);
            ch.read(last);
            return last.get(0) != '\n';
        }
    }

    private void resumeFrom(Path existing) throws IOException {
        Contents contents = readContents(existing);
        for (JournalEvent e : contents.events()) {
            if (e.seq() > lastSeq) {
                lastSeq = e.seq();
                ring[(int) ((e.seq() - 1) % ring.length)] = e;
            }
        }
        LOG.info("journal {}: continuing after seq {} ({} bad lines skipped)", existing, lastSeq, contents.badLines());
    }

    /**
     * Appends an event and returns it with its sequence number and timestamps.
     *
     * @param type    event type, e.g. {@code FAILOVER}; required, not blank
     * @param figures measured numbers that go with the event; may be null (stored as empty), copied
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized JournalEvent append(String type, String cause, String fromState, String toState,
                                            long epoch, long cycle, String slot, String message,
                                            Map<String, Object> figures) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("journal event type is required");
        }
        if (closed) {
            throw new IllegalStateException("journal is closed");
        }
        Map<String, Object> figuresCopy = figures == null || figures.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        JournalEvent event = new JournalEvent(lastSeq + 1, nanoClock.getAsLong(), epochMsClock.getAsLong(),
                type, cause, fromState, toState, epoch, cycle, slot, message, figuresCopy);
        lastSeq = event.seq();
        ring[(int) ((event.seq() - 1) % ring.length)] = event;
        toWrite.add(event);
        return event;
    }

    /** The writer thread: logs and writes each event in seq order until {@link #END}. */
    private void writeLoop() {
        try {
            for (JournalEvent event = toWrite.take(); event != END; event = toWrite.take()) {
                LOG.info("{}", describe(event));
                if (writer != null) {
                    write(event);
                }
                synchronized (writtenLock) {
                    writtenSeq = event.seq();
                    writtenLock.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("journal {}: writer interrupted with {} events not written", file, toWrite.size());
        }
    }

    private void write(JournalEvent event) {
        try {
            writer.write(JSON.writeValueAsString(event));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            long failures = writeFailures.incrementAndGet();
            LOG.error("journal {}: cannot write event #{} ({} write failures so far): {}",
                    file, event.seq(), failures, e.toString());
        }
    }

    /**
     * Waits until every event appended before this call has been logged and written to the file (or its
     * failure counted).
     *
     * @return false when the writer did not get there within {@code timeoutMs}
     */
    public boolean drain(long timeoutMs) {
        long target;
        synchronized (this) {
            target = lastSeq;
        }
        long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (writtenLock) {
            while (writtenSeq < target) {
                long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000L;
                if (leftMs <= 0 || !writerThread.isAlive()) {
                    return false;
                }
                try {
                    writtenLock.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Waits (up to 10 s) until every event appended so far is in the file. */
    public boolean drain() {
        return drain(10_000);
    }

    /**
     * Events with {@code seq > afterSeq}, oldest first, at most {@code limit}; only the last
     * ring-capacity events are available (older ones are in the file).
     *
     * @param afterSeq negative values are treated as 0
     * @param limit    at least 0
     */
    public synchronized List<JournalEvent> events(long afterSeq, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        long oldestKept = Math.max(1, lastSeq - ring.length + 1);
        long from = Math.max(Math.max(afterSeq, 0) + 1, oldestKept);
        if (from > lastSeq || limit == 0) {
            return List.of();
        }
        long to = Math.min(lastSeq, from + limit - 1);
        List<JournalEvent> out = new ArrayList<>((int) (to - from + 1));
        for (long seq = from; seq <= to; seq++) {
            JournalEvent e = ring[(int) ((seq - 1) % ring.length)];
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** Sequence number of the last event appended, 0 when none. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** Events that could not be written to the file. */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** The journal file, or null for an in-memory journal. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toWrite.add(END);
        }
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writerThread.isAlive()) {
            LOG.error("journal {}: writer still busy after 10 s; {} events not written", file, toWrite.size());
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.error("journal {}: close failed: {}", file, e.toString());
            }
        }
    }

    /** One readable line for a person, e.g. {@code #12 FAILOVER HEARTBEAT_MISSED PRIMARY_SUSPECT->SHADOW_ACTIVE epoch=2 ...}. */
    public static String describe(JournalEvent e) {
        StringBuilder sb = new StringBuilder(128);
        sb.append('#').append(e.seq()).append(' ').append(e.type());
        if (e.cause() != null) {
            sb.append(' ').append(e.cause());
        }
        if (e.fromState() != null || e.toState() != null) {
            sb.append(' ').append(e.fromState() == null ? "?" : e.fromState())
                    .append("->").append(e.toState() == null ? "?" : e.toState());
        }
        sb.append(" epoch=").append(e.epoch()).append(" cycle=").append(e.cycle());
        if (e.slot() != null) {
            sb.append(" slot=").append(e.slot());
        }
        if (e.message() != null && !e.message().isEmpty()) {
            sb.append(" \"").append(e.message()).append('"');
        }
        if (e.figures() != null && !e.figures().isEmpty()) {
            sb.append(' ').append(e.figures());
        }
        return sb.toString();
    }

    /** What {@link #readContents(Path)} found in a journal file. */
    public record Contents(List<JournalEvent> events, long badLines) {
    }

    /**
     * Reads a journal file back; lines that are not a valid event (garbage, a line cut short by a crash,
     * an event without a positive seq or a type) are counted, logged at WARN and skipped.
     */
    public static List<JournalEvent> read(Path path) throws IOException {
        Contents contents = readContents(path);
        if (contents.badLines() > 0) {
            LOG.warn("journal {}: skipped {} bad lines", path, contents.badLines());
        }
        return contents.events();
    }

    /** Like {@link #read(Path)}, with the count of bad lines. */
    public static Contents readContents(Path path) throws IOException {
        List<JournalEvent> events = new ArrayList<>();
        long bad = 0;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JournalEvent e = parseLine(line);
                if (e == null) {
                    bad++;
                } else {
                    events.add(e);
                }
            }
        }
        return new Contents(List.copyOf(events), bad);
    }

    private static JournalEvent parseLine(String line) {
        try {
            JournalEvent e = JSON.readValue(line, JournalEvent.class);
            if (e == null || e.seq() < 1 || e.type() == null || e.type().isBlank()) {
                return null;
            }
            return e.figures() == null
                    ? new JournalEvent(e.seq(), e.monoNs(), e.wallMs(), e.type(), e.cause(), e.fromState(),
                            e.toState(), e.epoch(), e.cycle(), e.slot(), e.message(), Map.of())
                    : e;
        } catch (JsonProcessingException | RuntimeException ex) {
            return null;
        }
    }
}
