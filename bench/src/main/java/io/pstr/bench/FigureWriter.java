package io.pstr.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes a benchmark's figures into its output directory: a CSV table, a PNG chart and a
 * {@code NAME.machine.txt} naming the machine, so that a figure never travels without the machine it was
 * measured on.
 */
public final class FigureWriter {

    private final Path dir;
    private final Machine machine;

    public FigureWriter(Path dir, Machine machine) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.machine = machine;
    }

    public Path dir() {
        return dir;
    }

    public Machine machine() {
        return machine;
    }

    /** Writes {@code NAME.csv} (header, then rows; values written with {@link String#valueOf}) and the machine file. */
    public Path csv(String name, List<String> header, List<List<?>> rows) throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<?> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " values, header " + header.size() + ": " + row);
            }
            List<String> cells = new ArrayList<>(row.size());
            for (Object v : row) {
                cells.add(v == null ? "" : v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.3f", d) : String.valueOf(v));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        Path csv = dir.resolve(name + ".csv");
        Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + ".machine.txt"), machine.describe() + "\n", StandardCharsets.UTF_8);
        return csv;
    }

    /** Adds a line to {@code NAME.machine.txt} (after {@link #csv} wrote it): how the run was set up, its load. */
    public Path describeRun(String name, String line) throws IOException {
        Path file = dir.resolve(name + ".machine.txt");
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return file;
    }

    /**
     * A grouped bar chart: one group per category (e.g. message size), one bar per series (e.g. transport).
     * {@code values.get(series).get(category)}; missing values are left out.
     */
    public Path barChart(String name, String title, String categoryAxis, String valueAxis,
                         Map<String, Map<String, Double>> values, boolean logScale) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach((series, byCategory) -> byCategory.forEach((category, v) -> data.addValue(v, series, category)));
        JFreeChart chart = ChartFactory.createBarChart(title, categoryAxis, valueAxis, data,
                PlotOrientation.VERTICAL, true, false, false);
        if (logScale) {
            org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis(valueAxis);
            axis.setSmallestValue(0.01);
            chart.getCategoryPlot().setRangeAxis(axis);
        }
        return png(name, chart);
    }

    /** A line chart of series of (x, y) points, e.g. per-frame delay over time. */
    public Path lineChart(String name, String title, String xAxis, String yAxis,
                          Map<String, double[][]> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((label, points) -> {
            XYSeries s = new XYSeries(label, false, true);
            for (double[] p : points) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xAxis, yAxis, data,
                PlotOrientation.VERTICAL, true, false, false);
        return png(name, chart);
    }

    private Path png(String name, JFreeChart chart) throws IOException {
        chart.addSubtitle(new TextTitle(machine.describe()));
        Path png = dir.resolve(name + ".png");
        System.setProperty("java.awt.headless", "true");
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 600);
        return png;
    }
}
