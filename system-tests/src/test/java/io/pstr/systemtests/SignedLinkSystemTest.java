package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.core.link.SocatPty;
import io.pstr.core.mavlink.MavlinkSigning;
import io.pstr.core.status.LinkStatus;
import io.pstr.manager.BoardProcess;
import io.pstr.manager.HostManager;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.RunningManager;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.journal.Journal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The virtual board and the host on a pty serial link with MAVLink 2 signing. */
@Timeout(240)
class SignedLinkSystemTest {

    private Path dir;
    private Path key;

    @BeforeEach
    void setUp() {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        dir = Path.of("target", "system-runs", "signed-" + stamp).toAbsolutePath();
        byte[] secret = new byte[MavlinkSigning.KEY_LENGTH];
        new SecureRandom().nextBytes(secret);
        key = dir.resolve("signing.key");
        dir.toFile().mkdirs();
        MavlinkSigning.writeKey(key, secret);
    }

    private RunningManager manager(BoardProcess board, boolean signed) {
        Endpoint e = Endpoint.parse(board.endpoint());
        if (signed) {
            e = e.withOptions(e.options().withSigning(key, 1));
        }
        HostManager.Context ctx = new HostManager.Context();
        ctx.board = e;
        ctx.runDir = dir.resolve(signed ? "run-signed" : "run");
        ctx.periodMs = FlyingSystem.PERIOD_MS;
        ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(), List.of());
        ctx.journal = new Journal(ctx.runDir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        return RunningManager.start(ctx, "127.0.0.1", 0, null);
    }

    @Test
    void shouldFlyOverASignedSerialLink() {
        try (BoardProcess board = BoardProcess.start(Classpaths.board(), dir.resolve("board"), true,
                List.of("--signing-key", key.toString()), 60_000);
             RunningManager running = manager(board, true)) {
            await("aircraft flying on signed setpoints").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> running.manager().status().aircraft().altitudeM() > 5.0);
            LinkStatus link = running.manager().status().board();
            assertTrue(link.signing(), link.toString());
            assertTrue(link.framesIn() > 100, link.toString());
            assertEquals(0, link.unsignedRefused() + link.badSignatures() + link.replayedRefused(), link.toString());
            assertEquals(0, link.unsignableOut(), link.toString());
            assertTrue(link.endpoint().startsWith("serial:"), link.endpoint());
        }
    }

    @Test
    void shouldRefuseEveryFrameOfAnUnsignedBoard() {
        try (BoardProcess board = BoardProcess.start(Classpaths.board(), dir.resolve("board-unsigned"), true, List.of(), 60_000);
             RunningManager running = manager(board, true)) {
            await("the unsigned board's telemetry refused").atMost(Duration.ofSeconds(60))
                    .until(() -> running.manager().status().board().unsignedRefused() > 50);
            LinkStatus link = running.manager().status().board();
            assertEquals(0, link.framesIn(), "nothing unsigned reaches the replicas: " + link);
            assertEquals(-1, running.manager().status().aircraft().telemetryAgeMs(), "no telemetry accepted");
        }
    }
}
