package io.pstr.flightctl.task;

import io.pstr.core.status.MissionPhase;
import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.AttitudeTargetTypemask;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavMissionResult;
import io.dronefleet.mavlink.common.MavMissionType;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.MissionAck;
import io.dronefleet.mavlink.common.MissionItemInt;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.CompanionHeartbeat;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * The flight-control step. {@link #step} is a pure function of (ODS, the cycle's input frames in order, cycle
 * number, period): no clock, no randomness, no hash-ordered collections, {@link StrictMath} only, so two
 * replicas (or a replica restarted from a checkpoint) produce bit-identical frames and ODS bytes.
 * The only state outside the ODS is the fault-injection switch.
 */
public final class FlightTask {

    /** Fault injection on the setpoint, applied before the acceptance test. */
    public enum Corruption {
        NONE,
        /** NaN thrust and quaternion: the acceptance test must catch it. */
        NAN,
        /** Thrust above 1: the acceptance test must catch it. */
        OUT_OF_RANGE,
        /** Repeats the previous output: plausible, so only divergence from the other replica shows it. */
        FROZEN
    }

    public static final int BOARD_SYSTEM_ID = 1;
    public static final int BOARD_COMPONENT_ID = 1;
    public static final int OWN_SYSTEM_ID = 1;
    /** MAV_COMP_ID_ONBOARD_COMPUTER. */
    public static final int OWN_COMPONENT_ID = 191;

    static final int MSG_HEARTBEAT = MavlinkCodec.messageId(Heartbeat.class);
    static final int MSG_ATTITUDE = MavlinkCodec.messageId(Attitude.class);
    static final int MSG_LOCAL_POSITION_NED = MavlinkCodec.messageId(LocalPositionNed.class);
    /**
     * Every message the task decodes ({@link #readsMessage}) or encodes (setpoints, commands, acknowledgements, its
     * heartbeat): what a replica warms up before it says it is ready ({@link MavlinkCodec#warmUp}).
     */
    public static final int[] MESSAGES_HANDLED = {MSG_HEARTBEAT, MSG_ATTITUDE, MSG_LOCAL_POSITION_NED,
            MavlinkCodec.messageId(SetAttitudeTarget.class), ClientRequests.COMMAND_LONG, ClientRequests.COMMAND_ACK,
            ClientRequests.MISSION_ITEM_INT, ClientRequests.MISSION_ACK};
    static final int CMD_ARM_DISARM = 400;
    static final int CMD_DO_SET_MODE = 176;
    static final int PX4_MAIN_MODE_OFFBOARD = 6;
    static final int MAV_MODE_FLAG_SAFETY_ARMED = 128;
    /** HEARTBEAT system_status of a board in a failsafe (MAV_STATE_CRITICAL, MAV_STATE_EMERGENCY). */
    static final int MAV_STATE_CRITICAL = 5;
    static final int MAV_STATE_EMERGENCY = 6;
    static final int MAV_MODE_FLAG_CUSTOM_MODE_ENABLED = 1;
    /** PX4 accepts OFFBOARD only after setpoints have streamed this long. */
    static final int SETPOINT_STREAM_BEFORE_OFFBOARD_MS = 500;
    static final int COMMAND_RESEND_MS = 1000;
    static final int LAND_DETECT_MS = 1000;
    /** After touchdown, how long the board may refuse to disarm before it is asked to land (and disarm) by itself. */
    static final int HAND_OVER_LANDING_MS = 5000;
    /** Take-off ends closer to its altitude than a waypoint does, so the square starts level. */
    static final double TAKEOFF_ACCEPTANCE_M = 0.3;
    static final double LAND_DETECT_ALTITUDE_M = 0.15;
    static final double LAND_DETECT_VERTICAL_SPEED_MPS = 0.2;
    /** Looser than the land detector: only decides whether a cold start is on the ground. */
    static final double ON_GROUND_ALTITUDE_M = 0.3;
    static final double ON_GROUND_SPEED_MPS = 0.3;

    static final int CMD_NAV_LAND = 21;
    static final int CMD_NAV_WAYPOINT = 16;
    static final int CMD_DO_CHANGE_SPEED = 178;
    static final int CMD_DO_PAUSE_CONTINUE = 193;
    static final int PX4_MAIN_MODE_AUTO = 4;
    static final int PX4_AUTO_MISSION = 4;
    static final int PX4_AUTO_LOITER = 3;
    static final int PX4_AUTO_LAND = 6;
    static final int MAV_FRAME_LOCAL_NED = 1;
    static final int RESULT_ACCEPTED = 0;
    static final int RESULT_DENIED = 2;
    static final int RESULT_UNSUPPORTED = 3;
    static final int MISSION_UNSUPPORTED_FRAME = 2;
    static final int MISSION_UNSUPPORTED = 3;
    static final int MISSION_INVALID_PARAM5_X = 10;
    static final int MISSION_INVALID_PARAM7 = 12;
    static final int MISSION_DENIED = 14;
    /** Requests handled in one cycle; more are skipped and counted (the sender retransmits). */
    public static final int MAX_REQUESTS_PER_CYCLE = 16;
    static final double MIN_CRUISE_SPEED_MPS = 0.5;
    static final double MAX_CRUISE_SPEED_MPS = 15.0;

