package io.pstr.ui;

import java.util.Locale;
import java.util.function.DoubleSupplier;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * The aircraft's track seen from above (north up, east right), from its telemetry, with the mission's
 * waypoints when known, the take-off point and the aircraft with its heading.
 */
final class TrackView extends CanvasPane {

    private final TimeSeries track;
    private final DoubleSupplier yaw;
    private double[][] waypoints = new double[0][];

    TrackView(TimeSeries track, DoubleSupplier yaw) {
        this.track = track;
        this.yaw = yaw;
        getStyleClass().add("track-view");
    }

    /** Waypoints as {north, east} pairs, in flying order. */
    void waypoints(double[][] points) {
        this.waypoints = points.clone();
        redraw();
    }

    @Override
    void draw(GraphicsContext g, double w, double h) {
        g.setFill(Color.web("#11161d"));
        g.fillRect(0, 0, w, h);
        double minN = -5;
        double maxN = 5;
        double minE = -5;
        double maxE = 5;
        for (int k = 0; k < track.size(); k++) {
            minN = Math.min(minN, track.value(0, k));
            maxN = Math.max(maxN, track.value(0, k));
            minE = Math.min(minE, track.value(1, k));
            maxE = Math.max(maxE, track.value(1, k));
        }
        for (double[] p : waypoints) {
            minN = Math.min(minN, p[0]);
            maxN = Math.max(maxN, p[0]);
            minE = Math.min(minE, p[1]);
            maxE = Math.max(maxE, p[1]);
        }
        double margin = 16;
        double span = Math.max(maxN - minN, maxE - minE) * 1.15;
        double scale = Math.min(w - 2 * margin, h - 2 * margin - 14) / span;
        double cN = (maxN + minN) / 2;
        double cE = (maxE + minE) / 2;
        double cx = w / 2;
        double cy = (h + 14) / 2;
        // grid every 10 m
        g.setStroke(Color.web("#1f2833"));
        g.setLineWidth(1);
        for (double n = Math.floor((cN - span) / 10) * 10; n <= cN + span; n += 10) {
            double y = cy - (n - cN) * scale;
            g.strokeLine(0, y, w, y);
        }
        for (double e = Math.floor((cE - span) / 10) * 10; e <= cE + span; e += 10) {
            double x = cx + (e - cE) * scale;
            g.strokeLine(x, 14, x, h);
        }
        g.setFont(Font.font("System", 11));
        g.setFill(Color.web("#c9d1d9"));
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("track from above (N up, grid 10 m)", 6, 2);
        // waypoints
        g.setStroke(Color.web("#8b949e"));
        g.setLineDashes(5, 4);
        g.beginPath();
        g.moveTo(cx - cE * scale, cy + cN * scale);
        for (double[] p : waypoints) {
            g.lineTo(cx + (p[1] - cE) * scale, cy - (p[0] - cN) * scale);
        }
        g.stroke();
        g.setLineDashes((double[]) null);
        g.setFill(Color.web("#8b949e"));
        for (int i = 0; i < waypoints.length; i++) {
            double x = cx + (waypoints[i][1] - cE) * scale;
            double y = cy - (waypoints[i][0] - cN) * scale;
            g.strokeOval(x - 5, y - 5, 10, 10);
            g.fillText("WP" + (i + 1), x + 7, y - 6);
        }
        // take-off point
        double hx = cx - cE * scale;
        double hy = cy + cN * scale;
        g.setStroke(Color.web("#30a46c"));
        g.strokeRect(hx - 5, hy - 5, 10, 10);
        // track
        g.setStroke(Color.web("#4cc2ff"));
        g.setLineWidth(2);
        g.beginPath();
        for (int k = 0; k < track.size(); k++) {
            double x = cx + (track.value(1, k) - cE) * scale;
            double y = cy - (track.value(0, k) - cN) * scale;
            if (k == 0) {
                g.moveTo(x, y);
            } else {
                g.lineTo(x, y);
            }
        }
        g.stroke();
        if (track.size() > 0) {
            int last = track.size() - 1;
            double x = cx + (track.value(1, last) - cE) * scale;
            double y = cy - (track.value(0, last) - cN) * scale;
            double hdg = Double.isFinite(yaw.getAsDouble()) ? yaw.getAsDouble() : 0;
            double dx = Math.sin(hdg);
            double dy = -Math.cos(hdg);
            g.setFill(Color.web("#ffd33d"));
            g.fillPolygon(new double[] {x + dx * 11, x - dy * 6 - dx * 6, x + dy * 6 - dx * 6},
                    new double[] {y + dy * 11, y + dx * 6 - dy * 6, y - dx * 6 - dy * 6}, 3);
            g.setFill(Color.web("#c9d1d9"));
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.BOTTOM);
            g.fillText(String.format(Locale.ROOT, "N %.1f  E %.1f", track.value(0, last), track.value(1, last)), w - 6, h - 4);
        }
    }
}
