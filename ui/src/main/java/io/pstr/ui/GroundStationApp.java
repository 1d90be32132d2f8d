package io.pstr.ui;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The JavaFX application: one window bound to a {@link StationModel} fed by a {@link StationConnection}.
 * The model coalesces what arrives into one {@code Platform.runLater} flush at a time, so updates reach
 * the display in batches at most once per pulse, and an idle display costs nothing. Configured by
 * {@link #configure} before launch.
 */
public final class GroundStationApp extends Application {

    /** What {@code pstr ui} was asked for. */
    public record Settings(String address, String token, Path screenshots, int width, int height, Path recordDir) {
        public Settings {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(recordDir, "recordDir");
        }
    }

    private static volatile Settings settings;
    private static volatile int exitCode;

    private StationConnection connection;
    private StationRecorder recorder;

    static void configure(Settings s) {
        settings = s;
    }

    static int exitCode() {
        return exitCode;
    }

    static void exitCode(int code) {
        exitCode = code;
    }

    @Override
    public void start(Stage stage) {
        Settings s = settings;
        StationModel model = new StationModel();
        recorder = new StationRecorder();
        connection = new StationConnection(s.address(), s.token(), recorder.tee(model.listener()), Duration.ofSeconds(3),
                Duration.ofSeconds(1));
        GroundStationView view = new GroundStationView(model, connection, recorder, s.recordDir());
        Scene scene = new Scene(view.root(), s.width(), s.height());
        view.install(scene);
        stage.setTitle("PSTR ground station — " + connection.address());
        stage.setScene(scene);
        stage.setMinWidth(1024);
        stage.setMinHeight(700);
        ScreenshotScript script = s.screenshots() == null ? null : new ScreenshotScript(model, scene, s.screenshots(), connection);
        model.flushOn(Platform::runLater);
        if (script != null) {
            model.revisionProperty().addListener((o, was, now) -> {
                if (script.step(System.nanoTime())) {
                    Platform.exit();
                }
            });
        }
        stage.show();
        connection.start();
    }

    @Override
    public void stop() {
        if (connection != null) {
            connection.close();
        }
        if (recorder != null) {
            recorder.close(); // a recording in progress is closed whole
        }
    }
}
