package io.pstr.ui;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The JavaFX application: one window bound to a {@link StationModel} fed by a {@link StationConnection}.
 * An {@link AnimationTimer} flushes the model once per displayed frame, so updates arrive in batches at
 * display rate whatever the stream's rate. Configured by {@link #configure} before launch.
 */
public final class GroundStationApp extends Application {

    /** What {@code pstr ui} was asked for. */
    public record Settings(String address, String token, Path screenshots, int width, int height) {
        public Settings {
            Objects.requireNonNull(address, "address");
        }
    }

    private static volatile Settings settings;
    private static volatile int exitCode;

    private StationConnection connection;
    private AnimationTimer timer;

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
        connection = new StationConnection(s.address(), s.token(), model.listener(), Duration.ofSeconds(3),
                Duration.ofSeconds(1));
        GroundStationView view = new GroundStationView(model, connection);
        Scene scene = new Scene(view.root(), s.width(), s.height());
        view.install(scene);
        stage.setTitle("PSTR ground station — " + connection.address());
        stage.setScene(scene);
        stage.setMinWidth(1024);
        stage.setMinHeight(700);
        ScreenshotScript script = s.screenshots() == null ? null : new ScreenshotScript(model, scene, s.screenshots(), connection);
        timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                model.flush();
                if (script != null && script.step(now)) {
                    Platform.exit();
                }
            }
        };
        timer.start();
        stage.show();
        connection.start();
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.stop();
        }
        if (connection != null) {
            connection.close();
        }
    }
}
