package io.pstr.ui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.core.status.SystemStatus;
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
 * failover, with its detection time, in the timeline. Before that, the plots must have the host's command gap
 * at the board link (about one period) and both replicas' channel latency.
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
        // revertive, so that the primary holds the I/O again soon after any hiccup of a loaded machine; the
        // killed primary's restart and resynchronisation keep the shadow holding long enough to be seen
        ctx.failover = FailoverConfig.defaults(PERIOD_MS).withPolicy(FailbackPolicy.REVERTIVE, TimeUnit.SECONDS.toNanos(2));
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
        await("the primary holding the I/O, the shadow in step").atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> primaryHoldsAndShadowInStep(running.manager().status()));
        SystemStatus before = running.manager().status();
        String primary = before.primary();
        String shadow = "A".equals(primary) ? "B" : "A";
        long primaryPid = before.replicas().stream().filter(r -> r.slot().equals(primary)).findFirst().orElseThrow().pid();
        ReplicaModel primaryPanel = "A".equals(primary) ? station.model.replicaA() : station.model.replicaB();
        ReplicaModel shadowPanel = "A".equals(primary) ? station.model.replicaB() : station.model.replicaA();
        await().atMost(Duration.ofSeconds(20)).until(() -> primaryPanel.holderProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(text(robot, "#holder-" + primary).startsWith("HOLDS THE I/O"), text(robot, "#holder-" + primary));
        assertTrue(text(robot, "#process-" + primary).contains("pid " + primaryPid), text(robot, "#process-" + primary));
        // the host's command gap at the board link, one point per 50 ms period, and both replicas' channel latency
        await("the command gap and both replicas' channel latency plotted").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> onFx(robot, () -> finite(station.model.commandGaps(), 0).size() >= 20
                        && !finite(station.model.channelLatency(), 0).isEmpty()
                        && !finite(station.model.channelLatency(), 1).isEmpty()));
        List<Double> gaps = onFx(robot, () -> finite(station.model.commandGaps(), 0));
        double medianGapMs = gaps.stream().sorted().toList().get(gaps.size() / 2);
        assertTrue(medianGapMs >= PERIOD_MS / 2.0 && medianGapMs <= 2.5 * PERIOD_MS,
                "one output a period at the board link: median gap " + medianGapMs + " ms of " + gaps);
        for (int replica = 0; replica < 2; replica++) {
            int channel = replica;
            List<Double> latencyUs = onFx(robot, () -> finite(station.model.channelLatency(), channel));
            assertTrue(latencyUs.stream().allMatch(us -> us > 0), "channel latency of replica " + replica + ": " + latencyUs);
        }

        robot.clickOn("#fault-kill-primary");
        await("the confirmation").atMost(Duration.ofSeconds(20)).until(() -> robot.lookup("#confirm-bar").query().isVisible());
        // The bar is shown; let its layout pass run before the robot computes where its button is.
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#confirm-inject");

        await("the holder panel switched to the shadow").atMost(Duration.ofSeconds(30))
                .until(() -> shadowPanel.holderProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        String holderText = text(robot, "#holder-" + shadow);
        assertTrue(holderText.startsWith("HOLDS THE I/O · epoch "), holderText);
        // A FAILOVER event names the replica that takes the I/O.
        await("the failover in the timeline with its figures").atMost(Duration.ofSeconds(10))
                .until(() -> station.model.timeline().stream().anyMatch(e -> "FAILOVER".equals(e.type())
                        && "PROCESS_EXIT".equals(e.cause()) && shadow.equals(e.slot()) && e.figures().contains("detectMs=")));
        assertTrue(station.model.timeline().stream().anyMatch(e -> "FAULT".equals(e.type())
                && e.message().startsWith("kill-primary") && e.message().contains("pid " + primaryPid)), "the fault, with the pid killed");
        assertTrue(ProcessHandle.of(primaryPid).map(h -> !h.isAlive()).orElse(true), "the primary's process is really gone");
        assertTrue(station.model.markers().stream().anyMatch(m -> "FAILOVER".equals(m.type())), "marked on the plots' time axis");
        Snapshots.save(robot, station.view.root().getScene(), "real-system-after-kill");
    }

    /** The finite values of one channel of a plot's series. */
    private static List<Double> finite(TimeSeries series, int channel) {
        List<Double> values = new java.util.ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            double v = series.value(channel, k);
            if (Double.isFinite(v)) {
                values.add(v);
            }
        }
        return values;
    }

    /** Reads the view model on the FX thread, which owns it. */
    private static <T> T onFx(FxRobot robot, java.util.function.Supplier<T> read) {
        java.util.concurrent.atomic.AtomicReference<T> value = new java.util.concurrent.atomic.AtomicReference<>();
        robot.interact(() -> value.set(read.get()));
        return value.get();
    }

    private static boolean primaryHoldsAndShadowInStep(SystemStatus s) {
        return s.holder() != null && s.holder().equals(s.primary()) && s.replicas().stream()
                .allMatch(r -> "RUNNING".equals(r.health()) && r.pid() > 0);
    }
}
