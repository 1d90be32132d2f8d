package io.pstr.manager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.link.ListeningLink;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.LinkStatus;
import io.pstr.manager.api.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board-unplug fault through the control API on a real host manager (conductor, board link, API server)
 * against a board end listening on loopback TCP. No replica runs: the launcher hands out sandboxes that never
 * start, which a board fault does not need.
 */
@Timeout(60)
class BoardUnplugTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** The board's end of the link: counts the host's connections and hears what it writes. */
    private static final class BoardEnd implements LinkListener {
        final AtomicInteger ups = new AtomicInteger();
        final AtomicInteger downs = new AtomicInteger();

        @Override
        public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
        }

        @Override
        public void onUp(String description) {
            ups.incrementAndGet();
        }

        @Override
        public void onDown(String reason) {
            downs.incrementAndGet();
        }
    }

    /** Sandboxes that never run a replica (and signal nothing when the state machine gives up on them). */
    private static final class IdleLauncher implements SandboxLauncher {
        @Override
        public Sandbox launch(Slot slot, int incarnation, ReplicaFiles files) {
            return new Sandbox() {
                private volatile boolean alive = true;

                @Override
                public long pid() {
                    return -1;
                }

                @Override
                public boolean isAlive() {
                    return alive;
                }

                @Override
                public void kill() {
                    alive = false;
                }

                @Override
                public void stop() {
                }

                @Override
                public void resume() {
                }
            };
        }

        @Override
        public String kind() {
            return "process";
        }
    }

    @Test
    void shouldUnplugTheBoardLinkThroughTheApiAndReconnectOnlyAfterThreeSeconds() {
        BoardEnd boardEnd = new BoardEnd();
        try (ListeningLink board = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            board.start(boardEnd);
            HostManager.Context ctx = new HostManager.Context();
            ctx.board = Endpoint.parse("tcp:127.0.0.1:" + board.boundPort());
            ctx.runDir = dir.resolve("run");
            ctx.launcher = new IdleLauncher();
            try (RunningManager running = RunningManager.start(ctx, "127.0.0.1", 0, null)) {
                ApiClient api = new ApiClient(ApiClient.parseAddress(running.api().address()), null, ApiClient.DEFAULT_TIMEOUT);
                await("the host connected").atMost(WAIT).until(() -> api.status().board().up() && boardEnd.ups.get() == 1);

                JournalEvent fault = api.injectFault(Fault.BOARD_UNPLUG);
                assertEquals("FAULT", fault.type());
                assertTrue(fault.message().startsWith("board-unplug: "), fault.message());
                assertNull(fault.slot(), "a board fault names no replica");
                long faultNs = ((Number) fault.figures().get("faultMonoNs")).longValue();

                await("the board link down").atMost(WAIT).until(() -> !api.status().board().up() && boardEnd.downs.get() == 1);
                JournalEvent down = linkEvent(api, fault.seq(), "LINK_DOWN");
                assertTrue(down.message().contains("unplugged for 3000 ms"), down.message());
                byte[] frame = "setpoint".getBytes(StandardCharsets.US_ASCII);
                assertEquals(-1, running.manager().boardLink().write(frame, 0, frame.length, System.nanoTime()),
                        "nothing reaches an unplugged board");

                await("no reconnection before the 3 s are over").during(Duration.ofMillis(2_000)).atMost(Duration.ofMillis(2_900))
                        .until(() -> boardEnd.ups.get() == 1 && !running.manager().status().board().up());
                await("the usual reconnect afterwards").atMost(WAIT)
                        .until(() -> api.status().board().up() && boardEnd.ups.get() == 2);
                JournalEvent up = linkEvent(api, down.seq(), "LINK_UP");
                assertTrue(up.monoNs() - faultNs >= TimeUnit.SECONDS.toNanos(3),
                        "up again " + (up.monoNs() - faultNs) / 1_000_000 + " ms after the fault");
                assertEquals(1, api.status().board().downs());
                assertTrue(running.manager().boardLink().write(frame, 0, frame.length, System.nanoTime()) > 0);
            }
        }
    }

    @Test
    void shouldReportABoardThatSaysNothingAsSilentInTheStatus() {
        BoardEnd boardEnd = new BoardEnd(); // accepts the host and never sends a byte
        try (ListeningLink board = (ListeningLink) Links.open(Endpoint.parse("tcp-listen:0"))) {
            board.start(boardEnd);
            HostManager.Context ctx = new HostManager.Context();
            ctx.board = Endpoint.parse("tcp:127.0.0.1:" + board.boundPort() + ",silence-ms=300");
            ctx.runDir = dir.resolve("run");
            ctx.launcher = new IdleLauncher();
            try (RunningManager running = RunningManager.start(ctx, "127.0.0.1", 0, null)) {
                ApiClient api = new ApiClient(ApiClient.parseAddress(running.api().address()), null, ApiClient.DEFAULT_TIMEOUT);
                // The silence is counted when it is seen, the down once the connection has closed, on the link's thread:
                // a status read in between shows the one without the other.
                LinkStatus link = await("a silence counted in the status, and the down it caused").atMost(WAIT)
                        .until(() -> api.status().board(), l -> l.silences() >= 1 && l.downs() >= 1);
                assertTrue(link.lastDownReason() != null && link.lastDownReason().contains("silent for"), link.toString());
                assertEquals(0, link.sendStalls(), "the board reads what it is sent");
                await("reconnected after the silence").atMost(WAIT).until(() -> boardEnd.ups.get() >= 2);
            }
        }
    }

    /** The first LINK event of this cause after that journal entry, once it is there. */
    private static JournalEvent linkEvent(ApiClient api, long afterSeq, String cause) {
        return await(cause + " in the journal").atMost(WAIT).until(() -> first(api.events(afterSeq, 1_000), cause),
                java.util.Optional::isPresent).orElseThrow();
    }

    private static java.util.Optional<JournalEvent> first(List<JournalEvent> events, String cause) {
        return events.stream().filter(e -> "LINK".equals(e.type()) && cause.equals(e.cause())).findFirst();
    }
}
