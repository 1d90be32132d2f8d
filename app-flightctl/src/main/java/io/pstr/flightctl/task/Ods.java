package io.pstr.flightctl.task;

import io.pstr.core.status.MissionPhase;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Object data store: everything the flight task carries from one cycle to the next, and nothing else.
 * A checkpoint is {@link #toBytes()}; a restarted replica continues bit-identically from
 * {@link #fromBytes(byte[])}. Plain mutable fields for the step; the layout below is fixed, big-endian,
 * and starts with a version byte. Timers count cycles, never time.
 */
public final class Ods {

    public static final byte VERSION = 5;
    /** Client requests remembered for deduplication: a retransmission of one of these is acknowledged, not executed. */
    public static final int EXECUTED_REQUESTS_KEPT = 16;

    // mission
    public MissionPhase missionPhase = MissionPhase.PREFLIGHT;
    /** Set on the first step of a land-only plan so that the behaviour travels with a checkpoint. */
    public boolean landOnly;
    public int waypointIndex;
    public long phaseCycles;
    public long holdCyclesLeft;
    public long landDetectCycles;
    /** Accepted setpoints sent since start; PX4 wants a stream before it accepts OFFBOARD. */
    public long streamedSetpoints;
    /** Active position target (NED north, east; altitude up). */
    public double targetNorthM;
    public double targetEastM;
    public double targetAltitudeM;

    // commands
    /** Id of the last command request this task issued; grows by one per new request, not per resend. */
    public long lastRequestId;
    /** MAV_CMD being requested, 0 when none. */
    public int pendingCommand;
    public int commandAttempts;
    public long cyclesSinceCommand;
    public int lastAckCommand;
    public int lastAckResult = -1;

    // client requests
    /** Client requests executed since the mission started (not counting acknowledged retransmissions). */
    public long requestsExecuted;
    /** Ids of the last {@link #EXECUTED_REQUESTS_KEPT} requests handled, a ring written at {@link #executedNext}. */
    public final int[] executedIds = new int[EXECUTED_REQUESTS_KEPT];
    /** Result code acknowledged for each of {@link #executedIds} (MAV_RESULT or MAV_MISSION_RESULT). */
    public final byte[] executedResults = new byte[EXECUTED_REQUESTS_KEPT];
    /** Valid entries of the ring, up to {@link #EXECUTED_REQUESTS_KEPT}. */
    public int executedCount;
    public int executedNext;
    /** A requested waypoint flown before the plan's current one (a "go to"). */
    public boolean detourActive;
    public double detourNorthM;
    public double detourEastM;
    public double detourAltitudeM;
    /** Paused by a request: holds where it was; {@link #pausedFromPhase} is the phase to resume (its code). */
    public boolean paused;
    public int pausedFromPhase;
    /** The target the paused phase was flying to, restored when the mission continues. */
    public double resumeNorthM;
    public double resumeEastM;
    public double resumeAltitudeM;
    /** Cruise speed set by a request, 0 when the plan's applies. */
    public double cruiseSpeedMps;

    // controller
    public double velIntegratorNorth;
    public double velIntegratorEast;
    public double velIntegratorDown;

    // telemetry, as last received from the board
    public boolean positionSeen;
    public float positionNorthM;
    public float positionEastM;
    public float positionDownM;
    public float velocityNorthMps;
    public float velocityEastMps;
    public float velocityDownMps;
    public long positionBootMs;
    public boolean attitudeSeen;
    public float rollRad;
    public float pitchRad;
    public float yawRad;
    public long attitudeBootMs;
    /** Last cycle a board heartbeat arrived, -1 before the first. */
    public long heartbeatCycle = -1;
    public boolean armed;
    public int baseMode;
    public long customMode;
    /** MAV_AUTOPILOT of the board's last heartbeat (0 before the first): which autopilot's modes to speak. */
    public int autopilot;
    /** The board's last heartbeat said it is in a failsafe (system status critical or emergency). */
    public boolean boardFailsafe;
    /** Asking the board for OFFBOARD again after its failsafe took the aircraft while the mission was flying. */
    public boolean regainingControl;
    public boolean landedEstimate = true;
    /** Per {@link TelemetryStreams.Stream}: last cycle a frame of it arrived, and last cycle it was asked for; -1: never. */
    public final long[] streamSeenCycle = never(STREAMS);
    public final long[] streamAskedCycle = never(STREAMS);

    // output
    public boolean hasLastOutput;
    public float lastQw = 1f;
    public float lastQx;
    public float lastQy;
    public float lastQz;
    public float lastThrust;
    /** MAVLink sequence of the next frame sent, 0..255. */
    public int outputSequence;
    public long lastCycle = -1;
    public long badInputsTotal;

    /** The state before the first cycle of a plan (a fresh mission, or a cold start with a land-only plan). */
    public static Ods initial(MissionPlan plan) {
        Ods ods = new Ods();
        ods.landOnly = !plan.takeOff();
        return ods;
    }

    /** Entries of {@link #streamSeenCycle} and {@link #streamAskedCycle} (a new stream changes the layout: new VERSION). */
    static final int STREAMS = TelemetryStreams.STREAMS.length;

    /** Size of {@link #toBytes()}. */
    public static final int SIZE_BYTES = 1 + 1 + 1 + 4 + 8 * 4 + 8 * 3        // version .. targets
            + 8 + 4 + 4 + 8 + 4 + 4                                                // commands
            + 8 + 4 * EXECUTED_REQUESTS_KEPT + EXECUTED_REQUESTS_KEPT + 4 + 4      // executed requests
            + 1 + 8 * 3 + 1 + 4 + 8 * 3 + 8                                        // detour, pause, speed
            + 8 * 3                                                                 // integrators
            + 1 + 4 * 6 + 8 + 1 + 4 * 3 + 8 + 8 + 1 + 4 + 8 + 4 + 1 + 1 + 1        // telemetry
            + 8 * 2 * STREAMS                                                       // telemetry streams
            + 1 + 4 * 5 + 4 + 8 + 8;                                                // output

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.put(VERSION);
        b.put((byte) missionPhase.code());
        b.put(bool(landOnly));
        b.putInt(waypointIndex);
        b.putLong(phaseCycles);
        b.putLong(holdCyclesLeft);
        b.putLong(landDetectCycles);
        b.putLong(streamedSetpoints);
        b.putDouble(targetNorthM);
        b.putDouble(targetEastM);
        b.putDouble(targetAltitudeM);

        b.putLong(lastRequestId);
        b.putInt(pendingCommand);
        b.putInt(commandAttempts);
        b.putLong(cyclesSinceCommand);
        b.putInt(lastAckCommand);
        b.putInt(lastAckResult);

        b.putLong(requestsExecuted);
        for (int id : executedIds) {
            b.putInt(id);
        }
        b.put(executedResults);
        b.putInt(executedCount);
        b.putInt(executedNext);
        b.put(bool(detourActive));
        b.putDouble(detourNorthM);
        b.putDouble(detourEastM);
        b.putDouble(detourAltitudeM);
        b.put(bool(paused));
        b.putInt(pausedFromPhase);
        b.putDouble(resumeNorthM);
        b.putDouble(resumeEastM);
        b.putDouble(resumeAltitudeM);
        b.putDouble(cruiseSpeedMps);

        b.putDouble(velIntegratorNorth);
        b.putDouble(velIntegratorEast);
        b.putDouble(velIntegratorDown);

        b.put(bool(positionSeen));
        b.putFloat(positionNorthM);
        b.putFloat(positionEastM);
        b.putFloat(positionDownM);
        b.putFloat(velocityNorthMps);
        b.putFloat(velocityEastMps);
        b.putFloat(velocityDownMps);
        b.putLong(positionBootMs);
        b.put(bool(attitudeSeen));
        b.putFloat(rollRad);
        b.putFloat(pitchRad);
        b.putFloat(yawRad);
        b.putLong(attitudeBootMs);
        b.putLong(heartbeatCycle);
        b.put(bool(armed));
        b.putInt(baseMode);
        b.putLong(customMode);
        b.putInt(autopilot);
        b.put(bool(boardFailsafe));
        b.put(bool(regainingControl));
        b.put(bool(landedEstimate));
        for (int i = 0; i < STREAMS; i++) {
            b.putLong(streamSeenCycle[i]);
            b.putLong(streamAskedCycle[i]);
        }

        b.put(bool(hasLastOutput));
        b.putFloat(lastQw);
        b.putFloat(lastQx);
        b.putFloat(lastQy);
        b.putFloat(lastQz);
        b.putFloat(lastThrust);
        b.putInt(outputSequence);
        b.putLong(lastCycle);
        b.putLong(badInputsTotal);
        if (b.hasRemaining()) {
            throw new IllegalStateException("ODS layout and SIZE_BYTES disagree: " + b.remaining() + " bytes left");
        }
        return b.array();
    }

    /** @throws IllegalArgumentException when the bytes are not a checkpoint of this layout version */
    public static Ods fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("ODS checkpoint is null");
        }
        if (bytes.length != SIZE_BYTES) {
            throw new IllegalArgumentException("ODS checkpoint is " + bytes.length + " bytes, expected " + SIZE_BYTES);
        }
        if (bytes[0] != VERSION) {
            throw new IllegalArgumentException("ODS checkpoint has layout version " + bytes[0] + ", expected " + VERSION);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        b.get();
        Ods o = new Ods();
        o.missionPhase = MissionPhase.fromCode(b.get());
        o.landOnly = bool(b.get(), "landOnly");
        o.waypointIndex = b.getInt();
        o.phaseCycles = b.getLong();
        o.holdCyclesLeft = b.getLong();
        o.landDetectCycles = b.getLong();
        o.streamedSetpoints = b.getLong();
        o.targetNorthM = b.getDouble();
        o.targetEastM = b.getDouble();
        o.targetAltitudeM = b.getDouble();

        o.lastRequestId = b.getLong();
        o.pendingCommand = b.getInt();
        o.commandAttempts = b.getInt();
        o.cyclesSinceCommand = b.getLong();
        o.lastAckCommand = b.getInt();
        o.lastAckResult = b.getInt();

        o.requestsExecuted = b.getLong();
        for (int i = 0; i < EXECUTED_REQUESTS_KEPT; i++) {
            o.executedIds[i] = b.getInt();
        }
        b.get(o.executedResults);
        o.executedCount = b.getInt();
        o.executedNext = b.getInt();
        o.detourActive = bool(b.get(), "detourActive");
        o.detourNorthM = b.getDouble();
        o.detourEastM = b.getDouble();
        o.detourAltitudeM = b.getDouble();
        o.paused = bool(b.get(), "paused");
        o.pausedFromPhase = b.getInt();
        o.resumeNorthM = b.getDouble();
        o.resumeEastM = b.getDouble();
        o.resumeAltitudeM = b.getDouble();
        o.cruiseSpeedMps = b.getDouble();

        o.velIntegratorNorth = b.getDouble();
        o.velIntegratorEast = b.getDouble();
        o.velIntegratorDown = b.getDouble();

        o.positionSeen = bool(b.get(), "positionSeen");
        o.positionNorthM = b.getFloat();
        o.positionEastM = b.getFloat();
        o.positionDownM = b.getFloat();
        o.velocityNorthMps = b.getFloat();
        o.velocityEastMps = b.getFloat();
        o.velocityDownMps = b.getFloat();
        o.positionBootMs = b.getLong();
        o.attitudeSeen = bool(b.get(), "attitudeSeen");
        o.rollRad = b.getFloat();
        o.pitchRad = b.getFloat();
        o.yawRad = b.getFloat();
        o.attitudeBootMs = b.getLong();
        o.heartbeatCycle = b.getLong();
        o.armed = bool(b.get(), "armed");
        o.baseMode = b.getInt();
        o.customMode = b.getLong();
        o.autopilot = b.getInt();
        o.boardFailsafe = bool(b.get(), "boardFailsafe");
        o.regainingControl = bool(b.get(), "regainingControl");
        o.landedEstimate = bool(b.get(), "landedEstimate");
        for (int i = 0; i < STREAMS; i++) {
            o.streamSeenCycle[i] = b.getLong();
            o.streamAskedCycle[i] = b.getLong();
        }

        o.hasLastOutput = bool(b.get(), "hasLastOutput");
        o.lastQw = b.getFloat();
        o.lastQx = b.getFloat();
        o.lastQy = b.getFloat();
        o.lastQz = b.getFloat();
        o.lastThrust = b.getFloat();
        o.outputSequence = b.getInt();
        o.lastCycle = b.getLong();
        o.badInputsTotal = b.getLong();
        if (o.requestsExecuted < 0 || o.executedCount < 0 || o.executedCount > EXECUTED_REQUESTS_KEPT
                || o.executedNext < 0 || o.executedNext >= EXECUTED_REQUESTS_KEPT) {
            throw new IllegalArgumentException("ODS checkpoint has a bad executed-request ring: count " + o.executedCount
                    + ", next " + o.executedNext + ", executed " + o.requestsExecuted);
        }
        if (o.paused) {
            MissionPhase.fromCode(o.pausedFromPhase);
        }
        if (o.outputSequence < 0 || o.outputSequence > 255) {
            throw new IllegalArgumentException("ODS checkpoint has output sequence " + o.outputSequence + ", expected 0..255");
        }
        return o;
    }

    /** Index in {@link #executedIds} of a remembered request, or -1. */
    public int executedIndexOf(int requestId) {
        for (int i = 0; i < executedCount; i++) {
            int at = Math.floorMod(executedNext - 1 - i, EXECUTED_REQUESTS_KEPT);
            if (executedIds[at] == requestId) {
                return at;
            }
        }
        return -1;
    }

    /** Remembers a handled request and its result, forgetting the oldest when the ring is full. */
    public void rememberExecuted(int requestId, int result) {
        executedIds[executedNext] = requestId;
        executedResults[executedNext] = (byte) result;
        executedNext = (executedNext + 1) % EXECUTED_REQUESTS_KEPT;
        executedCount = Math.min(executedCount + 1, EXECUTED_REQUESTS_KEPT);
    }

    public Ods copy() {
        return fromBytes(toBytes());
    }

    /** FNV-1a 64 over {@link #toBytes()}: equal hashes on two replicas mean equal state. */
    public long hash() {
        return FlightTask.fnv1a(toBytes());
    }

    /** Altitude above the take-off point, from the last position received. */
    public double altitudeM() {
        return -(double) positionDownM;
    }

    private static long[] never(int n) {
        long[] cycles = new long[n];
        java.util.Arrays.fill(cycles, -1);
        return cycles;
    }

    private static byte bool(boolean value) {
        return value ? (byte) 1 : (byte) 0;
    }

    private static boolean bool(byte value, String field) {
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException("ODS checkpoint field " + field + " is " + value + ", expected 0 or 1");
        }
        return value == 1;
    }

    @Override
    public String toString() {
        return "Ods{phase=" + missionPhase + ", wp=" + waypointIndex + ", cycle=" + lastCycle
                + ", alt=" + altitudeM() + ", armed=" + armed + ", hash=" + Long.toHexString(hash()) + '}';
    }
}