    private static final Logger LOG = LoggerFactory.getLogger(FlightTask.class);
    private static final List<Float> NO_THRUST_BODY = List.of(0f, 0f, 0f);
    /**
     * The flight-control computer announces itself once a second, as every MAVLink component does: PX4 warns "Connection
     * to mission computer lost" when an onboard controller's heartbeats stop for COM_OBC_LOSS_T (5 s), which the
     * pre-flight's heartbeats alone made it say 5 s into every flight. Sent by whichever replica holds the I/O (the host
     * stands in while no replica output reaches the board); a cycle number, not a clock, decides when, so both replicas
     * send it alike.
     */
    private static final Heartbeat COMPANION_HEARTBEAT = CompanionHeartbeat.of(MavState.MAV_STATE_ACTIVE);

    /** Written by {@link #setPlan} on the thread that runs {@link #step}, between steps. */
    private MissionPlan plan;
    private final PositionController controller;
    private final AcceptanceTest acceptanceTest;
    private final MavlinkCodec codec = new MavlinkCodec();
    private final Logger log;
    private volatile Corruption corruption = Corruption.NONE;

    public FlightTask(MissionPlan plan, PositionController controller, AcceptanceTest acceptanceTest) {
        this(plan, controller, acceptanceTest, LOG);
    }

    public FlightTask(MissionPlan plan) {
        this(plan, LOG);
    }

    private FlightTask(MissionPlan plan, Logger log) {
        this(plan, new PositionController(PositionController.Gains.defaults()), new AcceptanceTest(), log);
    }

    private FlightTask(MissionPlan plan, PositionController controller, AcceptanceTest acceptanceTest, Logger log) {
        this.plan = plan.validate();
        this.controller = controller;
        this.acceptanceTest = acceptanceTest;
        this.log = log;
    }

    /**
     * A task that logs nothing, for throwaway steps (a replica's warm-up): its phase changes and requests are not
     * the aircraft's and must not read as if they were.
     */
    public static FlightTask quiet(MissionPlan plan) {
        return new FlightTask(plan, NOPLogger.NOP_LOGGER);
    }

    public MissionPlan plan() {
        return plan;
    }

    /** Replaces the plan between steps, on the step thread (configuration only; the progress stays in the ODS). */
    public void setPlan(MissionPlan plan) {
        this.plan = plan.validate();
    }

    /** Ordinals of {@link Corruption} are its wire code in fault-injection messages. */
    public void setOutputCorruption(Corruption corruption) {
        this.corruption = corruption;
    }

    public Corruption outputCorruption() {
        return corruption;
    }

    /** Command chosen by the mission for this cycle. */
    private record Command(int id, float param1, float param2, int confirmation) {
    }

    /** A client request found in the cycle's input. */
    private record Request(Object payload, int sourceSystem, int sourceComponent, int id) {
    }

    /**
     * Runs one control cycle. Never throws on bad input: malformed frames are counted in
     * {@link StepResult#badInputs()} and skipped. Mutates {@code ods}.
     */
    public StepResult step(Ods ods, List<byte[]> inputFrames, long cycle, int periodMs) {
        if (periodMs <= 0) {
            throw new IllegalArgumentException("periodMs must be > 0, got " + periodMs);
        }
        if (ods.lastCycle < 0 && !plan.takeOff()) {
            ods.landOnly = true;
        }
        List<Request> requests = new ArrayList<>(0);
        int badInputs = absorb(ods, inputFrames, cycle, requests);
        ods.badInputsTotal += badInputs;
        if (ods.cyclesSinceCommand < Long.MAX_VALUE) {
            ods.cyclesSinceCommand++;
        }
        int requestsOverflow = Math.max(0, requests.size() - MAX_REQUESTS_PER_CYCLE);
        List<HandledRequest> handled = new ArrayList<>(Math.min(requests.size(), MAX_REQUESTS_PER_CYCLE));
        for (int i = 0; i < requests.size() && i < MAX_REQUESTS_PER_CYCLE; i++) {
            handled.add(handle(ods, requests.get(i), cycle, periodMs));
        }
        if (requestsOverflow > 0) {
            log.warn("cycle {}: {} client requests beyond {} skipped", cycle, requestsOverflow, MAX_REQUESTS_PER_CYCLE);
        }

        Command command = advanceMission(ods, cycle, periodMs);
        TelemetryStreams.Ask streams = TelemetryStreams.next(ods, cycle, periodMs, log);
        Setpoint setpoint = corrupt(setpointFor(ods, periodMs), ods);
        Setpoint previous = ods.hasLastOutput ? lastOutput(ods) : null;
        AcceptanceTest.Result check = acceptanceTest.check(setpoint, previous,
                ods.targetNorthM, ods.targetEastM, ods.targetAltitudeM, periodMs);

        List<byte[]> frames = new ArrayList<>(4 + handled.size());
        if (check.accepted()) {
            long timeBootMs = cycle * periodMs;
            frames.add(codec.encodeV2(attitudeTarget(setpoint, timeBootMs), OWN_SYSTEM_ID, OWN_COMPONENT_ID, nextSequence(ods)));
            if (command != null) {
                frames.add(codec.encodeV2(commandLong(command), OWN_SYSTEM_ID, OWN_COMPONENT_ID, nextSequence(ods)));
            }
            if (streams != null) {
                frames.add(codec.encodeV2(commandLong(new Command(TelemetryStreams.CMD_SET_MESSAGE_INTERVAL,
                        streams.messageId(), streams.intervalUs(), 0)), OWN_SYSTEM_ID, OWN_COMPONENT_ID, nextSequence(ods)));
            }
            for (int i = 0; i < handled.size(); i++) {
                frames.add(codec.encodeV2(ack(requests.get(i), handled.get(i).result()), OWN_SYSTEM_ID, OWN_COMPONENT_ID,
                        nextSequence(ods)));
            }
            if (cycle % MissionPlan.cycles(CompanionHeartbeat.PERIOD_MS, periodMs) == 0) {
                frames.add(codec.encodeV2(COMPANION_HEARTBEAT, OWN_SYSTEM_ID, OWN_COMPONENT_ID, nextSequence(ods)));
            }
            ods.hasLastOutput = true;
            ods.lastQw = setpoint.qw();
            ods.lastQx = setpoint.qx();
            ods.lastQy = setpoint.qy();
            ods.lastQz = setpoint.qz();
            ods.lastThrust = setpoint.thrust();
            ods.streamedSetpoints++;
        } else {
            log.warn("cycle {}: output rejected by the acceptance test: {} {}", cycle, check.reason(), check.detail());
        }
        ods.lastCycle = cycle;
        ods.phaseCycles++;
        return new StepResult(frames, check.accepted(), check.detail(), check.reason(),
                fnv1a(frames), ods.hash(), ods.missionPhase, badInputs, handled, requestsOverflow);
    }

