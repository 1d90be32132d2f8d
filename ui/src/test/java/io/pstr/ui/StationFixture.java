package io.pstr.ui;

import java.nio.file.Path;
import java.time.Duration;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The ground station in a TestFX stage, wired as {@link GroundStationApp} wires it. */
final class StationFixture implements AutoCloseable {

    final StationModel model = new StationModel();
    final StationRecorder recorder = new StationRecorder();
    final StationConnection connection;
    final GroundStationView view;

    StationFixture(Stage stage, String address) {
        connection = new StationConnection(address, null, recorder.tee(model.listener()), Duration.ofSeconds(3), Duration.ofMillis(300));
        view = new GroundStationView(model, connection, recorder, Path.of("target", "ui-recordings").toAbsolutePath());
        Scene scene = new Scene(view.root(), 1280, 800);
        view.install(scene);
        stage.setScene(scene);
        model.flushOn(Platform::runLater);
        stage.show();
        connection.start();
    }

    @Override
    public void close() {
        connection.close();
        recorder.close();
    }
}
