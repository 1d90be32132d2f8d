package io.pstr.bench.channel;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How sure a paced percentile is, and whether one transport's lies above another's, judged by resampling whole
 * rounds (a paired block bootstrap). The paced samples are not independent: this machine's bursts of noise last
 * from milliseconds to a second, so slow samples come in runs within a transport's 0.1-s turn, and a count of
 * samples (order statistics) would make a p99 look surer than it is. What is resampled is the round: every
 * transport takes one turn a round, within a second of the others, and each resample draws rounds with replacement
 * and takes the drawn rounds' turns of every transport alike — a burst that hit every transport in a round moves all of them
 * in that resample, and their difference keeps what is the transports' own. The resamples' seed is fixed: the same
 * samples give the same ranges.
 */
final class RoundBootstrap {

    static final int RESAMPLES = 1_000;
    private static final long SEED = 0x5EED_C4A7L;

    private final double[] percentiles;
    /** Per transport: [size][percentile][resample], in ns. */
    private final Map<String, double[][][]> estimates = new LinkedHashMap<>();
    private final int resamples;

    /**
     * Resamples {@code rows} (per transport, one {@link PacedTurns} per size, all with the same number of rounds)
     * {@code resamples} times for each of {@code percentiles}.
     */
    RoundBootstrap(Map<String, PacedTurns[]> rows, double[] percentiles, int resamples) {
        this.percentiles = percentiles.clone();
        this.resamples = resamples;
        int rounds = -1;
        int longest = 0;
        for (PacedTurns[] perSize : rows.values()) {
            for (PacedTurns t : perSize) {
                if (rounds >= 0 && t.rounds() != rounds) {
                    throw new IllegalArgumentException("rows with " + rounds + " and " + t.rounds() + " rounds");
                }
                rounds = t.rounds();
                longest = Math.max(longest, t.longestRound());
            }
        }
        if (rounds <= 0 || resamples <= 0) {
            throw new IllegalArgumentException("nothing to resample: " + rounds + " rounds, " + resamples + " resamples");
        }
        for (Map.Entry<String, PacedTurns[]> e : rows.entrySet()) {
            estimates.put(e.getKey(), new double[e.getValue().length][percentiles.length][resamples]);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        int[] picks = new int[rounds];
        long[] scratch = new long[rounds * longest];
        for (int b = 0; b < resamples; b++) {
            for (int j = 0; j < rounds; j++) {
                picks[j] = random.nextInt(rounds);
            }
            for (Map.Entry<String, PacedTurns[]> e : rows.entrySet()) {
                double[][][] est = estimates.get(e.getKey());
                for (int i = 0; i < e.getValue().length; i++) {
                    int n = 0;
                    for (int pick : picks) {
                        n = e.getValue()[i].copyRound(pick, scratch, n);
                    }
                    Arrays.sort(scratch, 0, n);
                    for (int k = 0; k < percentiles.length; k++) {
                        est[i][k][b] = n == 0 ? Double.NaN : scratch[rankIndex(n, percentiles[k])];
                    }
                }
            }
        }
    }

    /**
     * Where a percentile of {@code n} sorted samples sits: the smallest value with that share at or below it, as
     * HdrHistogram reads it (the percentile nudged down first, so that 99 % of 20 000 is the 19 800th, not the next).
     */
    static int rankIndex(int n, double percentile) {
        long rank = (long) Math.ceil(Math.nextDown(percentile) / 100 * n);
        return (int) Math.max(1, Math.min(n, rank)) - 1;
    }

    /** The range {@code row}'s percentile lies in with 95 % confidence, {low, high} in ns. */
    double[] range(String row, int size, double percentile) {
        double[] sorted = estimates(row, size, percentile).clone();
        Arrays.sort(sorted);
        return new double[] {quantile(sorted, 0.025), quantile(sorted, 0.975)};
    }

    /**
     * How far {@code a}'s percentile lies above {@code b}'s at the least, with 97.5 % confidence (ns): above zero, it
     * is higher by more than the run can tell apart (a one-sided test at 2.5 %).
     */
    double leastDifference(String a, String b, int size, double percentile) {
        return leastDifference(a, b, size, size + 1, percentile);
    }

    /**
     * As {@link #leastDifference}, of the difference averaged over all sizes. How fast a sleeping receiver wakes
     * does not depend on the message's size, so an excess each size shows by less than the run can tell apart may,
     * over all of them together, be clear.
     */
    double leastMeanDifference(String a, String b, double percentile) {
        return leastDifference(a, b, 0, estimates.get(a).length, percentile);
    }

    /** The 2.5th percentile over the resamples of the difference averaged over sizes {@code from} to {@code to}. */
    private double leastDifference(String a, String b, int from, int to, double percentile) {
        double[] d = new double[resamples];
        for (int i = from; i < to; i++) {
            double[] ea = estimates(a, i, percentile);
            double[] eb = estimates(b, i, percentile);
            for (int r = 0; r < resamples; r++) {
                d[r] += (ea[r] - eb[r]) / (to - from);
            }
        }
        Arrays.sort(d);
        return quantile(d, 0.025);
    }

    private double[] estimates(String row, int size, double percentile) {
        double[][][] est = estimates.get(row);
        if (est == null) {
            throw new IllegalArgumentException("no paced row " + row);
        }
        for (int k = 0; k < percentiles.length; k++) {
            if (percentiles[k] == percentile) {
                return est[size][k];
            }
        }
        throw new IllegalArgumentException("percentile " + percentile + " was not resampled");
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
