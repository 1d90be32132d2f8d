package io.pstr.manager;

import java.util.EnumMap;
import org.agrona.DirectBuffer;

/**
 * The output gate of the distribution module: exactly one output per cycle reaches the board, the
 * holder's, and nothing from an old epoch ever does (fencing).
 * <p>
 * Rules, per cycle k:
 * <ul>
 * <li>an output whose epoch is older than the current one is fenced: counted, dropped;</li>
 * <li>the holder's accepted output goes at once;</li>
 * <li>the other replica's accepted output waits as a candidate; if the holder's has not come (or
 *     failed its acceptance test) by the candidate's arrival plus the grace time, the candidate
 *     goes instead (a fallback), so the board is fed whatever happens to the holder;</li>
 * <li>when the holder changes, a waiting candidate of the new holder goes at once;</li>
 * <li>an output for a cycle already served, or older than the last served, is dropped and only
 *     compared: equal output and ODS hashes advance the replica's sync streak, others mark divergence.</li>
 * </ul>
 * Single-threaded (the conductor's); time comes in as a parameter.
 */
public final class OutputGate {

    /** Where a chosen output goes: the paced board writer. */
    @FunctionalInterface
    public interface Sink {
        void send(long cycle, Slot from, long epoch, DirectBuffer frames, int offset, int length, long nowNs);
    }

    private static final int HISTORY = 256;

    private final long graceNs;
    private final Sink sink;
    private long epoch;
    private Slot holder;

    private long lastSentCycle;
    private final long[] sentCycle = new long[HISTORY];
    private final long[] sentHash = new long[HISTORY];
    private final long[] sentOdsHash = new long[HISTORY];

    private final EnumMap<Slot, Candidate> candidates = new EnumMap<>(Slot.class);
    /** Outputs of a slot with an epoch below its fence were written before it lost the I/O (or was lost): never sent. */
    private final long[] fence = new long[Slot.values().length];
    private final int[] streaks = new int[Slot.values().length];
    private final boolean[] divergentFlag = new boolean[Slot.values().length];
    private final int[] acceptFailStreak = new int[Slot.values().length];
    private final int[] holderMissStreak = new int[Slot.values().length];

    private long outputsSent;
    private long fallbackOutputs;
    private long fencedAtGate;
    private long lateDropped;
    private long missedCycles;
    private long acceptanceRejected;
    private long divergentCycles;
    private final long[] divergentBySlot = new long[Slot.values().length];
    private long lastFallbackCycle;

    /** An output waiting for its deadline. */
    private static final class Candidate {
        long cycle = -1;
        long epoch;
        long hash;
        long odsHash;
        long deadlineNs;
        final org.agrona.concurrent.UnsafeBuffer frames = new org.agrona.concurrent.UnsafeBuffer(new byte[64 * 1024]);
        int length;
    }

    public OutputGate(long graceNs, Sink sink) {
        this.graceNs = graceNs;
        this.sink = sink;
        for (Slot s : Slot.values()) {
            candidates.put(s, new Candidate());
        }
    }

    /**
     * A new epoch and holder (null: nobody). Every slot but the new holder is fenced at the new epoch:
     * what it wrote before it heard of the change never reaches the board. The new holder's outputs
     * of the old epoch stay good (it was a healthy shadow), and a waiting one goes at once. The new
     * holder's missed deadlines start from zero: those of an earlier turn (say, the hang it was failed
     * over for, before it recovered and got the I/O back) were judged then, and counted again they made
     * the host fail over in the same millisecond as a failback (seen in the jailed demo).
     */
    public void assign(long newEpoch, Slot newHolder, long nowNs) {
        epoch = newEpoch;
        holder = newHolder;
        if (newHolder != null) {
            holderMissStreak[newHolder.ordinal()] = 0;
        }
        for (Slot s : Slot.values()) {
            if (s != newHolder) {
                fence[s.ordinal()] = newEpoch;
            }
        }
        if (newHolder != null) {
            Candidate c = candidates.get(newHolder);
            if (c.cycle > lastSentCycle && !isFenced(newHolder, c.epoch)) {
                send(c.cycle, newHolder, c.epoch, c.hash, c.odsHash, c.frames, 0, c.length, nowNs);
                c.cycle = -1;
            }
        }
    }

