package io.pstr.core.status;

import java.util.Map;

/**
 * One entry of the append-only event journal (a JSON line).
 *
 * @param seq       position in the journal, from 1, without gaps
 * @param monoNs    host monotonic time (comparable with the board's record)
 * @param wallMs    wall-clock time, for people
 * @param type      {@code FAILOVER}, {@code FAILBACK}, {@code STATE}, {@code FAULT}, {@code REPLICA}, {@code LINK}, ...
 * @param cause     why, e.g. {@code PROCESS_EXIT}, {@code HEARTBEAT_MISSED}, {@code ACCEPTANCE_TEST}
 * @param figures   measured numbers that go with the event (detection time, cycles affected, ...)
 */
public record JournalEvent(
        long seq,
        long monoNs,
        long wallMs,
        String type,
        String cause,
        String fromState,
        String toState,
        long epoch,
        long cycle,
        String slot,
        String message,
        Map<String, Object> figures) {
}
