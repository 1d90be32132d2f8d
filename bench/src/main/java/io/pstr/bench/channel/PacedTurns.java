package io.pstr.bench.channel;

import java.util.Arrays;

/**
 * One paced row's samples (one transport, one size) in the order they were taken, and where each round's turn
 * ended: what {@link RoundBootstrap} resamples. Every row gets one turn in every round, so the rows of a run have
 * the same number of rounds, and a row's round {@code r} was taken within a second of every other row's.
 */
final class PacedTurns {

    private long[] values;
    private int count;
    private int[] ends = new int[16];
    private int rounds;

    PacedTurns(int expectedSamples) {
        values = new long[Math.max(16, expectedSamples)];
    }

    void record(long value) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = value;
    }

    /** Ends the current round's turn (which may have recorded nothing). */
    void endRound() {
        if (rounds == ends.length) {
            ends = Arrays.copyOf(ends, rounds * 2);
        }
        ends[rounds++] = count;
    }

    int rounds() {
        return rounds;
    }

    /** Copies round {@code r}'s samples into {@code into} at {@code at}; returns where the next copy goes. */
    int copyRound(int r, long[] into, int at) {
        int from = r == 0 ? 0 : ends[r - 1];
        int n = ends[r] - from;
        System.arraycopy(values, from, into, at, n);
        return at + n;
    }

    /** The most samples one round's turn took. */
    int longestRound() {
        int longest = 0;
        for (int r = 0; r < rounds; r++) {
            longest = Math.max(longest, ends[r] - (r == 0 ? 0 : ends[r - 1]));
        }
        return longest;
    }
}
