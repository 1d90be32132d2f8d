package io.pstr.hilrig;

import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.FramedLink;
import io.pstr.core.link.Links;
import io.pstr.core.link.ListeningLink;
import io.pstr.core.link.SocatPty;
import io.pstr.core.record.BoardRecordWriter;
import io.pstr.core.rt.ThreadPriority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A virtual board on a real link, run by an Agrona agent thread. What {@link BoardMain} starts; tests start it too. */
public final class RunningBoard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningBoard.class);

    private final SocatPty pty;
    private final FramedLink link;
    private final ByteLink tap;
    private final VirtualBoard board;
    private final AgentRunner runner;
    private final String endpointDescription;
    private final Path hostPtyPath;
    private final CountDownLatch closed = new CountDownLatch(1);

    private RunningBoard(SocatPty pty, FramedLink link, ByteLink tap, VirtualBoard board, AgentRunner runner, String endpointDescription) {
        this.pty = pty;
        this.link = link;
        this.tap = tap;
        this.board = board;
        this.runner = runner;
        this.endpointDescription = endpointDescription;
        this.hostPtyPath = pty == null ? null : pty.pathB();
    }

    /**
     * Opens the link ({@code pty:} with no path makes a socat pair in a temporary directory; the board
     * takes one side and {@link #hostPtyPath()} is the other) and starts the board on its own thread.
     */
    public static RunningBoard start(Endpoint endpoint, VirtualBoard.Context ctx, Path recordFile) {
        return start(endpoint, ctx, recordFile, null);
    }

    /**
     * As {@link #start(Endpoint, VirtualBoard.Context, Path)}, and a copy of every frame the board sends also goes to
     * {@code tapEndpoint} (e.g. {@code udp:127.0.0.1:14560} for the FlightGear bridge) when it is not null; the tap's
     * own state never holds up the board's link.
     */
    public static RunningBoard start(Endpoint endpoint, VirtualBoard.Context ctx, Path recordFile, Endpoint tapEndpoint) {
        SocatPty pty = null;
        Endpoint boardSide = endpoint;
        if (endpoint.kind() == Endpoint.Kind.PTY && (endpoint.path() == null || endpoint.path().isEmpty())) {
            try {
                pty = SocatPty.create(Files.createTempDirectory("pstr-board-pty"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a directory for the pty pair", e);
            }
            boardSide = Endpoint.parse("pty:" + pty.pathA()).withOptions(endpoint.options());
        }
        BoardRecordWriter record = recordFile == null ? null : new BoardRecordWriter(recordFile);
        ctx.recordWriter(record);
        // The board's end: the host sends nothing until its replicas fly, so no silence bound unless the endpoint
        // sets one; the tap only sends.
        FramedLink link = FramedLink.open(boardSide.withOptions(boardSide.options().silenceUnlessGiven(0)));
        ByteLink tap = tapEndpoint == null ? null : Links.open(tapEndpoint.withOptions(tapEndpoint.options().silenceUnlessGiven(0)));
        if (tap != null) {
            tap.start((buffer, offset, length, rxNs) -> { });
        }
        NanoClock clock = SystemNanoClock.INSTANCE;
        VirtualBoard board = new VirtualBoard(ctx, (frame, offset, length) -> {
            if (tap != null) {
                tap.write(frame, offset, length);
            }
            return link.write(frame, offset, length, clock.nanoTime()) >= 0;
        });
        link.start(new FramedLink.FrameListener() {
            @Override
            public void onFrame(byte[] frame, int offset, int length, int messageId, long firstNs, long lastNs) {
                // Whole frames that passed the link's checks (and its signature check, when signing).
                board.receive(frame, offset, length);
            }

            @Override
            public void onUp(String description) {
                LOG.info("link up: {}", description);
            }

            @Override
            public void onDown(String reason) {
                LOG.info("link down: {}", reason);
            }
        });
        Agent agent = new Agent() {
            @Override
            public int doWork() {
                return board.doWork(clock.nanoTime());
            }

            @Override
            public String roleName() {
                return "virtual-board";
            }

            @Override
            public void onStart() {
                ThreadPriority.applyToCurrentThread(ctx.priority(), ThreadPriority.BOARD_NICE, "virtual board");
                ThreadPriority.applyToOwnVmThread(ctx.priority(), ThreadPriority.BOARD_NICE);
            }
        };
        // Telemetry is at most 250 Hz: sleeping 1 ms between idle polls keeps a core free for the replicas.
        AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1),
                t -> LOG.error("board agent failed", t), null, agent);
        AgentRunner.startOnThread(runner);
        String description = link.byteLink() instanceof ListeningLink l
                ? boardSide.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ":" + l.boundPort()
                : boardSide.toString();
        return new RunningBoard(pty, link, tap, board, runner, description);
    }

    /** The endpoint the board serves, with the real port for listening links. */
    public String endpointDescription() {
        return endpointDescription;
    }

    /** The pty the host should open, when the board made the pair itself; else null. */
    public Path hostPtyPath() {
        return hostPtyPath;
    }

    public int boundPort() {
        return link.byteLink() instanceof ListeningLink l ? l.boundPort() : -1;
    }

    /** The board's link, with its frame and signing counters. */
    public FramedLink link() {
        return link;
    }

    public BoardCounters counters() {
        return board.counters();
    }

    /** Waits until closed or the timeout passes. @return true if closed */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    /** Stops the agent, flushes the record, closes the link and the pty pair. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        runner.close();
        board.close();
        link.close();
        if (tap != null) {
            tap.close();
        }
        if (pty != null) {
            pty.close();
        }
        closed.countDown();
    }
}