    // ---------------------------------------------------------------- inputs

    /**
     * Applies the board's telemetry to the ODS and collects the client requests in arrival order;
     * returns how many frames were malformed or undecodable.
     */
    private int absorb(Ods ods, List<byte[]> inputFrames, long cycle, List<Request> requests) {
        int bad = 0;
        for (int i = 0; i < inputFrames.size(); i++) {
            byte[] frame = inputFrames.get(i);
            if (!wellFormed(frame)) {
                bad++;
                continue;
            }
            int messageId = MavlinkCodec.messageIdOf(frame, 0);
            int system = sourceSystem(frame);
            int component = sourceComponent(frame);
            boolean fromBoard = system == BOARD_SYSTEM_ID && component == BOARD_COMPONENT_ID;
            if (fromBoard) {
                TelemetryStreams.seen(ods, messageId, cycle);
            }
            if (!readsMessage(messageId)) {
                continue;
            }
            Object payload;
            try {
                payload = codec.decodePayload(frame);
            } catch (RuntimeException e) {
                bad++;
                continue;
            }
            if (ClientRequests.isRequest(payload, system, component)) {
                requests.add(new Request(payload, system, component, ClientRequests.requestId(payload, system, component)));
                continue;
            }
            if (fromBoard) {
                apply(ods, payload, cycle);
            }
        }
        return bad;
    }

    /**
     * The messages the task reads; it decodes no other. A board streams dozens (PX4's SITL about 30 kinds to a
     * companion), and the MAVLink library's first decodes of a kind and its 16th (when the JDK defines its reflective
     * accessors) cost milliseconds each: in PX4's SITL the kinds streamed at 10 Hz reached their 16th together 1.6 s into
     * the flight and held the holder's step up for 60-100 ms, long enough for its shadow to take over. A frame of another
     * kind is whole and checked, only not the task's: not counted bad.
     */
    public static boolean readsMessage(int messageId) {
        return messageId == MSG_HEARTBEAT || messageId == MSG_ATTITUDE || messageId == MSG_LOCAL_POSITION_NED
                || messageId == ClientRequests.COMMAND_ACK || ClientRequests.isRequestMessage(messageId);
    }

    private static void apply(Ods ods, Object payload, long cycle) {
        if (payload instanceof LocalPositionNed p) {
            ods.positionSeen = true;
            ods.positionNorthM = p.x();
            ods.positionEastM = p.y();
            ods.positionDownM = p.z();
            ods.velocityNorthMps = p.vx();
            ods.velocityEastMps = p.vy();
            ods.velocityDownMps = p.vz();
            ods.positionBootMs = p.timeBootMs();
            double speedMps = StrictMath.sqrt((double) p.vx() * p.vx() + (double) p.vy() * p.vy() + (double) p.vz() * p.vz());
            ods.landedEstimate = -p.z() < ON_GROUND_ALTITUDE_M && speedMps < ON_GROUND_SPEED_MPS;
        } else if (payload instanceof Attitude a) {
            ods.attitudeSeen = true;
            ods.rollRad = a.roll();
            ods.pitchRad = a.pitch();
            ods.yawRad = a.yaw();
            ods.attitudeBootMs = a.timeBootMs();
        } else if (payload instanceof Heartbeat h) {
            ods.heartbeatCycle = cycle;
            ods.baseMode = h.baseMode() == null ? 0 : h.baseMode().value();
            ods.customMode = h.customMode();
            ods.autopilot = h.autopilot() == null ? 0 : h.autopilot().value();
            ods.armed = (ods.baseMode & MAV_MODE_FLAG_SAFETY_ARMED) != 0;
            int state = h.systemStatus() == null ? 0 : h.systemStatus().value();
            ods.boardFailsafe = state == MAV_STATE_CRITICAL || state == MAV_STATE_EMERGENCY;
        } else if (payload instanceof CommandAck ack) {
            ods.lastAckCommand = ack.command() == null ? 0 : ack.command().value();
            ods.lastAckResult = ack.result() == null ? -1 : ack.result().value();
        }
    }

