package io.pstr.core.status;

/**
 * Counters of the output gate.
 *
 * @param outputsSent        outputs written to the board, one per cycle at most
 * @param fallbackOutputs    cycles for which the holder's output was missing at the deadline and the other replica's went
 * @param fencedAtGate       outputs refused because their epoch was stale (a zombie's): they never reach the board
 * @param fencedReachedBoard stale-epoch outputs found at the board writer: must stay 0
 * @param lateDropped        holder outputs that came after their cycle had been served
 * @param missedCycles       cycles for which no acceptable output came at all
 * @param acceptanceRejected outputs refused because the replica's acceptance test failed
 * @param divergentCycles    cycles whose two outputs (or ODS hashes) differed
 */
public record GateStatus(
        long outputsSent,
        long fallbackOutputs,
        long fencedAtGate,
        long fencedReachedBoard,
        long lateDropped,
        long missedCycles,
        long acceptanceRejected,
        long divergentCycles) {
}
