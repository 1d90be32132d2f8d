package io.pstr.ui;

import java.util.Locale;
import java.util.function.DoubleSupplier;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.shape.ArcType;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;

/** An artificial horizon: sky and ground rolled and pitched, a fixed aircraft symbol, heading below. */
final class AttitudeIndicator extends CanvasPane {

    private static final double PIXELS_PER_DEGREE_OF_VIEW = 1.0 / 60; // of the radius

    private final DoubleSupplier roll;
    private final DoubleSupplier pitch;
    private final DoubleSupplier yaw;

    AttitudeIndicator(DoubleSupplier roll, DoubleSupplier pitch, DoubleSupplier yaw) {
        this.roll = roll;
        this.pitch = pitch;
        this.yaw = yaw;
        getStyleClass().add("attitude-indicator");
        setMinSize(120, 120);
    }

    @Override
    void draw(GraphicsContext g, double w, double h) {
        double r = Math.min(w, h - 16) / 2 - 4;
        if (r < 10) {
            return;
        }
        double cx = w / 2;
        double cy = r + 4;
        double rollDeg = Math.toDegrees(finite(roll.getAsDouble()));
        double pitchDeg = Math.toDegrees(finite(pitch.getAsDouble()));
        double shift = pitchDeg * PIXELS_PER_DEGREE_OF_VIEW * r * 2;
        g.save();
        g.beginPath();
        g.arc(cx, cy, r, r, 0, 360);
        g.closePath();
        g.clip();
        Affine t = new Affine();
        t.appendTranslation(cx, cy);
        t.appendRotation(-rollDeg);
        g.setTransform(t);
        g.setFill(Color.web("#2f81f7"));
        g.fillRect(-2 * r, -3 * r + shift, 4 * r, 3 * r);
        g.setFill(Color.web("#8a5a2b"));
        g.fillRect(-2 * r, shift, 4 * r, 3 * r);
        g.setStroke(Color.WHITE);
        g.setLineWidth(1.5);
        g.strokeLine(-2 * r, shift, 2 * r, shift);
        g.setLineWidth(1);
        g.setFont(Font.font("System", 9));
        g.setFill(Color.WHITE);
        g.setTextBaseline(VPos.CENTER);
        for (int p = -30; p <= 30; p += 10) {
            if (p == 0) {
                continue;
            }
            double y = shift - p * PIXELS_PER_DEGREE_OF_VIEW * r * 2;
            double half = r * 0.25;
            g.strokeLine(-half, y, half, y);
            g.fillText(Integer.toString(Math.abs(p)), half + 3, y);
        }
        g.restore();
        // fixed aircraft symbol and bezel
        g.setStroke(Color.web("#ffd33d"));
        g.setLineWidth(3);
        g.strokeLine(cx - r * 0.5, cy, cx - r * 0.15, cy);
        g.strokeLine(cx + r * 0.15, cy, cx + r * 0.5, cy);
        g.fillOval(cx - 3, cy - 3, 6, 6);
        g.setStroke(Color.web("#30363d"));
        g.setLineWidth(2);
        g.strokeArc(cx - r, cy - r, 2 * r, 2 * r, 0, 360, ArcType.OPEN);
        g.setFill(Color.web("#c9d1d9"));
        g.setFont(Font.font("System", 11));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        g.fillText(String.format(Locale.ROOT, "roll %+.1f°  pitch %+.1f°  hdg %03.0f°", rollDeg, pitchDeg,
                (Math.toDegrees(finite(yaw.getAsDouble())) + 360) % 360), cx, cy + r + 2);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