    /** Checks start byte, length and CRC ourselves: the step must never trust, nor throw on, its input. */
    static boolean wellFormed(byte[] frame) {
        if (frame == null || frame.length < 8) {
            return false;
        }
        int stx = frame[0] & 0xFF;
        int payloadLength = frame[1] & 0xFF;
        int headerLength;
        int expectedLength;
        if (stx == MavlinkCodec.STX_V2) {
            headerLength = 10;
            boolean signed = (frame[2] & 0x01) != 0;
            expectedLength = headerLength + payloadLength + 2 + (signed ? MavlinkCodec.SIGNATURE_LENGTH : 0);
        } else if (stx == MavlinkCodec.STX_V1) {
            headerLength = 6;
            expectedLength = headerLength + payloadLength + 2;
        } else {
            return false;
        }
        if (frame.length != expectedLength) {
            return false;
        }
        int crcExtra = MavlinkCodec.crcExtra(MavlinkCodec.messageIdOf(frame, 0));
        if (crcExtra < 0) {
            return false;
        }
        int crcOffset = headerLength + payloadLength;
        int expected = MavlinkFrameSplitter.crc(frame, 1, headerLength - 1 + payloadLength, crcExtra);
        int actual = (frame[crcOffset] & 0xFF) | (frame[crcOffset + 1] & 0xFF) << 8;
        return expected == actual;
    }

    private static int sourceSystem(byte[] frame) {
        return ClientRequests.sourceSystem(frame, 0);
    }

    private static int sourceComponent(byte[] frame) {
        return ClientRequests.sourceComponent(frame, 0);
    }

    // ---------------------------------------------------------------- client requests

    /**
     * Executes a request, or recognises a retransmission of one already handled (it is acknowledged
     * with the result it had, and not executed again). The id and result go into the ODS.
     */
    private HandledRequest handle(Ods ods, Request r, long cycle, int periodMs) {
        int known = ods.executedIndexOf(r.id());
        if (known >= 0) {
            int result = ods.executedResults[known];
            log.info("cycle {}: request {} from {}/{} is a retransmission: acknowledged again ({})", cycle,
                    Integer.toHexString(r.id()), r.sourceSystem(), r.sourceComponent(), result);
            return new HandledRequest(r.id(), result, true);
        }
        int result = r.payload() instanceof MissionItemInt item ? newWaypoint(ods, item, cycle)
                : command(ods, (CommandLong) r.payload(), cycle, periodMs);
        ods.rememberExecuted(r.id(), result);
        if (result == RESULT_ACCEPTED) {
            ods.requestsExecuted++;
        }
        log.info("cycle {}: request {} from {}/{} executed: result {}", cycle, Integer.toHexString(r.id()),
                r.sourceSystem(), r.sourceComponent(), result);
        return new HandledRequest(r.id(), result, false);
    }

    private int command(Ods ods, CommandLong c, long cycle, int periodMs) {
        int id = c.command() == null ? -1 : c.command().value();
        switch (id) {
            case CMD_NAV_LAND:
                return land(ods, cycle);
            case CMD_DO_PAUSE_CONTINUE:
                if (c.param1() == 0f) {
                    return pause(ods, cycle);
                }
                return c.param1() == 1f ? resume(ods, cycle, periodMs) : RESULT_DENIED;
            case CMD_DO_CHANGE_SPEED:
                if (c.param2() == -1f) {
                    return RESULT_ACCEPTED;
                }
                if (!(c.param2() >= MIN_CRUISE_SPEED_MPS && c.param2() <= MAX_CRUISE_SPEED_MPS)) {
                    return RESULT_DENIED;
                }
                ods.cruiseSpeedMps = c.param2();
                return RESULT_ACCEPTED;
            case CMD_DO_SET_MODE:
                if (((int) c.param1() & MAV_MODE_FLAG_CUSTOM_MODE_ENABLED) == 0) {
                    return RESULT_UNSUPPORTED;
                }
                // In the board's autopilot's numbers: a ground station speaks to the board, not to us.
                return switch (AutopilotModes.of(ods).asked((int) c.param2(), (int) c.param3())) {
                    case RESUME -> resume(ods, cycle, periodMs);
                    case PAUSE -> pause(ods, cycle);
                    case LAND -> land(ods, cycle);
                    case UNSUPPORTED -> RESULT_UNSUPPORTED;
                };
            default:
                return RESULT_UNSUPPORTED;
        }
    }

