package io.pstr.core.channel;

/**
 * The paper's delay database for one destination: a window of the phases (G, Q, P, T) of the last
 * {@code window} packets delivered there, and the two estimates the paper defines over it:
 * <pre>
 *   MIN_delay = 1/N · Σ ( MIN(G) + Q_i + P_i + MIN(T) )  =  MIN(G) + mean(Q) + mean(P) + MIN(T)
 *   AVG_delay = 1/N · Σ ( G_i + Q_i + P_i + T_i )
 * </pre>
 * where N is the number of samples in the window and MIN(x) the smallest x in the window. (The paper
 * writes the sum from i = 0 to N over 1/N; we read it as N samples, i = 0 … N−1, else the estimate would be
 * biased by one sample in N.) MIN_delay is what a packet can hope for on the fast path (pool buffer: MIN(G);
 * front of the queue and immediate wake-up: MIN(T)); AVG_delay is what the normal path gives.
 * <p>
 * Not thread-safe: one sender thread. Recording and estimating do not allocate, and the window is scanned for
 * its minima only when one of them leaves it: a sender that asks for MIN_delay before every packet pays a
 * comparison, not a pass over the window.
 */
public final class DelayDatabase {

    public static final int DEFAULT_WINDOW = 64;

    private final long[] g;
    private final long[] q;
    private final long[] p;
    private final long[] t;
    private int size;
    private int next;
    private long sumG;
    private long sumQ;
    private long sumP;
    private long sumT;
    private boolean minsValid;
    private long minG;
    private long minT;

    public DelayDatabase(int window) {
        if (window < 1 || window > 1 << 16) {
            throw new IllegalArgumentException("delay window " + window + " is outside 1..65536");
        }
        g = new long[window];
        q = new long[window];
        p = new long[window];
        t = new long[window];
    }

    /** Adds one delivered packet's phases (nanoseconds, each ≥ 0); the oldest leaves a full window. */
    public void record(long gNs, long qNs, long pNs, long tNs) {
        if (gNs < 0 || qNs < 0 || pNs < 0 || tNs < 0) {
            throw new IllegalArgumentException("negative phase: G " + gNs + " Q " + qNs + " P " + pNs + " T " + tNs);
        }
        if (size == g.length) {
            sumG -= g[next];
            sumQ -= q[next];
            sumP -= p[next];
            sumT -= t[next];
            // A minimum that leaves the window is looked for again; any other stays the minimum.
            if (g[next] == minG || t[next] == minT) {
                minsValid = false;
            }
        } else {
            size++;
        }
        g[next] = gNs;
        q[next] = qNs;
        p[next] = pNs;
        t[next] = tNs;
        sumG += gNs;
        sumQ += qNs;
        sumP += pNs;
        sumT += tNs;
        next = next + 1 == g.length ? 0 : next + 1;
        if (minsValid) {
            minG = Math.min(minG, gNs);
            minT = Math.min(minT, tNs);
        }
    }

    /** Samples in the window (N). */
    public int size() {
        return size;
    }

    public int window() {
        return g.length;
    }

    /** MIN_delay in ns; 0 while the window is empty (no evidence of any delay). */
    public long minDelayNs() {
        if (size == 0) {
            return 0;
        }
        if (!minsValid) {
            long mg = Long.MAX_VALUE;
            long mt = Long.MAX_VALUE;
            for (int i = 0; i < size; i++) {
                mg = Math.min(mg, g[i]);
                mt = Math.min(mt, t[i]);
            }
            minG = mg;
            minT = mt;
            minsValid = true;
        }
        return (size * (minG + minT) + sumQ + sumP) / size;
    }

    /** AVG_delay in ns; 0 while the window is empty. */
    public long avgDelayNs() {
        return size == 0 ? 0 : (sumG + sumQ + sumP + sumT) / size;
    }

    public void clear() {
        size = 0;
        next = 0;
        sumG = sumQ = sumP = sumT = 0;
        minsValid = false;
    }
}
