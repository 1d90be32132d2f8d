package io.pstr.ui;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A live plot of some channels of a {@link TimeSeries} over its sliding window, with failover, failback
 * and fault markers on the time axis. Redrawn by the owner after each batch of updates.
 */
final class StripChart extends CanvasPane {

    static final Color FAILOVER = Color.web("#e5484d");
    static final Color FAILBACK = Color.web("#30a46c");
    static final Color FAULT = Color.web("#f5a524");
    private static final Color[] COLOURS = {Color.web("#4cc2ff"), Color.web("#c084fc"), Color.web("#fbbf24")};
    private static final Color REFERENCE = Color.web("#e6edf3");
    private static final Font FONT = Font.font("System", 11);

    private final String title;
    private final TimeSeries series;
    private final int[] channels;
    private final List<StationModel.Marker> markers;
    private final double minSpan;
    private boolean fromZero;
    private boolean timeLabels = true;
    private String referenceLabel;
    private DoubleSupplier reference;

    StripChart(String title, TimeSeries series, List<StationModel.Marker> markers, double minSpan, int... channels) {
        this.title = title;
        this.series = series;
        this.markers = markers;
        this.minSpan = minSpan;
        this.channels = channels.clone();
        getStyleClass().add("strip-chart");
    }

    /** Without the seconds under the time axis: plots stacked on one time axis label only the lowest. */
    StripChart withoutTimeLabels() {
        this.timeLabels = false;
        return this;
    }

    /** The value axis always takes in 0 (for magnitudes: a gap, a delay). */
    StripChart fromZero() {
        this.fromZero = true;
        return this;
    }

    /**
     * A dashed horizontal line at {@code value} (read at each redraw; not drawn while it is not positive and
     * finite), always inside the value axis, with {@code label} formatted with the value in the legend.
     */
    StripChart reference(String label, DoubleSupplier value) {
        this.referenceLabel = label;
        this.reference = value;
        return this;
    }

    /** The reference line's value now, or NaN when there is none to draw. */
    double referenceValue() {
        double v = reference == null ? Double.NaN : reference.getAsDouble();
        return Double.isFinite(v) && v > 0 ? v : Double.NaN;
    }

    @Override
    void draw(GraphicsContext g, double w, double h) {
        double left = 44;
        double right = 8;
        double top = 18;
        double bottom = timeLabels ? 16 : 4;
        double pw = w - left - right;
        double ph = h - top - bottom;
        g.setFill(Color.web("#11161d"));
        g.fillRect(0, 0, w, h);
        g.setFont(FONT);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(Color.web("#c9d1d9"));
        g.fillText(title, 6, 3);
        g.setTextAlign(TextAlignment.RIGHT);
        double x = w - right;
        double ref = referenceValue();
        if (!Double.isNaN(ref)) {
            g.setFill(REFERENCE);
            g.fillText("- - " + String.format(Locale.ROOT, referenceLabel, ref), x, 3);
            x -= 110;
        }
        for (int i = channels.length - 1; i >= 0; i--) {
            g.setFill(COLOURS[i % COLOURS.length]);
            g.fillText("■ " + series.name(channels[i]), x, 3);
            x -= 90;
        }
        g.setTextAlign(TextAlignment.LEFT);
        if (pw < 10 || ph < 10) {
            return;
        }
        double tEnd = series.size() == 0 ? series.windowS() : Math.max(series.lastTime(), series.windowS());
        double tStart = tEnd - series.windowS();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < series.size(); k++) {
            for (int c : channels) {
                double v = series.value(c, k);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            lo = 0;
            hi = minSpan;
        }
        if (!Double.isNaN(ref)) {
            lo = Math.min(lo, ref);
            hi = Math.max(hi, ref);
        }
        if (fromZero) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, lo + minSpan);
        }
        if (hi - lo < minSpan) {
            double mid = (hi + lo) / 2;
            lo = mid - minSpan / 2;
            hi = mid + minSpan / 2;
        }
        double pad = (hi - lo) * 0.08;
        lo = fromZero && lo >= 0 ? 0 : lo - pad;
        hi += pad;
        // grid and labels
        g.setStroke(Color.web("#263040"));
        g.setLineWidth(1);
        g.setFill(Color.web("#8b949e"));
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        // a label every 14 px at least, or they run into each other on a short plot
        int divisions = ph >= 56 ? 4 : 2;
        for (int i = 0; i <= divisions; i++) {
            double v = lo + (hi - lo) * i / divisions;
            double y = top + ph - ph * i / divisions;
            g.strokeLine(left, y, left + pw, y);
            g.fillText(String.format(Locale.ROOT, Math.abs(hi - lo) < 10 ? "%.1f" : "%.0f", v), left - 4, y);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (double t = Math.ceil(tStart / 10) * 10; t <= tEnd; t += 10) {
            double px = left + (t - tStart) / (tEnd - tStart) * pw;
            g.strokeLine(px, top, px, top + ph);
            if (timeLabels) {
                g.fillText(String.format(Locale.ROOT, "%.0f s", t), px, top + ph + 2);
            }
        }
        // markers
        for (StationModel.Marker m : markers) {
            if (!(m.timeS() >= tStart && m.timeS() <= tEnd)) {
                continue;
            }
            double px = left + (m.timeS() - tStart) / (tEnd - tStart) * pw;
            Color c = "FAILOVER".equals(m.type()) ? FAILOVER : "FAILBACK".equals(m.type()) ? FAILBACK : FAULT;
            g.setStroke(c);
            g.setLineWidth(2);
            g.setLineDashes("FAULT".equals(m.type()) ? new double[] {4, 3} : null);
            g.strokeLine(px, top, px, top + ph);
            g.setLineDashes((double[]) null);
            g.setFill(c);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(m.label(), px + 3, top + 2 + ("FAULT".equals(m.type()) ? 12 : 0));
        }
        if (!Double.isNaN(ref)) {
            double py = top + ph - (ref - lo) / (hi - lo) * ph;
            g.setStroke(REFERENCE);
            g.setLineWidth(1);
            g.setLineDashes(6, 4);
            g.strokeLine(left, py, left + pw, py);
            g.setLineDashes((double[]) null);
        }
        // series
        g.setLineWidth(1.6);
        for (int i = 0; i < channels.length; i++) {
            int c = channels[i];
            g.setStroke(COLOURS[i % COLOURS.length]);
            g.beginPath();
            boolean pen = false;
            for (int k = 0; k < series.size(); k++) {
                double t = series.time(k);
                double v = series.value(c, k);
                if (t < tStart || !Double.isFinite(v)) {
                    pen = false;
                    continue;
                }
                double px = left + (t - tStart) / (tEnd - tStart) * pw;
                double py = top + ph - (v - lo) / (hi - lo) * ph;
                if (pen) {
                    g.lineTo(px, py);
                } else {
                    g.moveTo(px, py);
                    pen = true;
                }
            }
            g.stroke();
        }
        g.setStroke(Color.web("#30363d"));
        g.setLineWidth(1);
        g.strokeRect(left, top, pw, ph);
    }
}