    private static boolean flying(Ods ods) {
        return ods.missionPhase == MissionPhase.TAKEOFF || ods.missionPhase == MissionPhase.WAYPOINT
                || ods.missionPhase == MissionPhase.HOLD;
    }

    private int land(Ods ods, long cycle) {
        if (ods.missionPhase == MissionPhase.PREFLIGHT) {
            return RESULT_DENIED;
        }
        if (flying(ods)) {
            ods.paused = false;
            ods.detourActive = false;
            enter(ods, MissionPhase.LAND, cycle, "land requested");
        }
        return RESULT_ACCEPTED;
    }

    private int pause(Ods ods, long cycle) {
        if (ods.paused) {
            return RESULT_ACCEPTED;
        }
        if (!flying(ods)) {
            return RESULT_DENIED;
        }
        ods.paused = true;
        ods.pausedFromPhase = ods.missionPhase.code();
        ods.resumeNorthM = ods.targetNorthM;
        ods.resumeEastM = ods.targetEastM;
        ods.resumeAltitudeM = ods.targetAltitudeM;
        setTarget(ods, ods.positionNorthM, ods.positionEastM, ods.altitudeM());
        MissionPhase from = ods.missionPhase;
        long holdLeft = ods.holdCyclesLeft;
        enter(ods, MissionPhase.HOLD, cycle, "pause requested in " + from);
        ods.holdCyclesLeft = from == MissionPhase.HOLD ? holdLeft : 1;
        return RESULT_ACCEPTED;
    }

    private int resume(Ods ods, long cycle, int periodMs) {
        if (!ods.paused) {
            return flying(ods) ? RESULT_ACCEPTED : RESULT_DENIED;
        }
        ods.paused = false;
        setTarget(ods, ods.resumeNorthM, ods.resumeEastM, ods.resumeAltitudeM);
        long holdLeft = ods.holdCyclesLeft;
        enter(ods, MissionPhase.fromCode(ods.pausedFromPhase), cycle, "continue requested");
        ods.holdCyclesLeft = holdLeft;
        return RESULT_ACCEPTED;
    }

    /** A "go to": fly to the point, hold there as at a waypoint, then carry on with the plan where it was. */
    private int newWaypoint(Ods ods, MissionItemInt item, long cycle) {
        if (item.missionType() != null && item.missionType().value() != 0) {
            return MISSION_UNSUPPORTED;
        }
        if (item.frame() == null || item.frame().value() != MAV_FRAME_LOCAL_NED) {
            return MISSION_UNSUPPORTED_FRAME;
        }
        if (item.command() == null || item.command().value() != CMD_NAV_WAYPOINT) {
            return MISSION_UNSUPPORTED;
        }
        double northM = item.x() / 1e4;
        double eastM = item.y() / 1e4;
        double altitudeM = -(double) item.z();
        if (!(altitudeM >= 1.0 && altitudeM <= MissionPlan.MAX_ALTITUDE_M)) {
            return MISSION_INVALID_PARAM7;
        }
        if (!(StrictMath.sqrt(northM * northM + eastM * eastM) <= MissionPlan.MAX_RADIUS_M)) {
            return MISSION_INVALID_PARAM5_X;
        }
        if (!flying(ods)) {
            return MISSION_DENIED;
        }
        ods.paused = false;
        ods.detourActive = true;
        ods.detourNorthM = northM;
        ods.detourEastM = eastM;
        ods.detourAltitudeM = altitudeM;
        setTarget(ods, northM, eastM, altitudeM);
        enter(ods, MissionPhase.WAYPOINT, cycle, "new waypoint requested");
        return RESULT_ACCEPTED;
    }

    private static Object ack(Request r, int result) {
        if (r.payload() instanceof MissionItemInt) {
            return MissionAck.builder()
                    .targetSystem(r.sourceSystem())
                    .targetComponent(r.sourceComponent())
                    .type(EnumValue.create(MavMissionResult.class, result))
                    .missionType(EnumValue.create(MavMissionType.class, 0))
                    .build();
        }
        CommandLong c = (CommandLong) r.payload();
        return CommandAck.builder()
                .command(c.command())
                .result(EnumValue.create(MavResult.class, result))
                .resultParam2(r.id())
                .targetSystem(r.sourceSystem())
                .targetComponent(r.sourceComponent())
                .build();
    }

    // ---------------------------------------------------------------- mission

