package io.pstr.manager;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputGateTest {

    private static final long MS = 1_000_000L;
    private static final long GRACE_NS = 3 * MS;
    private static final long PERIOD_NS = 20 * MS;

    /** What reached the sink, with the first frame byte to prove the right bytes went. */
    private record Sent(long cycle, Slot from, long epoch, long nowNs, byte firstByte, int length) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final OutputGate gate = new OutputGate(GRACE_NS,
            (cycle, from, epoch, frames, offset, length, nowNs) -> sent.add(
                    new Sent(cycle, from, epoch, nowNs, frames.getByte(offset), length)));
    private long nowNs = 1_000 * MS;

    private static DirectBuffer frame(Slot from, long cycle) {
        // The first byte tells sender and cycle apart, the offset proves the gate honours it.
        byte[] b = new byte[12];
        b[2] = (byte) ((from == Slot.A ? 0 : 128) + (cycle % 100));
        return new UnsafeBuffer(b);
    }

    private static byte tag(Slot from, long cycle) {
        return (byte) ((from == Slot.A ? 0 : 128) + (cycle % 100));
    }

    private void out(Slot from, long cycle, long epoch, long hash, long odsHash, boolean accepted) {
        gate.onOutput(from, cycle, epoch, hash, odsHash, accepted, frame(from, cycle), 2, 10, nowNs);
    }

    private void out(Slot from, long cycle, long epoch) {
        out(from, cycle, epoch, cycle * 31, cycle * 17, true);
    }

    private void advance(long ns) {
        nowNs += ns;
    }

    @Test
    void shouldSendHolderAcceptedOutputAtOnce() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);

        assertEquals(1, sent.size());
        Sent s = sent.get(0);
        assertEquals(new Sent(1, Slot.A, 1, nowNs, tag(Slot.A, 1), 10), s);
        assertEquals(1, gate.lastSentCycle());
        assertEquals(1, gate.outputsSent());
        assertEquals(0, gate.fallbackOutputs());
    }

    @Test
    void shouldSendExactlyOneOutputPerCycleWhenHolderWritesFirst() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);
        advance(MS);
        out(Slot.B, 1, 1);
        advance(10 * MS);
        gate.poll(nowNs);

        assertEquals(1, sent.size());
        assertEquals(Slot.A, sent.get(0).from());
        assertEquals(0, gate.lateDropped());
        assertEquals(0, gate.fallbackOutputs());
    }

    @Test
    void shouldSendExactlyOneOutputPerCycleWhenShadowWritesFirst() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.B, 1, 1);
        advance(MS);
        out(Slot.A, 1, 1);
        advance(10 * MS);
        assertEquals(0, gate.poll(nowNs));

        assertEquals(1, sent.size());
        assertEquals(Slot.A, sent.get(0).from());
        assertEquals(0, gate.fallbackOutputs());
        assertEquals(0, gate.holderMissStreak(Slot.A));
    }

    @Test
    void shouldHoldShadowOutputUntilGraceDeadlineThenSendItAsFallback() {
        gate.assign(1, Slot.A, nowNs);
        long arrivedNs = nowNs;
        out(Slot.B, 7, 1);

        nowNs = arrivedNs + GRACE_NS - 1;
        assertEquals(0, gate.poll(nowNs));
        assertTrue(sent.isEmpty(), "the shadow's output must wait for the grace deadline");

        nowNs = arrivedNs + GRACE_NS;
        assertEquals(1, gate.poll(nowNs));
        assertEquals(new Sent(7, Slot.B, 1, nowNs, tag(Slot.B, 7), 10), sent.get(0));
        assertEquals(1, gate.fallbackOutputs());
        assertEquals(7, gate.lastFallbackCycle());
        assertEquals(1, gate.holderMissStreak(Slot.A));
        assertEquals(0, gate.holderMissStreak(Slot.B));
    }

    @Test
    void shouldGrowHolderMissStreakOverConsecutiveFallbacksAndResetItWhenHolderDelivers() {
        gate.assign(1, Slot.A, nowNs);
        for (long cycle = 1; cycle <= 4; cycle++) {
            out(Slot.B, cycle, 1);
            advance(GRACE_NS);
            gate.poll(nowNs);
            advance(PERIOD_NS - GRACE_NS);
        }
        assertEquals(4, gate.holderMissStreak(Slot.A));
        assertEquals(4, gate.fallbackOutputs());

        out(Slot.A, 5, 1);
        assertEquals(0, gate.holderMissStreak(Slot.A));
        assertEquals(5, sent.size());
    }

    @Test
    void shouldJudgeAHolderGivenTheIoBackOnlyByWhatItMissesFromThen() {
        gate.assign(1, Slot.A, nowNs);
        for (long cycle = 1; cycle <= 5; cycle++) { // A hangs: B's outputs go at their deadlines
            out(Slot.B, cycle, 1);
            advance(GRACE_NS);
            gate.poll(nowNs);
            advance(PERIOD_NS - GRACE_NS);
        }
        assertEquals(5, gate.holderMissStreak(Slot.A));
        gate.assign(2, Slot.B, nowNs); // failover
        for (long cycle = 6; cycle <= 8; cycle++) {
            out(Slot.B, cycle, 2);
            advance(PERIOD_NS);
        }
        gate.assign(3, Slot.A, nowNs); // failback: the misses of its last turn are not held against it again
        assertEquals(0, gate.holderMissStreak(Slot.A));
        out(Slot.B, 9, 3);
        advance(GRACE_NS);
        gate.poll(nowNs);
        assertEquals(1, gate.holderMissStreak(Slot.A), "a miss of its new turn counts");
    }

    @Test
    void shouldDropLateHolderOutputAfterFallbackAndNotSendItTwice() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.B, 3, 1);
        advance(GRACE_NS);
        gate.poll(nowNs);
        advance(MS);
        out(Slot.A, 3, 1);
        advance(PERIOD_NS);
        gate.poll(nowNs);

        assertEquals(1, sent.size());
        assertEquals(Slot.B, sent.get(0).from());
        assertEquals(1, gate.lateDropped());
        assertEquals(1, gate.outputsSent());
    }

    @Test
    void shouldDropHolderOutputForCycleOlderThanLastSent() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 5, 1);
        out(Slot.A, 4, 1);
        out(Slot.A, 5, 1);

        assertEquals(1, sent.size());
        assertEquals(2, gate.lateDropped());
    }

    @Test
    void shouldFenceOldHolderOutputsAfterAssign() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);
        gate.assign(2, Slot.B, nowNs);

        out(Slot.A, 2, 1);
        advance(PERIOD_NS);
        gate.poll(nowNs);

        assertEquals(1, sent.size(), "A's old-epoch output must never reach the sink");
        assertEquals(1, gate.fencedAtGate());
        assertEquals(0, gate.fallbackOutputs());
    }

    @Test
    void shouldNeverSendFencedCandidateEvenPastItsDeadline() {
        gate.assign(1, Slot.B, nowNs);
        // A writes as shadow under epoch 1; the holder changes again before its deadline.
        out(Slot.A, 1, 1);
        gate.assign(2, Slot.B, nowNs);
        advance(10 * GRACE_NS);
        assertEquals(0, gate.poll(nowNs));
        assertTrue(sent.isEmpty());
    }

    /** The conductor sleeps until the gate's next deadline: it must be the one poll acts on, and no other. */
    @Test
    void shouldTellTheConductorWhenItsNextOutputIsDue() {
        out(Slot.B, 1, 1);
        assertEquals(Long.MAX_VALUE, gate.nextDeadlineNs(), "nobody holds the I/O: nothing will go");
        gate.assign(1, Slot.A, nowNs);
        out(Slot.B, 2, 1);
        long due = nowNs + GRACE_NS;
        assertEquals(due, gate.nextDeadlineNs(), "the shadow's output waits for the holder's until its grace ends");
        advance(GRACE_NS - 1);
        assertEquals(0, gate.poll(nowNs));
        advance(1);
        assertEquals(1, gate.poll(nowNs), "sent at that deadline");
        assertEquals(Long.MAX_VALUE, gate.nextDeadlineNs());

        out(Slot.B, 3, 1);
        advance(MS);
        out(Slot.A, 3, 1);
        assertEquals(Long.MAX_VALUE, gate.nextDeadlineNs(), "the holder's went out: the shadow's is only compared");

        out(Slot.A, 4, 1);
        out(Slot.B, 5, 1);
        gate.assign(2, Slot.A, nowNs);
        assertEquals(Long.MAX_VALUE, gate.nextDeadlineNs(), "B's output of the old epoch is fenced: it will never go");
        advance(10 * GRACE_NS);
        assertEquals(0, gate.poll(nowNs), "and poll agrees");
    }

    @Test
    void shouldSendNewHolderOutputsWrittenUnderOldEpoch() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);
        gate.assign(2, Slot.B, nowNs);

        out(Slot.B, 2, 1);

        assertEquals(2, sent.size());
        assertEquals(new Sent(2, Slot.B, 1, nowNs, tag(Slot.B, 2), 10), sent.get(1));
        assertEquals(0, gate.fencedAtGate());
    }

    @Test
    void shouldSendWaitingCandidateOfNewHolderAtOnceOnAssign() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 4, 1);
        out(Slot.B, 5, 1);
        advance(MS);
        assertEquals(0, gate.poll(nowNs));

        gate.assign(2, Slot.B, nowNs);

        assertEquals(2, sent.size());
        assertEquals(new Sent(5, Slot.B, 1, nowNs, tag(Slot.B, 5), 10), sent.get(1));
        assertEquals(0, gate.fallbackOutputs());
        advance(PERIOD_NS);
        assertEquals(0, gate.poll(nowNs), "the candidate must not go a second time");
        assertEquals(2, sent.size());
    }

    @Test
    void shouldNotResendCandidateOnAssignWhenItsCycleWasAlreadyServed() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.B, 5, 1);
        out(Slot.A, 5, 1);
        gate.assign(2, Slot.B, nowNs);

        assertEquals(1, sent.size());
        assertEquals(Slot.A, sent.get(0).from());
    }

    @Test
    void shouldSendShadowOutputAtOnceWhenHolderOutputFailsAcceptance() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.B, 9, 1);
        advance(MS);
        out(Slot.A, 9, 1, 1, 1, false);

        assertEquals(1, sent.size());
        assertEquals(new Sent(9, Slot.B, 1, nowNs, tag(Slot.B, 9), 10), sent.get(0));
        assertEquals(1, gate.fallbackOutputs());
        assertEquals(9, gate.lastFallbackCycle());
        assertEquals(1, gate.acceptanceRejected());
        assertEquals(1, gate.acceptanceFailStreak(Slot.A));
        advance(PERIOD_NS);
        assertEquals(0, gate.poll(nowNs));
        assertEquals(1, sent.size());
    }

    @Test
    void shouldSendShadowOutputAtItsDeadlineWhenHolderOutputFailedAcceptanceBeforeItCame() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 9, 1, 1, 1, false);
        assertTrue(sent.isEmpty(), "a refused output never reaches the board");
        out(Slot.B, 9, 1);
        advance(GRACE_NS);
        gate.poll(nowNs);

        assertEquals(1, sent.size());
        assertEquals(Slot.B, sent.get(0).from());
        assertEquals(1, gate.fallbackOutputs());
    }

    @Test
    void shouldCountAcceptanceFailStreakAndResetItOnAcceptedOutput() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1, 1, 1, false);
        out(Slot.A, 2, 1, 1, 1, false);
        out(Slot.A, 3, 1, 1, 1, false);
        assertEquals(3, gate.acceptanceFailStreak(Slot.A));
        assertEquals(3, gate.acceptanceRejected());
        out(Slot.A, 4, 1);
        assertEquals(0, gate.acceptanceFailStreak(Slot.A));
        assertEquals(1, sent.size());
    }

    @Test
    void shouldRefuseOutputsWithEpochAboveCurrent() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 2);
        out(Slot.B, 1, 5);
        advance(PERIOD_NS);
        gate.poll(nowNs);

        assertTrue(sent.isEmpty());
        assertEquals(2, gate.fencedAtGate());
    }

    @Test
    void shouldGrowShadowSyncStreakWhenHashesMatch() {
        gate.assign(1, Slot.A, nowNs);
        for (long cycle = 1; cycle <= 10; cycle++) {
            if (cycle % 2 == 0) {
                out(Slot.A, cycle, 1);
                out(Slot.B, cycle, 1);
            } else {
                out(Slot.B, cycle, 1);
                out(Slot.A, cycle, 1);
            }
        }
        assertEquals(10, gate.syncStreak(Slot.B));
        assertFalse(gate.takeDivergence(Slot.B));
        assertEquals(0, gate.divergentCycles());
    }

    @Test
    void shouldMarkDivergenceAndResetStreakWhenOutputHashDiffers() {
        gate.assign(1, Slot.A, nowNs);
        for (long cycle = 1; cycle <= 5; cycle++) {
            out(Slot.A, cycle, 1);
            out(Slot.B, cycle, 1);
        }
        assertEquals(5, gate.syncStreak(Slot.B));

        out(Slot.A, 6, 1, 600, 60, true);
        out(Slot.B, 6, 1, 601, 60, true);

        assertEquals(0, gate.syncStreak(Slot.B));
        assertEquals(1, gate.divergentCycles());
        assertTrue(gate.takeDivergence(Slot.B));
        assertFalse(gate.takeDivergence(Slot.B), "divergence is reported once");
        assertFalse(gate.takeDivergence(Slot.A));
    }

    @Test
    void shouldMarkDivergenceWhenOdsHashDiffersWithWaitingCandidate() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);
        out(Slot.B, 1, 1);
        out(Slot.B, 2, 1, 200, 21, true);
        out(Slot.A, 2, 1, 200, 20, true);

        assertEquals(0, gate.syncStreak(Slot.B));
        assertTrue(gate.takeDivergence(Slot.B));
        assertEquals(1, gate.divergentCycles());
    }

    @Test
    void shouldCountMissedCyclesWhenCyclesAreSkipped() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 5, 1);
        assertEquals(0, gate.missedCycles(), "the first output has nothing to be compared with");
        out(Slot.A, 6, 1);
        assertEquals(0, gate.missedCycles());
        out(Slot.A, 9, 1);
        assertEquals(2, gate.missedCycles());
        out(Slot.A, 10, 1);
        assertEquals(2, gate.missedCycles());
    }

    @Test
    void shouldFenceOnlyReplicasThatLostTheIo() {
        assertFalse(gate.isFenced(Slot.A, 0));
        assertFalse(gate.isFenced(Slot.B, 0));

        gate.assign(1, Slot.A, nowNs);
        assertFalse(gate.isFenced(Slot.A, 0), "the new holder's older outputs stay good");
        assertTrue(gate.isFenced(Slot.B, 0));
        assertFalse(gate.isFenced(Slot.B, 1));

        gate.assign(3, Slot.B, nowNs);
        assertTrue(gate.isFenced(Slot.A, 2));
        assertFalse(gate.isFenced(Slot.A, 3));
        assertFalse(gate.isFenced(Slot.B, 1), "B keeps its fence from epoch 1");
        assertTrue(gate.isFenced(Slot.B, 0));

        gate.assign(4, Slot.A, nowNs);
        assertTrue(gate.isFenced(Slot.A, 2), "a fence never moves back");
        assertFalse(gate.isFenced(Slot.A, 3));
        assertTrue(gate.isFenced(Slot.B, 3));
        assertFalse(gate.isFenced(Slot.B, 4));

        gate.assign(5, null, nowNs);
        assertTrue(gate.isFenced(Slot.A, 4));
        assertTrue(gate.isFenced(Slot.B, 4));
        assertFalse(gate.isFenced(Slot.A, 5));
        assertEquals(5, gate.epoch());
        assertEquals(null, gate.holder());
    }

    @Test
    void shouldSendNothingOfOldEpochWhenNobodyHoldsTheIo() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);
        gate.assign(2, null, nowNs);
        out(Slot.A, 2, 1);
        out(Slot.B, 2, 1);
        advance(PERIOD_NS);
        gate.poll(nowNs);
        assertEquals(1, sent.size());
        assertEquals(2, gate.fencedAtGate());
    }

    @Test
    void shouldSendNothingWhenNobodyHoldsTheIo() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.A, 1, 1);
        // A is lost while B is not in step: the manager decides nobody holds the I/O.
        gate.assign(2, null, nowNs);
        // B (still syncing, alive) hears epoch 2 and writes under it.
        out(Slot.B, 2, 2);
        advance(PERIOD_NS);
        gate.poll(nowNs);
        assertEquals(1, sent.size(), "nobody holds the I/O: the board's failsafe flies, no replica output may go");
    }

    @Test
    void shouldForgetCandidateOnResetStreak() {
        gate.assign(1, Slot.A, nowNs);
        out(Slot.B, 1, 1);
        gate.resetStreak(Slot.B);
        advance(PERIOD_NS);
        assertEquals(0, gate.poll(nowNs));
        assertTrue(sent.isEmpty());
    }

    /**
     * A seeded random flight: two replicas, random arrival order, random drops and late arrivals of
     * the holder's outputs, random holder changes that each replica hears about after a random delay.
     */
    @Test
    void shouldNeverSendTwiceFencedOrOutOfOrderUnderRandomInterleavings() {
        Random rnd = new Random(20240611L);
        EnumMap<Slot, Long> knownEpoch = new EnumMap<>(Slot.class);
        EnumMap<Slot, Long> learnAtCycle = new EnumMap<>(Slot.class);
        EnumMap<Slot, Long> fenceModel = new EnumMap<>(Slot.class);
        for (Slot s : Slot.values()) {
            knownEpoch.put(s, 1L);
            learnAtCycle.put(s, Long.MAX_VALUE);
            fenceModel.put(s, 0L);
        }
        long[] epochRef = {1};
        Set<Long> servedCycles = new HashSet<>();
        long[] lastCycle = {0};
        List<String> violations = new ArrayList<>();
        OutputGate g = new OutputGate(GRACE_NS, (cycle, from, epoch, frames, offset, length, t) -> {
            if (!servedCycles.add(cycle)) {
                violations.add("cycle " + cycle + " sent twice");
            }
            if (cycle <= lastCycle[0]) {
                violations.add("cycle " + cycle + " sent after " + lastCycle[0]);
            }
            lastCycle[0] = cycle;
            if (epoch < fenceModel.get(from)) {
                violations.add("cycle " + cycle + " from " + from + " epoch " + epoch + " is fenced at " + fenceModel.get(from));
            }
            if (epoch > epochRef[0]) {
                violations.add("cycle " + cycle + " epoch " + epoch + " above current " + epochRef[0]);
            }
            if (frames.getByte(offset) != tag(from, cycle)) {
                violations.add("cycle " + cycle + " wrong bytes");
            }
        });
        long t = 0;
        Slot holder = Slot.A;
        g.assign(1, Slot.A, t);
        fenceModel.put(Slot.B, 1L);
        long expectedServed = 0;
        final int cycles = 10_000;
        int holderChanges = 0;
        for (long cycle = 1; cycle <= cycles; cycle++) {
            long cycleStart = cycle * PERIOD_NS;
            for (Slot s : Slot.values()) {
                if (cycle >= learnAtCycle.get(s)) {
                    knownEpoch.put(s, epochRef[0]);
                    learnAtCycle.put(s, Long.MAX_VALUE);
                }
            }
            boolean everybodyKnows = knownEpoch.get(Slot.A) == epochRef[0] && knownEpoch.get(Slot.B) == epochRef[0];
            // Arrival times of each output within the cycle; the holder's may be dropped or late.
            long arriveA = cycleStart + rnd.nextInt(8) * MS + rnd.nextInt(1000);
            long arriveB = cycleStart + rnd.nextInt(8) * MS + rnd.nextInt(1000);
            boolean dropHolder = rnd.nextInt(5) == 0;
            boolean holderLate = rnd.nextInt(10) == 0;
            if (holderLate) {
                long late = cycleStart + 15 * MS;
                if (holder == Slot.A) {
                    arriveA = late;
                } else {
                    arriveB = late;
                }
            }
            boolean rejectHolder = rnd.nextInt(20) == 0;
            long changeAt = rnd.nextInt(100) < 3 ? cycleStart + rnd.nextInt(19) * MS : Long.MAX_VALUE;
            boolean changed = false;
            boolean wroteA = false;
            boolean wroteB = false;
            for (long step = cycleStart; step < cycleStart + PERIOD_NS; step += MS / 2) {
                t = step;
                if (!changed && t >= changeAt) {
                    changed = true;
                    holderChanges++;
                    Slot next = rnd.nextInt(10) == 0 ? holder : holder.other();
                    epochRef[0]++;
                    for (Slot s : Slot.values()) {
                        if (s != next) {
                            fenceModel.put(s, epochRef[0]);
                        }
                        learnAtCycle.put(s, cycle + rnd.nextInt(3));
                    }
                    holder = next;
                    g.assign(epochRef[0], next, t);
                }
                for (Slot s : Slot.values()) {
                    boolean wrote = s == Slot.A ? wroteA : wroteB;
                    long arrive = s == Slot.A ? arriveA : arriveB;
                    if (!wrote && t >= arrive) {
                        if (s == Slot.A) {
                            wroteA = true;
                        } else {
                            wroteB = true;
                        }
                        boolean isHolder = s == holder;
                        if (isHolder && dropHolder) {
                            continue;
                        }
                        boolean accepted = !(isHolder && rejectHolder);
                        g.onOutput(s, cycle, knownEpoch.get(s), cycle * 31, cycle * 17, accepted, frame(s, cycle), 2, 10, t);
                    }
                }
                g.poll(t);
            }
            if (changeAt == Long.MAX_VALUE && everybodyKnows) {
                // Both replicas know the holder and nothing changes: the cycle must be served exactly once.
                expectedServed++;
                if (!servedCycles.contains(cycle)) {
                    violations.add("cycle " + cycle + " not served although both replicas were in step");
                }
            }
        }
        assertTrue(violations.isEmpty(), () -> violations.size() + " violations, first: " + violations.subList(0, Math.min(5, violations.size())));
        assertTrue(holderChanges > 100, "the run must exercise holder changes: " + holderChanges);
        assertTrue(expectedServed > cycles / 2);
        assertEquals(servedCycles.size(), g.outputsSent());
        assertEquals(lastCycle[0] - servedCycles.stream().mapToLong(Long::longValue).min().orElse(0) + 1,
                g.outputsSent() + g.missedCycles(), "sent plus missed covers every cycle once");
        assertTrue(g.fallbackOutputs() > 0 && g.lateDropped() > 0 && g.fencedAtGate() > 0,
                "the run must exercise fallback, late drop and fencing");
    }
}
