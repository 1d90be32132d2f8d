package io.pstr.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pstr ui --screenshots DIR}: watches a demo fly and photographs the window three times —
 * {@code flying.png} at cruise, {@code failover.png} just after the first failover (the shadow holds the
 * I/O), {@code failback.png} after the I/O went back to the primary — then quits. Runs on the FX thread,
 * one step per frame; the PNGs are encoded and written on the connection's command thread.
 */
final class ScreenshotScript {

    private static final Logger LOG = LoggerFactory.getLogger(ScreenshotScript.class);
    private static final long SETTLE_NS = TimeUnit.MILLISECONDS.toNanos(700);

    private enum Stage { FLYING, FAILOVER, FAILBACK, DONE }

    private final StationModel model;
    private final Scene scene;
    private final Path dir;
    private final StationConnection connection;
    private Stage stage = Stage.FLYING;
    private long seenAtNs = Long.MIN_VALUE;
    private int writesPending;
    private long failoverSeq = -1;

    ScreenshotScript(StationModel model, Scene scene, Path dir, StationConnection connection) {
        this.model = model;
        this.scene = scene;
        this.dir = dir;
        this.connection = connection;
    }

    /** One frame; true when every screenshot is written and the application may quit. */
    boolean step(long nowNs) {
        switch (stage) {
            case FLYING -> {
                if (model.connectedProperty().get() && model.altitudeProperty().get() > 8 && "A".equals(model.holderProperty().get())
                        && model.plots().size() > 20) {
                    shoot("flying.png");
                    stage = Stage.FAILOVER;
                }
            }
            case FAILOVER -> {
                if (failoverSeq < 0) {
                    for (TimelineEntry e : model.timeline()) {
                        if ("FAILOVER".equals(e.type())) {
                            failoverSeq = e.seq();
                            seenAtNs = nowNs;
                        }
                    }
                } else if (nowNs - seenAtNs > SETTLE_NS) {
                    shoot("failover.png");
                    stage = Stage.FAILBACK;
                    seenAtNs = Long.MIN_VALUE;
                }
            }
            case FAILBACK -> {
                if (seenAtNs == Long.MIN_VALUE) {
                    for (TimelineEntry e : model.timeline()) {
                        if ("FAILBACK".equals(e.type()) && e.seq() > failoverSeq) {
                            seenAtNs = nowNs;
                        }
                    }
                } else if (nowNs - seenAtNs > 2 * SETTLE_NS) {
                    shoot("failback.png");
                    stage = Stage.DONE;
                }
            }
            case DONE -> {
                return writesPending == 0;
            }
        }
        return false;
    }

    private void shoot(String name) {
        WritableImage image = scene.snapshot(null);
        BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
        Path file = dir.resolve(name);
        writesPending++;
        connection.command(() -> {
            try {
                Files.createDirectories(dir);
                ImageIO.write(buffered, "png", file.toFile());
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).whenComplete((f, failure) -> javafx.application.Platform.runLater(() -> {
            writesPending--;
            if (failure != null) {
                LOG.error("cannot write {}: {}", file, failure.getMessage());
                GroundStationApp.exitCode(1);
            } else {
                System.out.println("screenshot " + file);
            }
        }));
    }
}
