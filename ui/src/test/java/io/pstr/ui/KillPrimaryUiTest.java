package io.pstr.ui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.manager.BoardProcess;
import io.pstr.manager.FailbackPolicy;
import io.pstr.manager.FailoverConfig;
import io.pstr.manager.HostManager;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.RunningManager;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The ground station against the real system: the virtual board in its own JVM, the host manager here
 * with its API on an ephemeral port, two replica JVMs. The operator presses "Kill primary" and confirms;
 * the primary's process really gets SIGKILL, and the window must show the shadow holding the I/O and the
 * failover, with its detection time, in the timeline.
 */
@ExtendWith(ApplicationExtension.class)
class KillPrimaryUiTest {

    /** The system tests' slower loop keeps a loaded 2-core machine in step. */
    private static final int PERIOD_MS = 40;

    private BoardProcess board;
    private RunningManager running;
    private StationFixture station;

    @Start
    void start(Stage stage) {
        Path dir = Path.of("target", "ui-runs", "kill-primary-" + System.currentTimeMillis()).toAbsolutePath();
        board = BoardProcess.start(Classpaths.board(), dir, List.of(), 60_000);
        HostManager.Context ctx = new HostManager.Context();
        ctx.board = Endpoint.parse(board.endpoint());
        ctx.runDir = dir;
        ctx.periodMs = PERIOD_MS;
        // a long hold-off so that the shadow still holds the I/O when the window is checked
        ctx.failover = FailoverConfig.defaults(PERIOD_MS).withPolicy(FailbackPolicy.REVERTIVE, TimeUnit.SECONDS.toNanos(60));
        ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(), List.of());
        ctx.journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        try {
            running = RunningManager.start(ctx, "127.0.0.1", 0, null);
        } catch (RuntimeException e) {
            board.close();
            throw e;
        }
        station = new StationFixture(stage, running.api().address());
    }

    @AfterEach
    void stop() {
        if (station != null) {
            station.close();
        }
        if (running != null) {
            running.close();
        }
        if (board != null) {
            board.close();
        }
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void pressingKillPrimaryShowsTheShadowHoldingTheIoAndTheFailoverWithItsFigures(FxRobot robot) {
        await("the aircraft flying, the primary A holding the I/O").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> running.manager().status().aircraft().altitudeM() > 5
                        && "A".equals(running.manager().status().holder())
                        && "RUNNING".equals(running.manager().status().replicas().get(1).health()));
        await().atMost(Duration.ofSeconds(20)).until(() -> station.model.replicaA().holderProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(text(robot, "#holder-A").startsWith("HOLDS THE I/O"), text(robot, "#holder-A"));
        long pidA = running.manager().status().replicas().get(0).pid();
        assertTrue(text(robot, "#process-A").contains("pid " + pidA), text(robot, "#process-A"));

        robot.clickOn("#fault-kill-primary");
        robot.clickOn("#confirm-inject");

        await("the holder panel switched to the shadow").atMost(Duration.ofSeconds(30))
                .until(() -> station.model.replicaB().holderProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        String holderB = text(robot, "#holder-B");
        assertTrue(holderB.startsWith("HOLDS THE I/O · epoch "), holderB);
        assertFalse(text(robot, "#holder-A").startsWith("HOLDS"), text(robot, "#holder-A"));
        await("the failover in the timeline with its figures").atMost(Duration.ofSeconds(10))
                .until(() -> station.model.timeline().stream().anyMatch(e -> "FAILOVER".equals(e.type())
                        && "PROCESS_EXIT".equals(e.cause()) && e.figures().contains("detectMs=")));
        assertTrue(station.model.timeline().stream().anyMatch(e -> "FAULT".equals(e.type())
                && e.message().startsWith("kill-primary") && e.message().contains("pid " + pidA)), "the fault, with the pid killed");
        assertTrue(ProcessHandle.of(pidA).map(h -> !h.isAlive()).orElse(true), "the primary's process is really gone");
        assertTrue(station.model.markers().stream().anyMatch(m -> "FAILOVER".equals(m.type())), "marked on the plots' time axis");
        Snapshots.save(robot, station.view.root().getScene(), "real-system-after-kill");
    }
}
