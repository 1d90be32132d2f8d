package io.pstr.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.channel.ChannelDelay;
import io.pstr.core.status.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The fault buttons in the whole window at 1280x800 (each one shown whole, inside the window) and their
 * shortcuts and confirmation on a panel of their own. No host manager: the model is fed by hand.
 */
@ExtendWith(ApplicationExtension.class)
class FaultPanelUiTest {

    private Stage stage;
    private StationConnection connection;
    private final StationRecorder recorder = new StationRecorder();

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        recorder.close();
    }

    private static StationModel connectedModel() {
        StationModel model = new StationModel();
        model.listener().connection(true, "connected (test)");
        model.listener().status(Statuses.status(1_000_000_000L, "A", 1, 10, 100));
        model.flush();
        return model;
    }

    /** Ten seconds of flight with a failover at 6 s, so that every plot has something to draw (for the snapshot). */
    private static void fly(StationModel model) {
        long ms = 1_000_000;
        StationConnection.Listener in = model.listener();
        in.event(Statuses.event(1, 6_000 * ms, "FAULT", "OPERATOR", "A", "kill-primary: SIGKILL the primary's process", java.util.Map.of()));
        in.event(Statuses.event(2, 6_022 * ms, "FAILOVER", "PROCESS_EXIT", "A", "replica A process exited: B takes the I/O",
                java.util.Map.of("detectMs", 22.1)));
        for (long t = 1_200; t <= 11_000; t += 200) {
            long[] periods = new long[8];
            for (int k = 0; k < 4; k++) {
                long end = t - 150 + 50 * k;
                periods[2 * k] = end * ms;
                periods[2 * k + 1] = end >= 6_000 && end < 6_150 ? 20 + (end - 5_990) : 20 + (end / 50) % 3;
            }
            boolean afterKill = t > 6_000;
            in.status(Statuses.status(t * ms, afterKill ? "B" : "A", afterKill ? 2 : 1, 10 + t / 1000.0, t / 20,
                    Statuses.gaps(periods), new ChannelDelay(63, 40, 38 + (t / 200) % 5, 22, afterKill && t < 8_000 ? 1 : t),
                    new ChannelDelay(63, 35, 31 + (t / 200) % 4, 20, t)));
        }
        model.flush();
    }

    @Test
    void everyFaultButtonShouldShowWholeInsideTheWindowAt1280x800(FxRobot robot) {
        robot.interact(() -> {
            StationModel model = connectedModel();
            fly(model);
            connection = new StationConnection("127.0.0.1:9", null, model.listener(), Duration.ofSeconds(3), Duration.ofSeconds(1));
            GroundStationView view = new GroundStationView(model, connection, recorder, Path.of("target", "ui-recordings"));
            Scene scene = new Scene(view.root(), 1280, 800);
            view.install(scene);
            stage.setScene(scene);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        Scene scene = stage.getScene();
        Snapshots.save(robot, scene, "fault-panel-1280x800");
        List<String> problems = new ArrayList<>();
        for (FaultActions.Action a : FaultActions.ACTIONS) {
            Button b = robot.lookup("#fault-" + a.fault().wireName()).queryAs(Button.class);
            Bounds inScene = b.localToScene(b.getBoundsInLocal());
            if (!b.isVisible() || b.isDisabled()) {
                problems.add(a.label() + " not usable");
            }
            if (inScene.getMinX() < 0 || inScene.getMinY() < 0 || inScene.getMaxX() > scene.getWidth()
                    || inScene.getMaxY() > scene.getHeight()) {
                problems.add(a.label() + " outside the window: " + inScene);
            }
            if (b.getWidth() + 0.5 < b.prefWidth(-1)) {
                problems.add(a.label() + " cut short: " + b.getWidth() + " < " + b.prefWidth(-1));
            }
            assertEquals(a.shortcut().getDisplayText(), ((Label) b.getGraphic()).getText(), "the shortcut on the button");
        }
        for (FaultActions.Group g : FaultActions.Group.values()) {
            Label title = robot.lookup("#fault-group-" + g.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).queryAs(Label.class);
            if (title.getWidth() + 0.5 < title.prefWidth(-1)) {
                problems.add(g.title() + " cut short");
            }
        }
        // the counters under the buttons keep their lines
        for (String id : List.of("#board-link-0", "#board-link-1", "#output-gate-0")) {
            Label counters = robot.lookup(id).queryAs(Label.class);
            if (counters.getHeight() + 0.5 < counters.prefHeight(counters.getWidth())) {
                problems.add(id + " cut short: " + counters.getHeight() + " < " + counters.prefHeight(counters.getWidth()));
            }
        }
        // the four plots keep a usable height, side by side with the buttons, inside the window
        for (String id : List.of("#plot-altitude", "#plot-attitude", "#plot-command-gap", "#plot-channel-latency")) {
            javafx.scene.layout.Region plot = robot.lookup(id).queryAs(javafx.scene.layout.Region.class);
            Bounds at = plot.localToScene(plot.getBoundsInLocal());
            if (!plot.isVisible() || plot.getHeight() + 0.5 < plot.getMinHeight() || plot.getWidth() < 400) {
                problems.add(id + " too small: " + plot.getWidth() + "x" + plot.getHeight());
            }
            if (at.getMinX() < 0 || at.getMinY() < 0 || at.getMaxX() > scene.getWidth() || at.getMaxY() > scene.getHeight()) {
                problems.add(id + " outside the window: " + at);
            }
        }
        assertTrue(problems.isEmpty(), problems.toString());

        Node timeline = robot.lookup("#timeline").query();
        double timelineTop = timeline.localToScene(timeline.getBoundsInLocal()).getMinY();
        robot.clickOn("#fault-board-unplug");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(timelineTop, timeline.localToScene(timeline.getBoundsInLocal()).getMinY(), 0.5,
                "asking moves nothing: the timeline keeps its height");
        Snapshots.save(robot, scene, "fault-panel-confirm-1280x800");
        for (String id : List.of("#confirm-inject", "#confirm-cancel", "#record-toggle", "#fault-kill-primary")) {
            Node n = robot.lookup(id).query();
            Bounds at = n.localToScene(n.getBoundsInLocal());
            assertTrue(n.isVisible() && at.getMaxX() <= scene.getWidth() && at.getMaxY() <= scene.getHeight(), id + " at " + at);
            javafx.scene.control.Control c = (javafx.scene.control.Control) n;
            assertTrue(c.getWidth() + 0.5 >= c.prefWidth(-1), id + " cut short");
        }
        robot.clickOn("#confirm-cancel");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#fault-kill-primary").query().isVisible());
        assertEquals(timelineTop, timeline.localToScene(timeline.getBoundsInLocal()).getMinY(), 0.5);
    }

    @Test
    void everyShortcutShouldAskForItsFaultAndOnlyEnterShouldInjectIt(FxRobot robot) {
        List<Fault> injected = new ArrayList<>();
        robot.interact(() -> {
            StationModel model = connectedModel();
            FaultPanel panel = new FaultPanel(model, injected::add, new ReadOnlyStringWrapper("").getReadOnlyProperty());
            Scene scene = new Scene(panel, 900, 400);
            panel.install(scene, model);
            stage.setScene(scene);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        for (FaultActions.Action a : FaultActions.ACTIONS) {
            press(robot, a.shortcut());
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(robot.lookup("#confirm-bar").query().isVisible(), a.label() + ": the confirmation is up");
            String question = robot.lookup("#confirm-text").queryAs(Label.class).getText();
            assertTrue(question.startsWith(a.fault().wireName() + ": "), question);
            robot.type(KeyCode.ESCAPE);
            WaitForAsyncUtils.waitForFxEvents();
            assertFalse(robot.lookup("#confirm-bar").query().isVisible(), a.label() + ": Escape cancels");
        }
        assertTrue(injected.isEmpty(), "nothing injected without a confirmation: " + injected);

        press(robot, FaultActions.of(Fault.BOARD_UNPLUG).shortcut());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#confirm-text").queryAs(Label.class).getText().contains("board link tcp:127.0.0.1:5760"));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(Fault.BOARD_UNPLUG), injected);
        assertFalse(robot.lookup("#confirm-bar").query().isVisible());
    }

    /** Presses a shortcut's keys (Shortcut is Ctrl here) and lets them go. */
    private static void press(FxRobot robot, KeyCombination shortcut) {
        javafx.scene.input.KeyCodeCombination c = (javafx.scene.input.KeyCodeCombination) shortcut;
        List<KeyCode> keys = new ArrayList<>();
        keys.add(KeyCode.CONTROL);
        if (c.getShift() == KeyCombination.ModifierValue.DOWN) {
            keys.add(KeyCode.SHIFT);
        }
        keys.add(c.getCode());
        KeyCode[] all = keys.toArray(KeyCode[]::new);
        robot.press(all).release(all);
    }
}
