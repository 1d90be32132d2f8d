package io.pstr.manager;

/**
 * Evidence about one slot gathered by the conductor for one poll of the state machine.
 *
 * @param processAlive           the sandbox's process is alive
 * @param ready                  the replica published READY (mapped its files, awaits START)
 * @param running                the replica published RUNNING
 * @param heartbeatAgeNs         now minus the replica's last heartbeat; {@code Long.MAX_VALUE} when none
 * @param syncStreak             consecutive cycles whose output and ODS hashes matched what went to the board
 * @param divergent              a cycle's hashes differed since the last poll
 * @param acceptanceFailStreak   consecutive outputs refused by the replica's own acceptance test
 * @param holderMissStreak       consecutive cycles in which this slot, as holder, missed the output deadline
 * @param takeoverRequested      the replica (as shadow) asked to take over since the last poll
 * @param inputLost              the host could not deliver some input to this replica since the last poll
 */
public record SlotView(
        boolean processAlive,
        boolean ready,
        boolean running,
        long heartbeatAgeNs,
        int syncStreak,
        boolean divergent,
        int acceptanceFailStreak,
        int holderMissStreak,
        boolean takeoverRequested,
        boolean inputLost) {

    public static final SlotView ABSENT = new SlotView(false, false, false, Long.MAX_VALUE, 0, false, 0, 0, false, false);
    /** A replica being launched whose process does not exist yet: as a freshly launched one looks. */
    public static final SlotView STARTING = new SlotView(true, false, false, 0, 0, false, 0, 0, false, false);
}