    private Command advanceMission(Ods ods, long cycle, int periodMs) {
        if (flying(ods) && boardSeen(ods)) {
            Command regain = regainControl(ods, cycle, periodMs);
            if (regain != null || ods.regainingControl || !ods.armed) {
                return regain;
            }
        }
        switch (ods.missionPhase) {
            case PREFLIGHT:
                return ods.landOnly ? preflightLandOnly(ods, cycle, periodMs) : preflight(ods, cycle, periodMs);
            case TAKEOFF:
                if (distanceToTargetM(ods) < Math.min(plan.acceptanceRadiusM(), TAKEOFF_ACCEPTANCE_M)) {
                    if (plan.waypoints().isEmpty()) {
                        startHold(ods, plan.finalHoldMs(), cycle, periodMs, "take-off altitude reached");
                    } else {
                        startWaypoint(ods, 0, cycle, "take-off altitude reached");
                    }
                }
                return null;
            case WAYPOINT:
                if (distanceToTargetM(ods) < plan.acceptanceRadiusM()) {
                    if (ods.detourActive) {
                        startHold(ods, plan.waypointHoldMs(), cycle, periodMs, "requested waypoint reached");
                        return null;
                    }
                    boolean last = ods.waypointIndex >= plan.waypoints().size() - 1;
                    startHold(ods, last ? plan.finalHoldMs() : plan.waypointHoldMs(), cycle, periodMs,
                            "waypoint " + ods.waypointIndex + " reached");
                }
                return null;
            case HOLD:
                if (ods.paused) {
                    return null;
                }
                ods.holdCyclesLeft--;
                if (ods.holdCyclesLeft <= 0) {
                    if (ods.detourActive) {
                        ods.detourActive = false;
                        if (ods.landOnly || plan.waypoints().isEmpty()) {
                            enter(ods, MissionPhase.LAND, cycle, "hold at the requested waypoint over");
                        } else {
                            startWaypoint(ods, ods.waypointIndex, cycle, "back to the plan");
                        }
                    } else if (ods.landOnly || ods.waypointIndex >= plan.waypoints().size() - 1) {
                        enter(ods, MissionPhase.LAND, cycle, "final hold over");
                    } else {
                        startWaypoint(ods, ods.waypointIndex + 1, cycle, "hold over");
                    }
                }
                return null;
            case LAND:
                boolean touching = ods.altitudeM() < LAND_DETECT_ALTITUDE_M
                        && Math.abs(ods.velocityDownMps) < LAND_DETECT_VERTICAL_SPEED_MPS;
                ods.landDetectCycles = touching ? ods.landDetectCycles + 1 : 0;
                if (ods.landDetectCycles >= MissionPlan.cycles(LAND_DETECT_MS, periodMs)) {
                    enter(ods, MissionPhase.LANDED, cycle, "touchdown detected");
                } else if (!ods.armed) {
                    enter(ods, MissionPhase.LANDED, cycle, "board disarmed");
                }
                return null;
            case LANDED:
                return disarmAfterTouchdown(ods, cycle, periodMs);
            case IDLE:
            default:
                return null;
        }
    }

    /**
     * On the ground after the mission: disarm once the thrust has ramped to 0 (slew limit), so the motors are idle when
     * the board disarms. A board refuses a disarm while its own land detector does not say landed, and ArduCopter's
     * may not say so under thrust setpoints: seen in its SITL, with GUID_TIMEOUT 3 s, after every flight with an
     * outage of 2–3 s (both replicas killed and a cold-started one finishing the landing, three times; the link
     * unplugged for 3 s, once): every disarm FAILED, for 30 s until stopped by hand. Flights without an outage, and
     * one with GUID_TIMEOUT 0.5 s and a 2.3 s outage, disarmed at the second attempt. If the board is still armed
     * {@value #HAND_OVER_LANDING_MS} ms after touchdown, the task asks it to land by itself (MAV_CMD_NAV_LAND: PX4
     * AUTO.LAND, ArduCopter LAND), whose detector disarms it (there: 1.5 s later).
     */
    private Command disarmAfterTouchdown(Ods ods, long cycle, int periodMs) {
        if (!ods.armed) {
            ods.pendingCommand = 0;
            return null;
        }
        if (ods.lastThrust != 0f) {
            return null;
        }
        if (ods.phaseCycles < MissionPlan.cycles(HAND_OVER_LANDING_MS, periodMs)) {
            return request(ods, CMD_ARM_DISARM, 0f, 0f, periodMs);
        }
        if (AutopilotModes.of(ods).landing(ods.customMode)) {
            ods.pendingCommand = 0;
            return null;
        }
        if (ods.pendingCommand != CMD_NAV_LAND) {
            log.warn("cycle {}: the board is still armed {} ms after touchdown (disarm refused): asking it to land by itself",
                    cycle, ods.phaseCycles * periodMs);
        }
        return request(ods, CMD_NAV_LAND, 0f, 0f, periodMs);
    }

