package io.pstr.ui;

import java.util.Arrays;

/**
 * A sliding window of samples (time in seconds, one value per channel), oldest dropped first.
 * FX thread only.
 */
public final class TimeSeries {

    private final String[] names;
    private final double windowS;
    private double[] times = new double[256];
    private double[][] values;
    private int start;
    private int size;

    public TimeSeries(double windowS, String... names) {
        this.names = names.clone();
        this.windowS = windowS;
        this.values = new double[names.length][times.length];
    }

    /** Adds a sample; samples older than the window before it are dropped. Times must not go backwards. */
    public void add(double timeS, double... sample) {
        if (sample.length != names.length) {
            throw new IllegalArgumentException("expected " + names.length + " values, got " + sample.length);
        }
        if (size > 0 && timeS < time(size - 1)) {
            return; // out of order: skipped rather than drawn as a loop back in time
        }
        while (size > 0 && time(0) < timeS - windowS) {
            start = (start + 1) % times.length;
            size--;
        }
        if (size == times.length) {
            grow();
        }
        int i = (start + size) % times.length;
        times[i] = timeS;
        for (int c = 0; c < names.length; c++) {
            values[c][i] = sample[c];
        }
        size++;
    }

    private void grow() {
        double[] t = new double[times.length * 2];
        double[][] v = new double[names.length][t.length];
        for (int k = 0; k < size; k++) {
            int i = (start + k) % times.length;
            t[k] = times[i];
            for (int c = 0; c < names.length; c++) {
                v[c][k] = values[c][i];
            }
        }
        times = t;
        values = v;
        start = 0;
    }

    public int size() {
        return size;
    }

    public int channels() {
        return names.length;
    }

    public String name(int channel) {
        return names[channel];
    }

    public double windowS() {
        return windowS;
    }

    /** Time of the k-th sample, oldest first. */
    public double time(int k) {
        return times[(start + k) % times.length];
    }

    public double value(int channel, int k) {
        return values[channel][(start + k) % times.length];
    }

    /** Latest time, or NaN when empty. */
    public double lastTime() {
        return size == 0 ? Double.NaN : time(size - 1);
    }

    public void clear() {
        start = 0;
        size = 0;
        Arrays.fill(times, 0);
    }
}