    /**
     * A host manager re-attached to running replicas: cycles up to {@code lastServedCycle} belong to the manager
     * that is gone (served or not, they are stale now), and every slot, the holder included, is fenced below
     * {@code fenceEpoch}: whatever a replica wrote before it heard the new epoch never reaches the board.
     */
    public void resume(long lastServedCycle, long fenceEpoch) {
        lastSentCycle = Math.max(lastSentCycle, lastServedCycle);
        for (Slot s : Slot.values()) {
            fence[s.ordinal()] = Math.max(fence[s.ordinal()], fenceEpoch);
            candidates.get(s).cycle = -1;
        }
    }

    /** A replica wrote its output for a cycle. */
    public void onOutput(Slot from, long cycle, long outputEpoch, long hash, long odsHash, boolean accepted,
            DirectBuffer frames, int offset, int length, long nowNs) {
        if (isFenced(from, outputEpoch)) {
            fencedAtGate++;
            return;
        }
        if (outputEpoch > epoch) {
            // Only the host hands out epochs: a replica cannot be ahead. Treat as corrupt.
            fencedAtGate++;
            return;
        }
        if (cycle <= lastSentCycle) {
            compare(from, cycle, hash, odsHash);
            if (from == holder) {
                lateDropped++;
            }
            return;
        }
        if (!accepted) {
            acceptanceRejected++;
            acceptFailStreak[from.ordinal()]++;
            Candidate c = candidates.get(from.other());
            if (from == holder && c.cycle == cycle && !isFenced(from.other(), c.epoch)) {
                // The holder's own acceptance test refused its output: the other's goes now, not at its deadline.
                fallbackOutputs++;
                lastFallbackCycle = cycle;
                send(cycle, from.other(), c.epoch, c.hash, c.odsHash, c.frames, 0, c.length, nowNs);
                c.cycle = -1;
            }
            return;
        }
        acceptFailStreak[from.ordinal()] = 0;
        if (from == holder) {
            holderMissStreak[from.ordinal()] = 0;
            send(cycle, from, outputEpoch, hash, odsHash, frames, offset, length, nowNs);
            return;
        }
        Candidate c = candidates.get(from);
        c.cycle = cycle;
        c.epoch = outputEpoch;
        c.hash = hash;
        c.odsHash = odsHash;
        c.deadlineNs = nowNs + graceNs;
        c.length = length;
        c.frames.putBytes(0, frames, offset, length);
    }

    /**
     * The deadline of the first output that {@link #poll} will send when its time comes (a replica's output waiting
     * for the holder's), or {@code Long.MAX_VALUE}: none waits, nobody holds the I/O, or what waits is fenced.
     */
    public long nextDeadlineNs() {
        long next = Long.MAX_VALUE;
        for (Slot s : Slot.values()) {
            Candidate c = candidates.get(s);
            if (c.cycle >= 0 && sendsAtDeadline(s, c)) {
                next = Math.min(next, c.deadlineNs);
            }
        }
        return next;
    }

    /**
     * Whether {@link #poll} sends waiting output {@code c} of {@code s} once its deadline has passed: not when nobody
     * holds the I/O (FAILSAFE: the board's own failsafe flies, no unproven replica does), not when a newer cycle went
     * already (it is only compared), not when it is fenced.
     */
    private boolean sendsAtDeadline(Slot s, Candidate c) {
        return holder != null && c.cycle > lastSentCycle && !isFenced(s, c.epoch);
    }

