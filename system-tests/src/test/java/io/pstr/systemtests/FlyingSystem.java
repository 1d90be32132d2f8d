package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;

import io.pstr.core.link.Endpoint;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.record.BoardRecordReader;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.BoardProcess;
import io.pstr.manager.FailbackPolicy;
import io.pstr.manager.FailoverConfig;
import io.pstr.manager.FailoverReport;
import io.pstr.manager.HostManager;
import io.pstr.manager.RunningManager;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.journal.Journal;
import io.pstr.manager.sandbox.Cgroups;
import io.pstr.manager.sandbox.Sandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as a user runs it: the virtual board in its own JVM, the host manager here, two
 * replica JVMs started by it. Faults are real signals; the judge is the board's own record.
 */
final class FlyingSystem implements AutoCloseable {

    /** A slower loop than the 50 Hz default keeps the bounds meaningful on a loaded 2-core CI machine. */
    static final int PERIOD_MS = 40;

    /** Generous for a loaded CI machine: the limits are there, the flight must not feel them. */
    static final Cgroups.Limits REPLICA_LIMITS = new Cgroups.Limits(1.0, 256L << 20);

    final Path dir;
    final BoardProcess board;
    final RunningManager running;
    final Journal journal;
    private long endNs;

    FlyingSystem(String name, long holdOffMs) {
        this(name, holdOffMs, (Endpoint) null, Sandboxes.Mode.PROCESS);
    }

    /** @param gcs a ground station on the side, or null */
    FlyingSystem(String name, long holdOffMs, Endpoint gcs) {
        this(name, holdOffMs, gcs, Sandboxes.Mode.PROCESS);
    }

    /** With the replicas in {@code sandbox}; {@link Sandboxes.Mode#JAIL} fails where jails are impossible. */
    FlyingSystem(String name, long holdOffMs, Sandboxes.Mode sandbox) {
        this(name, holdOffMs, null, sandbox);
    }

    /** @param gcs a ground station on the side, or null; @param sandbox what the replicas run in */
    FlyingSystem(String name, long holdOffMs, Endpoint gcs, Sandboxes.Mode sandbox) {
        this(name, holdOffMs, gcs, sandbox, ctx -> { }, List.of());
    }

    /** With {@code adjust} applied to the host manager's context last (say, a replica on another computer). */
    FlyingSystem(String name, long holdOffMs, java.util.function.Consumer<HostManager.Context> adjust) {
        this(name, holdOffMs, null, Sandboxes.Mode.PROCESS, adjust, List.of());
    }

    /** With {@code boardArgs} on the virtual board's command line (say, {@code --autopilot ardupilot}). */
    FlyingSystem(String name, long holdOffMs, List<String> boardArgs) {
        this(name, holdOffMs, null, Sandboxes.Mode.PROCESS, ctx -> { }, boardArgs);
    }

    private FlyingSystem(String name, long holdOffMs, Endpoint gcs, Sandboxes.Mode sandbox,
            java.util.function.Consumer<HostManager.Context> adjust, List<String> boardArgs) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        dir = Path.of("target", "system-runs", name + "-" + stamp).toAbsolutePath();
        board = BoardProcess.start(Classpaths.board(), dir, boardArgs, 60_000);
        journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        HostManager.Context ctx = new HostManager.Context();
        ctx.board = Endpoint.parse(board.endpoint());
        ctx.runDir = dir;
        ctx.periodMs = PERIOD_MS;
        ctx.failover = FailoverConfig.defaults(PERIOD_MS)
                .withPolicy(FailbackPolicy.REVERTIVE, TimeUnit.MILLISECONDS.toNanos(holdOffMs));
        ctx.launcher = Sandboxes.forReplicas(sandbox, Classpaths.replica(), List.of(), REPLICA_LIMITS);
        ctx.journal = journal;
        ctx.tlog = dir.resolve("board.tlog");
        ctx.gcs = gcs;
        adjust.accept(ctx);
        RunningManager r;
        try {
            r = RunningManager.start(ctx, "127.0.0.1", 0, null);
        } catch (RuntimeException e) {
            board.close();
            throw e;
        }
        running = r;
    }

    SystemStatus status() {
        return running.manager().status();
    }

    /** Waits until the aircraft flies the square (warm JVMs, steady loop), then returns. */
    FlyingSystem awaitCruising() {
        await("aircraft cruising the square").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> status().aircraft().altitudeM() > 9.0 && status().aircraft().northM() > 2.0);
        return this;
    }

    /** The flight log of the board link (as 'pstr demo' records it by default). */
    Path tlog() {
        return dir.resolve("board.tlog");
    }

    List<JournalEvent> events() {
        return journal.events(0, Integer.MAX_VALUE);
    }

    boolean hasEvent(String type, String text) {
        return events().stream().anyMatch(e -> e.type().equals(type) && (text == null || e.message().contains(text)));
    }

    /** Stops everything and returns the failover report computed from the board's record. */
    Map<String, Object> stopAndReport() {
        long originNs = events().stream().filter(e -> "START".equals(e.type()) && e.slot() != null)
                .mapToLong(JournalEvent::monoNs).findFirst().orElse(0);
        close();
        List<BoardRecord> records = new BoardRecordReader().read(board.record());
        return FailoverReport.build(PERIOD_MS, originNs, endNs, events(), records);
    }

    List<BoardRecord> boardRecord() {
        return new BoardRecordReader().read(board.record());
    }

    @SuppressWarnings("unchecked")
    static List<FailoverReport.Failover> failovers(Map<String, Object> report) {
        return (List<FailoverReport.Failover>) report.get("failovers");
    }

    @Override
    public void close() {
        if (endNs == 0) {
            endNs = System.nanoTime();
            running.close();
            board.close();
        }
    }
}
