package io.pstr.core.tlog;

/**
 * The MAVLink telemetry log ({@code .tlog}) as QGroundControl, MAVProxy and MAVExplorer write and read it:
 * each MAVLink frame preceded by its time as an 8-byte big-endian count of microseconds since the Unix epoch,
 * nothing else (no header, no direction). Direction is told by the sender: frames from
 * {@link #HOST_SYSTEM_ID}/{@link #HOST_COMPONENT_ID} are the host's (the replicas' outputs), all others the board's.
 * <p>
 * Cycle boundaries are not MAVLink frames, so they go to a sidecar file next to the log (see
 * {@link CycleLog}): which board frames made up each cycle's inputs.
 */
public final class Tlog {

    /** Length of the timestamp before each frame. */
    public static final int TIMESTAMP_LENGTH = 8;
    /** The system id the replicas send with (the vehicle's own: 1). */
    public static final int HOST_SYSTEM_ID = 1;
    /** MAV_COMP_ID_ONBOARD_COMPUTER: the component id the replicas and the host manager send with. */
    public static final int HOST_COMPONENT_ID = 191;
    /** Timestamps further apart than this (a day) between neighbouring records mark a record as corrupt. */
    static final long PLAUSIBLE_JUMP_US = 86_400_000_000L;

    private Tlog() {
    }

    /** The sidecar that holds a log's cycle boundaries: {@code board.tlog} → {@code board.cycles}. */
    public static java.nio.file.Path cyclesFileOf(java.nio.file.Path tlog) {
        String name = tlog.getFileName().toString();
        String base = name.endsWith(".tlog") ? name.substring(0, name.length() - ".tlog".length()) : name;
        return tlog.resolveSibling(base + ".cycles");
    }

    /** Whether a whole frame was sent by the host (a replica's output or the manager's own command). */
    public static boolean fromHost(byte[] frame) {
        boolean v2 = (frame[0] & 0xFF) == io.pstr.core.mavlink.MavlinkCodec.STX_V2;
        int sys = frame[v2 ? 5 : 3] & 0xFF;
        int comp = frame[v2 ? 6 : 4] & 0xFF;
        return sys == HOST_SYSTEM_ID && comp == HOST_COMPONENT_ID;
    }
}