    /** Serves candidates whose deadline passed. Returns the number served. */
    public int poll(long nowNs) {
        int served = 0;
        for (Slot s : Slot.values()) {
            Candidate c = candidates.get(s);
            if (c.cycle < 0) {
                continue;
            }
            if (c.cycle <= lastSentCycle) {
                compare(s, c.cycle, c.hash, c.odsHash);
                c.cycle = -1;
                continue;
            }
            if (nowNs >= c.deadlineNs && sendsAtDeadline(s, c)) {
                if (s != holder) {
                    fallbackOutputs++;
                    lastFallbackCycle = c.cycle;
                    holderMissStreak[holder.ordinal()]++;
                }
                send(c.cycle, s, c.epoch, c.hash, c.odsHash, c.frames, 0, c.length, nowNs);
                c.cycle = -1;
                served++;
            }
        }
        return served;
    }

    private void send(long cycle, Slot from, long outputEpoch, long hash, long odsHash, DirectBuffer frames, int offset,
            int length, long nowNs) {
        if (lastSentCycle > 0 && cycle > lastSentCycle + 1) {
            missedCycles += cycle - lastSentCycle - 1;
        }
        lastSentCycle = cycle;
        int i = (int) (cycle % HISTORY);
        sentCycle[i] = cycle;
        sentHash[i] = hash;
        sentOdsHash[i] = odsHash;
        outputsSent++;
        streaks[from.ordinal()]++;
        sink.send(cycle, from, outputEpoch, frames, offset, length, nowNs);
        Slot other = from.other();
        Candidate waiting = candidates.get(other);
        if (waiting.cycle == cycle) {
            compare(other, cycle, waiting.hash, waiting.odsHash);
            waiting.cycle = -1;
        }
    }

    private void compare(Slot from, long cycle, long hash, long odsHash) {
        int i = (int) (cycle % HISTORY);
        if (sentCycle[i] != cycle) {
            return;
        }
        if (sentHash[i] == hash && sentOdsHash[i] == odsHash) {
            streaks[from.ordinal()]++;
        } else {
            streaks[from.ordinal()] = 0;
            divergentFlag[from.ordinal()] = true;
            divergentBySlot[from.ordinal()]++;
            divergentCycles++;
        }
    }

    /** True when an output of this slot written under this epoch must never reach the board. */
    public boolean isFenced(Slot from, long outputEpoch) {
        return outputEpoch < fence[from.ordinal()];
    }

    /** Consecutive cycles in which the slot's outputs matched what went to the board. */
    public int syncStreak(Slot s) {
        return streaks[s.ordinal()];
    }

    public void resetStreak(Slot s) {
        streaks[s.ordinal()] = 0;
        divergentFlag[s.ordinal()] = false;
        acceptFailStreak[s.ordinal()] = 0;
        holderMissStreak[s.ordinal()] = 0;
        candidates.get(s).cycle = -1;
    }

    /** Cycles in which this slot's output or ODS differed from what went to the board, since the start. */
    public long divergentCycles(Slot s) {
        return divergentBySlot[s.ordinal()];
    }

    /** True if the slot diverged since the last call. */
    public boolean takeDivergence(Slot s) {
        boolean d = divergentFlag[s.ordinal()];
        divergentFlag[s.ordinal()] = false;
        return d;
    }

    public int acceptanceFailStreak(Slot s) {
        return acceptFailStreak[s.ordinal()];
    }

    public int holderMissStreak(Slot s) {
        return holderMissStreak[s.ordinal()];
    }

    public long lastSentCycle() {
        return lastSentCycle;
    }

    public long epoch() {
        return epoch;
    }

    public Slot holder() {
        return holder;
    }

    public long outputsSent() {
        return outputsSent;
    }

    public long fallbackOutputs() {
        return fallbackOutputs;
    }

    public long fencedAtGate() {
        return fencedAtGate;
    }

    public long lateDropped() {
        return lateDropped;
    }

    public long missedCycles() {
        return missedCycles;
    }

    public long acceptanceRejected() {
        return acceptanceRejected;
    }

    public long divergentCycles() {
        return divergentCycles;
    }

    public long lastFallbackCycle() {
        return lastFallbackCycle;
    }
}
