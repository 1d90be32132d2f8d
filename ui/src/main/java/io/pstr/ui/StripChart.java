package io.pstr.ui;

import java.util.List;
import java.util.Locale;
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
    private static final Font FONT = Font.font("System", 11);

    private final String title;
    private final TimeSeries series;
    private final int[] channels;
    private final List<StationModel.Marker> markers;
    private final double minSpan;

    StripChart(String title, TimeSeries series, List<StationModel.Marker> markers, double minSpan, int... channels) {
        this.title = title;
        this.series = series;
        this.markers = markers;
        this.minSpan = minSpan;
        this.channels = channels.clone();
        getStyleClass().add("strip-chart");
    }

    @Override
    void draw(GraphicsContext g, double w, double h) {
        double left = 44;
        double right = 8;
        double top = 18;
        double bottom = 16;
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
        if (hi - lo < minSpan) {
            double mid = (hi + lo) / 2;
            lo = mid - minSpan / 2;
            hi = mid + minSpan / 2;
        }
        double pad = (hi - lo) * 0.08;
        lo -= pad;
        hi += pad;
        // grid and labels
        g.setStroke(Color.web("#263040"));
        g.setLineWidth(1);
        g.setFill(Color.web("#8b949e"));
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = top + ph - ph * i / 4;
            g.strokeLine(left, y, left + pw, y);
            g.fillText(String.format(Locale.ROOT, Math.abs(hi - lo) < 10 ? "%.1f" : "%.0f", v), left - 4, y);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (double t = Math.ceil(tStart / 10) * 10; t <= tEnd; t += 10) {
            double px = left + (t - tStart) / (tEnd - tStart) * pw;
            g.strokeLine(px, top, px, top + ph);
            g.fillText(String.format(Locale.ROOT, "%.0f s", t), px, top + ph + 2);
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
