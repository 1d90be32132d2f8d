package io.pstr.ui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Record toggle in the window at 1280x800, fed as the connection feeds it (through the recorder's tee):
 * it opens a file in the chosen directory, counts what it writes, and the file reads back.
 */
@ExtendWith(ApplicationExtension.class)
class RecordingUiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final StationModel model = new StationModel();
    private final StationRecorder recorder = new StationRecorder();
    private final StationConnection.Listener in = recorder.tee(model.listener());
    private StationConnection connection;

    @Start
    void start(Stage stage) {
        connection = new StationConnection("127.0.0.1:9", null, in, Duration.ofSeconds(3), Duration.ofSeconds(1));
        GroundStationView view = new GroundStationView(model, connection, recorder, dir);
        Scene scene = new Scene(view.root(), 1280, 800);
        view.install(scene);
        stage.setScene(scene);
        model.flushOn(Platform::runLater);
        stage.show();
    }

    @AfterEach
    void stop() {
        connection.close();
        recorder.close();
    }

    private static String text(FxRobot robot) {
        return robot.lookup("#record-status").queryAs(Label.class).getText();
    }

    @Test
    void theRecordToggleShouldWriteWhatArrivesToAFileInTheChosenDirectoryAndCountIt(FxRobot robot) throws Exception {
        in.connection(true, "connected (test)");
        in.status(Statuses.status(1_000_000_000L, "A", 1, 10, 50)); // before recording: shown, not recorded
        WaitForAsyncUtils.waitForFxEvents();
        ToggleButton toggle = robot.lookup("#record-toggle").queryAs(ToggleButton.class);
        Bounds b = toggle.localToScene(toggle.getBoundsInLocal());
        assertTrue(b.getMaxX() <= 1280 && b.getMaxY() <= 800, "inside the window: " + b);
        assertEquals("not recording", text(robot));

        robot.clickOn("#record-toggle");
        await("recording").atMost(WAIT).until(recorder::recording);
        in.status(Statuses.status(1_200_000_000L, "A", 1, 10.2, 60));
        in.event(Statuses.event(7, 1_300_000_000L, "LINK", "LINK_DOWN", null, "board link down", Map.of("downs", 1)));
        in.status(Statuses.status(1_400_000_000L, "A", 1, 10.4, 70));
        await("the count shown").atMost(WAIT).until(() -> text(robot).matches("recording to pstr-station-\\d{8}-\\d{6}\\.jsonl · 3 records"));
        Snapshots.save(robot, toggle.getScene(), "recording-1280x800");

        robot.clickOn("#record-toggle");
        await("stopped").atMost(WAIT).until(() -> text(robot).startsWith("recorded 3 records to pstr-station-"));
        Path file = recorder.file();
        assertEquals(dir, file.getParent());
        List<StationRecorder.Record> records = StationRecorder.read(file);
        assertEquals(3, records.size());
        assertEquals(10.2, records.get(0).status().aircraft().altitudeM());
        assertEquals("LINK_DOWN", records.get(1).event().cause());
        assertEquals(70, records.get(2).status().gate().outputsSent());
        assertTrue(records.get(0).receivedMs() > 0 && records.get(2).receivedMs() >= records.get(0).receivedMs());
    }
}