    /**
     * While the mission flies, the board may take the aircraft from us: its own failsafe (setpoints lost, e.g.
     * the link between us unplugged for longer than its offboard-loss timeout) starts a descent. Once our
     * setpoints reach it again, ask for OFFBOARD (ArduCopter: GUIDED; resent once a second) and go on with the
     * mission from where the aircraft is; meanwhile the mission does not advance and the controller's integrators
     * stay at zero (the board is not following them). A mode the board is in without a failsafe (a pilot or a ground
     * station chose it) is left alone, and an aircraft the board landed and disarmed is not flown again.
     *
     * @return the command to send, or null
     */
    private Command regainControl(Ods ods, long cycle, int periodMs) {
        if (!ods.armed) {
            if (ods.landedEstimate) {
                stopRegaining(ods);
                enter(ods, MissionPhase.IDLE, cycle, "the board landed and disarmed the aircraft on its own");
            }
            return null;
        }
        if (offboard(ods)) {
            if (ods.regainingControl) {
                stopRegaining(ods);
                log.info("cycle {}: the board follows our setpoints again ({}), altitude {} m; the mission goes on",
                        cycle, AutopilotModes.of(ods).followingName(), ods.altitudeM());
            }
            return null;
        }
        if (!ods.boardFailsafe) {
            if (ods.regainingControl) {
                stopRegaining(ods);
                log.warn("cycle {}: the board left its failsafe for mode {}, not ours: left alone", cycle,
                        Long.toHexString(ods.customMode));
            }
            return null;
        }
        if (!ods.regainingControl) {
            ods.regainingControl = true;
            String following = AutopilotModes.of(ods).followingName();
            log.warn("cycle {}: the board left {} in a failsafe (mode {}), altitude {} m: asking for {} again",
                    cycle, following, Long.toHexString(ods.customMode), ods.altitudeM(), following);
        }
        ods.velIntegratorNorth = 0;
        ods.velIntegratorEast = 0;
        ods.velIntegratorDown = 0;
        return requestFollowing(ods, periodMs);
    }

    /** No longer asking for OFFBOARD: nor is the mode request pending, so the next request gets a new id. */
    private static void stopRegaining(Ods ods) {
        ods.regainingControl = false;
        ods.pendingCommand = 0;
    }

    private Command preflight(Ods ods, long cycle, int periodMs) {
        if (!boardSeen(ods) || ods.streamedSetpoints < MissionPlan.cycles(SETPOINT_STREAM_BEFORE_OFFBOARD_MS, periodMs)) {
            return null;
        }
        if (!offboard(ods)) {
            return requestFollowing(ods, periodMs);
        }
        if (!ods.armed) {
            return request(ods, CMD_ARM_DISARM, 1f, 0f, periodMs);
        }
        ods.pendingCommand = 0;
        setTarget(ods, ods.positionNorthM, ods.positionEastM, plan.takeoffAltitudeM());
        enter(ods, MissionPhase.TAKEOFF, cycle, "offboard and armed");
        return null;
    }

    /** Cold start: never arm, never climb; take over where the aircraft is and bring it down. */
    private Command preflightLandOnly(Ods ods, long cycle, int periodMs) {
        if (!boardSeen(ods)) {
            return null;
        }
        if (!ods.armed && ods.landedEstimate) {
            enter(ods, MissionPhase.IDLE, cycle, "cold start on the ground, disarmed");
            return null;
        }
        if (!offboard(ods)) {
            // the hold point follows the aircraft until the board takes our setpoints, and nothing winds up meanwhile
            setTarget(ods, ods.positionNorthM, ods.positionEastM, ods.altitudeM());
            ods.velIntegratorNorth = 0;
            ods.velIntegratorEast = 0;
            ods.velIntegratorDown = 0;
            if (ods.streamedSetpoints < MissionPlan.cycles(SETPOINT_STREAM_BEFORE_OFFBOARD_MS, periodMs)) {
                return null;
            }
            return requestFollowing(ods, periodMs);
        }
        ods.pendingCommand = 0;
        if (!ods.armed) {
            enter(ods, MissionPhase.IDLE, cycle, "cold start, offboard but disarmed");
        } else if (ods.landedEstimate) {
            enter(ods, MissionPhase.LAND, cycle, "cold start on the ground, armed");
        } else {
            startHold(ods, plan.finalHoldMs(), cycle, periodMs, "cold start in flight: holding, then landing");
        }
        return null;
    }

    private void startWaypoint(Ods ods, int index, long cycle, String cause) {
        MissionPlan.Waypoint wp = plan.waypoints().get(index);
        ods.waypointIndex = index;
        setTarget(ods, wp.northM(), wp.eastM(), wp.altitudeM());
        enter(ods, MissionPhase.WAYPOINT, cycle, cause);
    }

    private void startHold(Ods ods, long holdMs, long cycle, int periodMs, String cause) {
        ods.holdCyclesLeft = Math.max(1, MissionPlan.cycles(holdMs, periodMs));
        enter(ods, MissionPhase.HOLD, cycle, cause);
    }

    private void enter(Ods ods, MissionPhase phase, long cycle, String cause) {
        log.info("cycle {}: {} -> {} ({}), wp {}, altitude {} m", cycle, ods.missionPhase, phase, cause,
                ods.waypointIndex, ods.altitudeM());
        ods.missionPhase = phase;
        ods.phaseCycles = 0;
        ods.landDetectCycles = 0;
    }

    /** A new command gets a new request id; the same one is resent once a second until the board shows it. */
    private static Command request(Ods ods, int commandId, float param1, float param2, int periodMs) {
        if (ods.pendingCommand != commandId) {
            ods.pendingCommand = commandId;
            ods.lastRequestId++;
            ods.commandAttempts = 0;
        } else if (ods.cyclesSinceCommand < MissionPlan.cycles(COMMAND_RESEND_MS, periodMs)) {
            return null;
        } else {
            ods.commandAttempts++;
        }
        ods.cyclesSinceCommand = 0;
        return new Command(commandId, param1, param2, Math.min(ods.commandAttempts, 255));
    }

