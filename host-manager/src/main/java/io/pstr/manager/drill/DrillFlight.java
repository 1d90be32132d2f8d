package io.pstr.manager.drill;

import io.pstr.core.link.Endpoint;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.record.BoardRecordReader;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.BoardProcess;
import io.pstr.manager.HostManager;
import io.pstr.manager.RunningManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A whole system flying for a fault campaign: the virtual board in its own JVM, a host manager here,
 * two replica JVMs. Faults are injected one after the other, each from full redundancy; the figures
 * come from the board's record once the flight is over.
 */
public final class DrillFlight implements AutoCloseable {

    private final BoardProcess board;
    private final RunningManager running;
    private final FaultDrill drill;
    private final int periodMs;
    private final List<FaultDrill.Run> runs = new ArrayList<>();
    private boolean closed;

    /**
     * @param context builds the host-manager context for the board's endpoint (this starts the board)
     * @param boardArgs more options for the board (e.g. its failsafe timeout)
     */
    public DrillFlight(String boardClasspath, Path dir, List<String> boardArgs, Function<Endpoint, HostManager.Context> context,
            long recoverTimeoutNs) {
        board = BoardProcess.start(boardClasspath, dir, boardArgs, 60_000);
        HostManager.Context ctx;
        try {
            ctx = context.apply(Endpoint.parse(board.endpoint()));
            running = RunningManager.start(ctx, "127.0.0.1", 0, null);
        } catch (RuntimeException e) {
            board.close();
            throw e;
        }
        periodMs = ctx.periodMs;
        drill = new FaultDrill(running.manager(), periodMs, recoverTimeoutNs, System::nanoTime);
    }

    public RunningManager running() {
        return running;
    }

    public BoardProcess board() {
        return board;
    }

    public SystemStatus status() {
        return running.manager().status();
    }

    /** Waits until the aircraft cruises the square with both replicas in step. */
    public void awaitCruising(long timeoutNs) {
        long deadline = System.nanoTime() + timeoutNs;
        while (!(status().aircraft().altitudeM() > 9.0 && status().aircraft().northM() > 2.0)) {
            if (System.nanoTime() > deadline) {
                throw new FaultDrill.DrillTimeout("the aircraft did not reach the square in time: " + status().state());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        drill.awaitRedundant(25);
    }

    /** Injects one fault from full redundancy and follows it back; {@code progress} hears of each run. */
    public FaultDrill.Run inject(FaultKind kind, Consumer<FaultDrill.Run> progress) {
        drill.awaitRedundant(25);
        FaultDrill.Run run = drill.run(kind);
        runs.add(run);
        progress.accept(run);
        return run;
    }

    public List<FaultDrill.Run> runs() {
        return List.copyOf(runs);
    }

    /** Stops the flight (the board flushes its record) and measures every run from the board's record. */
    public List<DrillMeasure.Row> finish() {
        close();
        List<BoardRecord> record = boardRecord();
        return DrillMeasure.measure(runs, record, periodMs);
    }

    public List<BoardRecord> boardRecord() {
        return new BoardRecordReader().read(board.record());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            running.close();
            board.close();
        }
    }
}