    private static void setTarget(Ods ods, double northM, double eastM, double altitudeM) {
        ods.targetNorthM = northM;
        ods.targetEastM = eastM;
        ods.targetAltitudeM = altitudeM;
    }

    private static boolean boardSeen(Ods ods) {
        return ods.heartbeatCycle >= 0 && ods.positionSeen;
    }

    /** The board follows our setpoints: PX4 in OFFBOARD, ArduCopter in GUIDED. */
    private static boolean offboard(Ods ods) {
        return AutopilotModes.of(ods).following(ods.customMode);
    }

    /** Asks the board for the mode where it follows our setpoints, in its autopilot's numbers. */
    private static Command requestFollowing(Ods ods, int periodMs) {
        return request(ods, CMD_DO_SET_MODE, MAV_MODE_FLAG_CUSTOM_MODE_ENABLED, AutopilotModes.of(ods).followingMode(), periodMs);
    }

    private static double distanceToTargetM(Ods ods) {
        double dN = ods.targetNorthM - ods.positionNorthM;
        double dE = ods.targetEastM - ods.positionEastM;
        double dUp = ods.targetAltitudeM - ods.altitudeM();
        return StrictMath.sqrt(dN * dN + dE * dE + dUp * dUp);
    }

    // ---------------------------------------------------------------- output

    private Setpoint setpointFor(Ods ods, int periodMs) {
        switch (ods.missionPhase) {
            case TAKEOFF:
            case WAYPOINT:
            case HOLD:
                return controller.fly(ods, cruiseSpeed(ods), false, periodMs);
            case LAND:
                return controller.fly(ods, cruiseSpeed(ods), true, periodMs);
            case PREFLIGHT:
                return ods.landOnly && !ods.landedEstimate
                        ? controller.fly(ods, cruiseSpeed(ods), false, periodMs)
                        : controller.ground(ods, periodMs);
            case LANDED:
            case IDLE:
            default:
                return controller.ground(ods, periodMs);
        }
    }

    private double cruiseSpeed(Ods ods) {
        return ods.cruiseSpeedMps > 0 ? ods.cruiseSpeedMps : plan.cruiseSpeedMps();
    }

    private Setpoint corrupt(Setpoint setpoint, Ods ods) {
        switch (corruption) {
            case NAN:
                return new Setpoint(Float.NaN, setpoint.qx(), setpoint.qy(), setpoint.qz(), Float.NaN);
            case OUT_OF_RANGE:
                return new Setpoint(setpoint.qw(), setpoint.qx(), setpoint.qy(), setpoint.qz(), 1.5f);
            case FROZEN:
                return ods.hasLastOutput ? lastOutput(ods) : setpoint;
            case NONE:
            default:
                return setpoint;
        }
    }

    private static Setpoint lastOutput(Ods ods) {
        return new Setpoint(ods.lastQw, ods.lastQx, ods.lastQy, ods.lastQz, ods.lastThrust);
    }

    private static int nextSequence(Ods ods) {
        int sequence = ods.outputSequence;
        ods.outputSequence = (sequence + 1) & 0xFF;
        return sequence;
    }

    private static SetAttitudeTarget attitudeTarget(Setpoint sp, long timeBootMs) {
        return SetAttitudeTarget.builder()
                .timeBootMs(timeBootMs)
                .targetSystem(BOARD_SYSTEM_ID)
                .targetComponent(BOARD_COMPONENT_ID)
                .typeMask(AttitudeTargetTypemask.ATTITUDE_TARGET_TYPEMASK_BODY_ROLL_RATE_IGNORE,
                        AttitudeTargetTypemask.ATTITUDE_TARGET_TYPEMASK_BODY_PITCH_RATE_IGNORE,
                        AttitudeTargetTypemask.ATTITUDE_TARGET_TYPEMASK_BODY_YAW_RATE_IGNORE)
                .q(List.of(sp.qw(), sp.qx(), sp.qy(), sp.qz()))
                .thrust(sp.thrust())
                .thrustBody(NO_THRUST_BODY)
                .build();
    }

    private static CommandLong commandLong(Command command) {
        return CommandLong.builder()
                .targetSystem(BOARD_SYSTEM_ID)
                .targetComponent(BOARD_COMPONENT_ID)
                .command(EnumValue.create(MavCmd.class, command.id()))
                .confirmation(command.confirmation())
                .param1(command.param1())
                .param2(command.param2())
                .build();
    }

    // ---------------------------------------------------------------- hashing

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** FNV-1a 64 over the arrays' bytes in order. */
    public static long fnv1a(byte[]... chunks) {
        long hash = FNV_OFFSET;
        for (byte[] chunk : chunks) {
            hash = fnv1a(hash, chunk);
        }
        return hash;
    }

    /** FNV-1a 64 over the frames' bytes in order. */
    public static long fnv1a(List<byte[]> chunks) {
        long hash = FNV_OFFSET;
        for (int i = 0; i < chunks.size(); i++) {
            hash = fnv1a(hash, chunks.get(i));
        }
        return hash;
    }

    private static long fnv1a(long hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= b & 0xFF;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
