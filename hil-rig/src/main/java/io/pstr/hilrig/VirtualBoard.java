package io.pstr.hilrig;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.AutopilotVersion;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavParamType;
import io.dronefleet.mavlink.common.MavProtocolCapability;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.ParamRequestRead;
import io.dronefleet.mavlink.common.ParamValue;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.common.SetPositionTargetLocalNed;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.ardupilotmega.CopterMode;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.AutopilotParams;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.record.BoardRecordWriter;
import io.pstr.core.rt.ThreadPriority;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flight board behind a MAVLink 2 link, with a {@link QuadcopterModel} inside, in one of two personalities
 * ({@link Context#autopilot(Autopilot)}): PX4-like in OFFBOARD mode (the default), or ArduCopter-like in GUIDED mode.
 * <p>
 * As PX4 it reports MAV_AUTOPILOT_PX4 and PX4's main/sub custom modes, enters OFFBOARD only while setpoints stream,
 * has COM_OF_LOSS_T and, when setpoints stop for the failsafe timeout, descends in FAILSAFE_LAND reporting
 * MAV_STATE_CRITICAL. As ArduCopter it reports MAV_AUTOPILOT_ARDUPILOTMEGA and the copter mode numbers (the board's
 * OFFBOARD is GUIDED), enters GUIDED at once and holds until targets come, takes attitude targets only with
 * GUID_OPTIONS bit 3 (thrust as thrust), and when attitude targets stop for the timeout (GUID_TIMEOUT) levels out and
 * holds, still in GUIDED and reporting no failsafe. PX4 streams ATTITUDE, LOCAL_POSITION_NED and SYS_STATUS by
 * itself; ArduCopter, as a real one whose stream rates all default to 0, sends each only once MAV_CMD_SET_MESSAGE_INTERVAL
 * asked for it (both take that command).
 * <p>
 * An agent: {@link #doWork(long)} is driven with the time from an injected clock, steps the physics at
 * 250 Hz up to that time and streams telemetry on simulated time, so tests drive it with a manual clock.
 * Bytes from the link arrive on any thread through {@link #receive}; everything else runs on the agent thread.
 */
public final class VirtualBoard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualBoard.class);

    public static final int SYSTEM_ID = 1;
    /** MAV_COMP_ID_AUTOPILOT1. */
    public static final int COMPONENT_ID = 1;
    public static final int PHYSICS_HZ = 250;
    static final long STEP_NS = TimeUnit.SECONDS.toNanos(1) / PHYSICS_HZ;
    static final double STEP_S = 1.0 / PHYSICS_HZ;
    static final long HEARTBEAT_PERIOD_NS = TimeUnit.SECONDS.toNanos(1);
    static final long SYS_STATUS_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long STATE_RECORD_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long STATS_LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(10);
    /** PX4 enters offboard only if a setpoint came within this window. */
    static final long OFFBOARD_ENTRY_WINDOW_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Further behind than this, the board skips time rather than spin to catch up (stopped in a debugger...). */
    static final long MAX_CATCH_UP_NS = TimeUnit.SECONDS.toNanos(1);
    static final int FORCE_MAGIC = 21196;
    /** COM_OBL_RC_ACT's value for PX4's Land: what this board does when setpoints stop. */
    static final int PX4_OFFBOARD_LOSS_LAND = 4;
    static final double DEFAULT_TAKEOFF_ALT_M = 2.5;
    static final double MAX_TAKEOFF_ALT_M = 100;
    static final double TAKEOFF_CLIMB_MPS = 1.5;
    static final double LAND_DESCENT_MPS = 1.0;

    static final int MSG_SET_ATTITUDE_TARGET = 82;
    static final int MSG_SET_POSITION_TARGET_LOCAL_NED = 84;
    static final int CMD_ARM_DISARM = 400;
    static final int CMD_DO_SET_MODE = 176;
    static final int CMD_NAV_TAKEOFF = 22;
    static final int CMD_NAV_LAND = 21;
    static final int CMD_REQUEST_MESSAGE = 512;
    static final int CMD_REQUEST_AUTOPILOT_CAPABILITIES = 520;
    static final int CMD_SET_MESSAGE_INTERVAL = 511;
    static final int MSG_SYS_STATUS = MavlinkCodec.messageId(SysStatus.class);
    static final int MSG_ATTITUDE = MavlinkCodec.messageId(Attitude.class);
    static final int MSG_LOCAL_POSITION_NED = MavlinkCodec.messageId(LocalPositionNed.class);
    static final int MSG_AUTOPILOT_VERSION = 148;
    /** The virtual board's GUID_OPTIONS: thrust as thrust, set up as docs/hil.md asks. */
    public static final int DEFAULT_GUID_OPTIONS = AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST;
    static final int MAX_GUID_OPTIONS = 0xFFFF;
    static final int ATTITUDE_MASK_THRUST_IGNORE = 64;
    static final int ATTITUDE_MASK_ATTITUDE_IGNORE = 128;
    static final int POSITION_MASK_POSITION_IGNORE = 0b111;
    static final int POSITION_MASK_VELOCITY_IGNORE = 0b111000;
    static final int POSITION_MASK_YAW_IGNORE = 1024;
    static final int MAV_FRAME_LOCAL_NED = 1;
    static final int CUSTOM_MODE_ENABLED = 1;
    /** Gyro, accelerometer, magnetometer, barometer, GPS, battery: what a flying PX4 reports present and healthy. */
    static final int SENSORS = 1 | 2 | 4 | 8 | 32 | 33_554_432;

    /** Where the board's frames go; {@code ByteLink::write} fits. */
    @FunctionalInterface
    public interface FrameSink {
        boolean write(byte[] frame, int offset, int length);
    }

    /** Settings, validated once by {@link #conclude()}. */
    public static final class Context {
        private long failsafeTimeoutNs = TimeUnit.MILLISECONDS.toNanos(500);
        private int telemetryHz = 50;
        private BoardRecordWriter recordWriter;
        private ThreadPriority.Mode priority = ThreadPriority.Mode.OFF;
        private Autopilot autopilot = Autopilot.PX4;
        private int guidOptions = DEFAULT_GUID_OPTIONS;

        /** The flight stack the board behaves like; {@link Autopilot#PX4} by default. */
        public Context autopilot(Autopilot autopilot) {
            this.autopilot = autopilot;
            return this;
        }

        public Autopilot autopilot() {
            return autopilot;
        }

        /**
         * ArduCopter's GUID_OPTIONS, 0..0xFFFF (the {@link Autopilot#ARDUPILOT} personality only; PX4 has no such
         * parameter): {@value #DEFAULT_GUID_OPTIONS} by default, bit 3 set up as docs/hil.md asks, so attitude targets'
         * thrust is thrust. With bit 3 clear the board refuses attitude targets, as ArduCopter would read their
         * thrust as a climb rate.
         */
        public Context guidOptions(int options) {
            this.guidOptions = options;
            return this;
        }

        public int guidOptions() {
            return guidOptions;
        }

        /**
         * A raised priority for the board's own thread (its stand-in for a flight controller's dedicated
         * CPU: the record's arrival times must not include the host's scheduling); off by default.
         */
        public Context priority(ThreadPriority.Mode mode) {
            this.priority = mode;
            return this;
        }

        public ThreadPriority.Mode priority() {
            return priority;
        }

        /**
         * How long without setpoints before the board reacts: PX4's COM_OF_LOSS_T (then the failsafe descent), or
         * ArduCopter's GUID_TIMEOUT (then it levels out and holds, still in GUIDED); 20 ms .. 60 s, 500 ms by default.
         */
        public Context failsafeTimeoutMs(long ms) {
            this.failsafeTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ms);
            return this;
        }

        public Context telemetryHz(int hz) {
            this.telemetryHz = hz;
            return this;
        }

        /** Null for no record. */
        public Context recordWriter(BoardRecordWriter writer) {
            this.recordWriter = writer;
            return this;
        }

        public long failsafeTimeoutNs() {
            return failsafeTimeoutNs;
        }

        public int telemetryHz() {
            return telemetryHz;
        }

        public Context conclude() {
            if (failsafeTimeoutNs < TimeUnit.MILLISECONDS.toNanos(20) || failsafeTimeoutNs > TimeUnit.SECONDS.toNanos(60)) {
                throw new IllegalArgumentException("failsafe timeout must be 20 ms .. 60 s, got "
                        + TimeUnit.NANOSECONDS.toMillis(failsafeTimeoutNs) + " ms");
            }
            if (telemetryHz < 1 || telemetryHz > PHYSICS_HZ) {
                throw new IllegalArgumentException("telemetry rate must be 1.." + PHYSICS_HZ + " Hz, got " + telemetryHz);
            }
            if (autopilot == null) {
                throw new IllegalArgumentException("autopilot must be one of " + Autopilot.cliNames());
            }
            if (guidOptions < 0 || guidOptions > MAX_GUID_OPTIONS) {
                throw new IllegalArgumentException("GUID_OPTIONS must be 0.." + MAX_GUID_OPTIONS + ", got " + guidOptions);
            }
            return this;
        }
    }

    private enum SetpointKind { NONE, ATTITUDE, POSITION, VELOCITY }

    private final Context ctx;
    private final FrameSink sink;
    private final BoardRecordWriter record;
    private final QuadcopterModel model = new QuadcopterModel();
    private final MavlinkCodec codec = new MavlinkCodec();
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    private final BoardCounters counters = new BoardCounters();
    private final Queue<byte[]> inbound = new ConcurrentLinkedQueue<>();
    private final long telemetryPeriodNs;
    /** The ArduCopter personality: GUIDED for OFFBOARD, GUID_TIMEOUT instead of the offboard-loss failsafe. */
    private final boolean ardupilot;

    private boolean started;
    private long bootNs;
    private long simNs;
    private long nowNs;
    /** Time stamped on record rows: arrival time for inbound frames, step time inside the physics. */
    private long eventNs;
    private long nextHeartbeatNs, nextStateRecordNs, nextStatsLogNs;
    /** The telemetry it streams: PX4 by itself, ArduCopter only what SET_MESSAGE_INTERVAL asked for (its SRn_ rates are 0). */
    private final Stream attitudeStream, positionStream, sysStatusStream;
    private final List<Stream> streams;
    private int sequence;
    private volatile long framesSent;

    private BoardMode mode = BoardMode.POSCTL;
    private boolean armed;
    private boolean airborneSinceArming;
    private double holdX, holdY, holdZ, holdYaw;
    private double takeoffAltM;

    private SetpointKind setpointKind = SetpointKind.NONE;
    private long lastSetpointNs = Long.MIN_VALUE;
    private double spRoll, spPitch, spYaw, spThrust;
    private double spX, spY, spZ, spVx, spVy, spVz;

    public VirtualBoard(Context ctx, FrameSink sink) {
        this.ctx = ctx.conclude();
        this.sink = sink;
        this.record = ctx.recordWriter;
        this.telemetryPeriodNs = TimeUnit.SECONDS.toNanos(1) / ctx.telemetryHz;
        this.ardupilot = ctx.autopilot == Autopilot.ARDUPILOT;
        this.attitudeStream = new Stream(MSG_ATTITUDE, ardupilot ? 0 : telemetryPeriodNs);
        this.positionStream = new Stream(MSG_LOCAL_POSITION_NED, ardupilot ? 0 : telemetryPeriodNs);
        this.sysStatusStream = new Stream(MSG_SYS_STATUS, ardupilot ? 0 : SYS_STATUS_PERIOD_NS);
        this.streams = List.of(attitudeStream, positionStream, sysStatusStream);
        long timeoutMs = TimeUnit.NANOSECONDS.toMillis(ctx.failsafeTimeoutNs);
        if (ardupilot) {
            LOG.info("virtual board: ArduCopter personality (GUIDED for attitude targets, GUID_TIMEOUT {} ms, GUID_OPTIONS {})",
                    timeoutMs, ctx.guidOptions);
            if (!thrustAsThrust()) {
                LOG.warn("GUID_OPTIONS {} has bit 3 ({}) clear: ArduCopter would read attitude targets' thrust as a climb rate, "
                        + "so this board refuses them; set it up as docs/hil.md asks", ctx.guidOptions, AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST);
            }
        } else {
            LOG.info("virtual board: PX4 personality (OFFBOARD for setpoints, COM_OF_LOSS_T {} ms then failsafe descent)", timeoutMs);
        }
    }

    private boolean thrustAsThrust() {
        return (ctx.guidOptions & AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST) != 0;
    }

    /** Bytes from the link, any thread: copied and handed to the agent thread. */
    public void receive(byte[] buffer, int offset, int length) {
        if (length > 0) {
            inbound.add(Arrays.copyOfRange(buffer, offset, offset + length));
        }
    }

    /** Processes received bytes and runs the physics and telemetry up to {@code nowNs}. @return work done */
    public int doWork(long nowNs) {
        this.nowNs = nowNs;
        if (!started) {
            started = true;
            bootNs = nowNs;
            simNs = nowNs;
            eventNs = nowNs;
            nextHeartbeatNs = nextStateRecordNs = nowNs;
            for (Stream stream : streams) {
                stream.nextNs = nowNs;
            }
            nextStatsLogNs = nowNs + STATS_LOG_PERIOD_NS;
            recordMode();
        }
        int work = 0;
        byte[] chunk;
        eventNs = nowNs;
        while ((chunk = inbound.poll()) != null) {
            splitter.feed(chunk, 0, chunk.length, this::onFrame);
            work++;
        }
        if (nowNs - simNs > MAX_CATCH_UP_NS) {
            long skipped = (nowNs - simNs) / STEP_NS - 1;
            counters.physicsStepsSkipped.addAndGet(skipped);
            LOG.warn("board {} ms behind real time: skipping {} physics steps", TimeUnit.NANOSECONDS.toMillis(nowNs - simNs), skipped);
            simNs += skipped * STEP_NS;
        }
        while (nowNs - simNs >= STEP_NS) {
            simNs += STEP_NS;
            step(simNs);
            work++;
        }
        if (record != null) {
            record.flushIfDue(nowNs);
        }
        if (nowNs - nextStatsLogNs >= 0) {
            nextStatsLogNs += STATS_LOG_PERIOD_NS;
            logCounters();
        }
        return work;
    }

    public void logCounters() {
        LOG.info("board counters: {} | splitter: {} | mode={} armed={}", counters, splitter.counters(), mode, armed);
    }

    // ---------------------------------------------------------------- physics and modes

    private void step(long tNs) {
        eventNs = tNs;
        if (ardupilot) {
            // ArduCopter's GUID_TIMEOUT: attitude (and velocity) targets time out, a position target is kept. No
            // mode change and no failsafe: it levels out and holds, and the next target is followed at once.
            if (mode == BoardMode.OFFBOARD && (setpointKind == SetpointKind.ATTITUDE || setpointKind == SetpointKind.VELOCITY)
                    && tNs - lastSetpointNs > ctx.failsafeTimeoutNs) {
                LOG.warn("no {} target for {} ms (GUID_TIMEOUT): levelling out and holding, still in GUIDED",
                        setpointKind == SetpointKind.ATTITUDE ? "attitude" : "velocity",
                        TimeUnit.NANOSECONDS.toMillis(tNs - lastSetpointNs));
                holdHere();
                setpointKind = SetpointKind.NONE;
            }
        } else if (mode == BoardMode.OFFBOARD && tNs - lastSetpointNs > ctx.failsafeTimeoutNs) {
            LOG.warn("no offboard setpoint for {} ms: failsafe descent", TimeUnit.NANOSECONDS.toMillis(tNs - lastSetpointNs));
            setMode(BoardMode.FAILSAFE_LAND, "offboard setpoints lost");
        }
        model.setMotorsOn(armed);
        switch (mode) {
            case OFFBOARD -> flyOffboard();
            case AUTO_TAKEOFF -> PositionController.fly(model, holdX, holdY, -takeoffAltM, Double.NaN, holdYaw, true, TAKEOFF_CLIMB_MPS);
            case AUTO_LAND -> PositionController.fly(model, holdX, holdY, 0, LAND_DESCENT_MPS, holdYaw, true, PositionController.MAX_UP_MPS);
            case FAILSAFE_LAND -> PositionController.fly(model, 0, 0, 0, LAND_DESCENT_MPS, holdYaw, false, PositionController.MAX_UP_MPS);
            case POSCTL, AUTO_LOITER -> PositionController.fly(model, holdX, holdY, holdZ, Double.NaN, holdYaw, true, PositionController.MAX_UP_MPS);
        }
        model.step(STEP_S);

        if (mode == BoardMode.AUTO_TAKEOFF && model.z() <= -takeoffAltM + 0.1) {
            holdHere();
            holdZ = -takeoffAltM;
            if (ardupilot) {
                // ArduCopter took off in GUIDED and stays there, holding until targets come.
                setpointKind = SetpointKind.NONE;
                setMode(BoardMode.OFFBOARD, "take-off altitude reached");
            } else {
                setMode(BoardMode.AUTO_LOITER, "take-off altitude reached");
            }
        }
        if (armed && !model.onGround()) {
            airborneSinceArming = true;
        }
        // Only a touchdown disarms: arming on the ground in a land mode must stay possible.
        if ((mode == BoardMode.AUTO_LAND || mode == BoardMode.FAILSAFE_LAND) && armed && airborneSinceArming && model.landed()) {
            setArmed(false, "landed");
        }
        telemetry(tNs);
    }

    private void flyOffboard() {
        switch (setpointKind) {
            case ATTITUDE -> model.command(spRoll, spPitch, spYaw, spThrust);
            case POSITION -> PositionController.fly(model, spX, spY, spZ, Double.NaN, spYaw, true, PositionController.MAX_UP_MPS);
            case VELOCITY -> {
                // Velocity target: chase a point one second ahead, which gives the commanded velocity with P gain 1.
                PositionController.fly(model, model.x() + spVx, model.y() + spVy, model.z() + spVz, Double.NaN, spYaw, true,
                        PositionController.MAX_UP_MPS);
            }
            case NONE -> PositionController.fly(model, holdX, holdY, holdZ, Double.NaN, holdYaw, true, PositionController.MAX_UP_MPS);
        }
    }

    private void holdHere() {
        holdX = model.x();
        holdY = model.y();
        holdZ = model.z();
        holdYaw = model.yaw();
    }

    private void setMode(BoardMode newMode, String cause) {
        if (newMode == mode) {
            return;
        }
        LOG.info("mode {} -> {} ({})", mode, newMode, cause);
        mode = newMode;
        recordMode();
    }

    private void setArmed(boolean on, String cause) {
        if (on == armed) {
            return;
        }
        armed = on;
        LOG.info("{} ({})", on ? "armed" : "disarmed", cause);
        if (on) {
            holdHere();
        } else {
            airborneSinceArming = false;
        }
        recordMode();
    }

    private void recordMode() {
        if (record != null) {
            record.write(new BoardRecord.ModeChange(eventNs, timeBootMs(simNs), mode.name(), armed));
        }
    }

    private long timeBootMs(long tNs) {
        return TimeUnit.NANOSECONDS.toMillis(tNs - bootNs);
    }

    // ---------------------------------------------------------------- telemetry

    private void telemetry(long tNs) {
        long bootMs = timeBootMs(tNs);
        if (tNs - nextHeartbeatNs >= 0) {
            nextHeartbeatNs += HEARTBEAT_PERIOD_NS;
            send(heartbeat());
        }
        if (attitudeStream.due(tNs)) {
            send(Attitude.builder().timeBootMs(bootMs)
                    .roll((float) model.roll()).pitch((float) model.pitch()).yaw((float) model.yaw())
                    .rollspeed((float) model.rollRate()).pitchspeed((float) model.pitchRate()).yawspeed((float) model.yawRate())
                    .build());
        }
        if (positionStream.due(tNs)) {
            send(LocalPositionNed.builder().timeBootMs(bootMs)
                    .x((float) model.x()).y((float) model.y()).z((float) model.z())
                    .vx((float) model.vx()).vy((float) model.vy()).vz((float) model.vz())
                    .build());
        }
        if (sysStatusStream.due(tNs)) {
            double v = model.batteryVoltage();
            int remainingPct = (int) Math.round(100 * (v - QuadcopterModel.EMPTY_BATTERY_V)
                    / (QuadcopterModel.FULL_BATTERY_V - QuadcopterModel.EMPTY_BATTERY_V));
            send(SysStatus.builder()
                    .onboardControlSensorsPresent(EnumValue.create(SENSORS))
                    .onboardControlSensorsEnabled(EnumValue.create(SENSORS))
                    .onboardControlSensorsHealth(EnumValue.create(SENSORS))
                    .load(200)
                    .voltageBattery((int) Math.round(v * 1000))
                    .currentBattery((int) Math.round(model.appliedThrust() * 2000)) // cA: 20 A at full thrust
                    .batteryRemaining(remainingPct)
                    .build());
        }
        if (record != null && tNs - nextStateRecordNs >= 0) {
            nextStateRecordNs += STATE_RECORD_PERIOD_NS;
            // Simulated time runs on the board's clock, so tNs is this instant's monoNs.
            record.write(new BoardRecord.State(tNs, bootMs, mode.name(), armed,
                    model.x(), model.y(), model.z(), model.vx(), model.vy(), model.vz(),
                    model.roll(), model.pitch(), model.yaw(), model.appliedThrust(), framesSent));
        }
    }

    private Heartbeat heartbeat() {
        int baseMode = CUSTOM_MODE_ENABLED | (armed ? 128 : 0);
        MavState state = mode.isFailsafe() ? MavState.MAV_STATE_CRITICAL
                : armed ? MavState.MAV_STATE_ACTIVE : MavState.MAV_STATE_STANDBY;
        return Heartbeat.builder()
                .type(MavType.MAV_TYPE_QUADROTOR)
                .autopilot(ctx.autopilot.mavAutopilot())
                .baseMode(EnumValue.<MavModeFlag>create(baseMode))
                .customMode(ardupilot ? mode.arduCopterMode() : mode.px4CustomMode())
                .systemStatus(state)
                .mavlinkVersion(3)
                .build();
    }

    private void send(Object payload) {
        byte[] frame = codec.encodeV2(payload, SYSTEM_ID, COMPONENT_ID, sequence++);
        if (sink.write(frame, 0, frame.length)) {
            counters.framesOut.incrementAndGet();
            framesSent++;
        } else {
            counters.framesOutRefused.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- inbound

    private void onFrame(byte[] buf, int offset, int length, int messageId) {
        counters.framesIn.incrementAndGet();
        boolean v2 = (buf[offset] & 0xFF) == MavlinkCodec.STX_V2;
        int seq = buf[offset + (v2 ? 4 : 2)] & 0xFF;
        int sysId = buf[offset + (v2 ? 5 : 3)] & 0xFF;
        int compId = buf[offset + (v2 ? 6 : 4)] & 0xFF;
        Object payload;
        try {
            payload = codec.decodePayload(Arrays.copyOfRange(buf, offset, offset + length));
        } catch (RuntimeException e) {
            counters.decodeErrors.incrementAndGet();
            LOG.debug("cannot decode message {} from {}/{}: {}", messageId, sysId, compId, e.toString());
            return;
        }
        if (payload instanceof SetAttitudeTarget s) {
            onAttitudeTarget(s, seq, sysId, compId);
        } else if (payload instanceof SetPositionTargetLocalNed p) {
            onPositionTarget(p, seq, sysId, compId);
        } else if (payload instanceof CommandLong c) {
            onCommand(c, seq, sysId, compId);
        } else if (payload instanceof ParamRequestRead p) {
            onParamRequest(p);
        } else {
            counters.otherMessages.incrementAndGet();
        }
    }

    private void onAttitudeTarget(SetAttitudeTarget s, int seq, int sysId, int compId) {
        if (s.targetSystem() != SYSTEM_ID) {
            counters.notForUs.incrementAndGet();
            return;
        }
        if (ardupilot && !thrustAsThrust()) {
            refuseSetpoint("attitude target: GUID_OPTIONS " + ctx.guidOptions + " has bit 3 (" + AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST
                    + ") clear, so its thrust would be read as a climb rate");
            return;
        }
        int mask = s.typeMask() == null ? 0 : s.typeMask().value();
        boolean useAttitude = (mask & ATTITUDE_MASK_ATTITUDE_IGNORE) == 0;
        boolean useThrust = (mask & ATTITUDE_MASK_THRUST_IGNORE) == 0;
        List<Float> q = s.q();
        double roll = spRoll, pitch = spPitch, yaw = spYaw, thrust = spThrust;
        if (useAttitude) {
            if (q == null || q.size() != 4 || q.stream().anyMatch(f -> f == null || !Float.isFinite(f))
                    || norm(q) < 0.5 || norm(q) > 1.5) {
                refuseSetpoint("attitude target with a bad quaternion " + q);
                return;
            }
            double[] e = Attitudes.toEuler(q.get(0), q.get(1), q.get(2), q.get(3));
            roll = e[0];
            pitch = e[1];
            yaw = e[2];
        }
        if (useThrust) {
            if (!Float.isFinite(s.thrust()) || s.thrust() < 0 || s.thrust() > 1) {
                refuseSetpoint("attitude target with thrust " + s.thrust() + " outside 0..1");
                return;
            }
            thrust = s.thrust();
        }
        spRoll = roll;
        spPitch = pitch;
        spYaw = yaw;
        spThrust = thrust;
        acceptSetpoint(SetpointKind.ATTITUDE);
        if (record != null) {
            record.write(new BoardRecord.Setpoint(nowNs, s.timeBootMs(), MSG_SET_ATTITUDE_TARGET, seq, sysId, compId, mode.name(),
                    Double.NaN, Double.NaN, Double.NaN, roll, pitch, yaw, thrust));
        }
    }

    private static double norm(List<Float> q) {
        double s = 0;
        for (Float f : q) {
            s += f * f;
        }
        return Math.sqrt(s);
    }

    private void onPositionTarget(SetPositionTargetLocalNed p, int seq, int sysId, int compId) {
        if (p.targetSystem() != SYSTEM_ID) {
            counters.notForUs.incrementAndGet();
            return;
        }
        int frame = p.coordinateFrame() == null ? -1 : p.coordinateFrame().value();
        if (frame != MAV_FRAME_LOCAL_NED) {
            refuseSetpoint("position target in frame " + frame + " (only MAV_FRAME_LOCAL_NED)");
            return;
        }
        int mask = p.typeMask() == null ? 0 : p.typeMask().value();
        boolean usePosition = (mask & POSITION_MASK_POSITION_IGNORE) == 0;
        boolean useVelocity = !usePosition && (mask & POSITION_MASK_VELOCITY_IGNORE) == 0;
        boolean useYaw = (mask & POSITION_MASK_YAW_IGNORE) == 0;
        if (!usePosition && !useVelocity) {
            refuseSetpoint("position target with neither position nor velocity");
            return;
        }
        double a = usePosition ? p.x() : p.vx();
        double b = usePosition ? p.y() : p.vy();
        double c = usePosition ? p.z() : p.vz();
        if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(c) || (useYaw && !Float.isFinite(p.yaw()))) {
            refuseSetpoint("position target with a non-finite value");
            return;
        }
        double yaw = useYaw ? p.yaw() : model.yaw();
        if (usePosition) {
            spX = a;
            spY = b;
            spZ = c;
        } else {
            spVx = a;
            spVy = b;
            spVz = c;
        }
        spYaw = yaw;
        acceptSetpoint(usePosition ? SetpointKind.POSITION : SetpointKind.VELOCITY);
        if (record != null) {
            record.write(new BoardRecord.Setpoint(nowNs, p.timeBootMs(), MSG_SET_POSITION_TARGET_LOCAL_NED, seq, sysId, compId,
                    mode.name(), usePosition ? a : Double.NaN, usePosition ? b : Double.NaN, usePosition ? c : Double.NaN,
                    Double.NaN, Double.NaN, useYaw ? yaw : Double.NaN, Double.NaN));
        }
    }

    /**
     * One streamed message: sent every {@link #intervalNs} of simulated time, never while it is 0; {@link #defaultNs} is
     * the personality's own rate (0 on ArduCopter: not sent unasked).
     */
    private static final class Stream {
        final int messageId;
        final long defaultNs;
        long intervalNs;
        long nextNs;

        Stream(int messageId, long defaultNs) {
            this.messageId = messageId;
            this.defaultNs = defaultNs;
            this.intervalNs = defaultNs;
        }

        boolean due(long tNs) {
            if (intervalNs <= 0 || tNs - nextNs < 0) {
                return false;
            }
            nextNs += intervalNs;
            if (tNs - nextNs >= 0) {
                nextNs = tNs + intervalNs; // switched on after a long pause: no burst to catch up
            }
            return true;
        }
    }

    /**
     * MAV_CMD_SET_MESSAGE_INTERVAL as ArduPilot and PX4 take it: param1 the message, param2 the interval in µs, -1 to
     * stop, 0 for the board's own default (none on ArduCopter). Only the messages it streams; others DENIED.
     */
    private MavResult setMessageInterval(CommandLong c) {
        int message = Math.round(c.param1());
        Stream stream = streams.stream().filter(s -> s.messageId == message).findFirst().orElse(null);
        float intervalUs = c.param2();
        if (stream == null || !(intervalUs >= -1) || intervalUs < 0 && intervalUs != -1) {
            return MavResult.MAV_RESULT_DENIED;
        }
        stream.intervalNs = intervalUs == -1 ? 0 : intervalUs == 0 ? stream.defaultNs
                : Math.max(STEP_NS, TimeUnit.MICROSECONDS.toNanos((long) intervalUs));
        stream.nextNs = simNs;
        return MavResult.MAV_RESULT_ACCEPTED;
    }

    private void acceptSetpoint(SetpointKind kind) {
        setpointKind = kind;
        lastSetpointNs = nowNs;
        counters.setpointsAccepted.incrementAndGet();
    }

    private void refuseSetpoint(String why) {
        counters.setpointsRefused.incrementAndGet();
        LOG.debug("setpoint refused: {}", why);
    }

    private void onCommand(CommandLong c, int seq, int sysId, int compId) {
        if ((c.targetSystem() != SYSTEM_ID && c.targetSystem() != 0)
                || (c.targetComponent() != COMPONENT_ID && c.targetComponent() != 0)) {
            counters.notForUs.incrementAndGet();
            return;
        }
        int command = c.command() == null ? -1 : c.command().value();
        MavResult result = switch (command) {
            case CMD_ARM_DISARM -> armDisarm(c);
            case CMD_DO_SET_MODE -> ardupilot ? doSetCopterMode(c) : doSetMode(c);
            case CMD_NAV_TAKEOFF -> takeoff(c.param7());
            case CMD_NAV_LAND -> land();
            case CMD_REQUEST_MESSAGE -> Math.round(c.param1()) == MSG_AUTOPILOT_VERSION
                    ? MavResult.MAV_RESULT_ACCEPTED : MavResult.MAV_RESULT_UNSUPPORTED;
            case CMD_REQUEST_AUTOPILOT_CAPABILITIES -> MavResult.MAV_RESULT_ACCEPTED;
            case CMD_SET_MESSAGE_INTERVAL -> setMessageInterval(c);
            default -> MavResult.MAV_RESULT_UNSUPPORTED;
        };
        if (result == MavResult.MAV_RESULT_ACCEPTED) {
            counters.commandsAccepted.incrementAndGet();
        } else {
            counters.commandsRejected.incrementAndGet();
        }
        LOG.info("command {} from {}/{}: {}", command, sysId, compId, result);
        send(CommandAck.builder()
                .command(EnumValue.<MavCmd>create(command))
                .result(result)
                .targetSystem(sysId)
                .targetComponent(compId)
                .build());
        if (record != null) {
            record.write(new BoardRecord.Command(nowNs, command, seq, sysId, compId, result.name().substring("MAV_RESULT_".length()),
                    c.param1(), c.param2(), c.param7()));
        }
        if (result == MavResult.MAV_RESULT_ACCEPTED
                && (command == CMD_REQUEST_MESSAGE || command == CMD_REQUEST_AUTOPILOT_CAPABILITIES)) {
            // What PX4 and ArduCopter report: attitude and position targets (offboard, guided), MAVLink 2, COMMAND_INT.
            send(AutopilotVersion.builder()
                    .capabilities(MavProtocolCapability.MAV_PROTOCOL_CAPABILITY_SET_ATTITUDE_TARGET,
                            MavProtocolCapability.MAV_PROTOCOL_CAPABILITY_SET_POSITION_TARGET_LOCAL_NED,
                            MavProtocolCapability.MAV_PROTOCOL_CAPABILITY_COMMAND_INT,
                            MavProtocolCapability.MAV_PROTOCOL_CAPABILITY_MAVLINK2)
                    .build());
        }
    }

    /**
     * Answers like the autopilot it plays: PARAM_VALUE for a parameter it has (PX4: COM_OF_LOSS_T, COM_OBL_RC_ACT; ArduCopter:
     * GUID_TIMEOUT and GUID_OPTIONS), by name or by index, and nothing for one it does not.
     */
    private void onParamRequest(ParamRequestRead p) {
        if ((p.targetSystem() != SYSTEM_ID && p.targetSystem() != 0)
                || (p.targetComponent() != COMPONENT_ID && p.targetComponent() != 0)) {
            counters.notForUs.incrementAndGet();
            return;
        }
        boolean byName = p.paramIndex() < 0;
        float timeoutS = ctx.failsafeTimeoutNs / 1e9f;
        if (!ardupilot && ((byName && AutopilotParams.COM_OF_LOSS_T.equals(p.paramId())) || (!byName && p.paramIndex() == 0))) {
            sendParam(AutopilotParams.COM_OF_LOSS_T, timeoutS, MavParamType.MAV_PARAM_TYPE_REAL32, 2, 0);
        } else if (!ardupilot && ((byName && AutopilotParams.COM_OBL_RC_ACT.equals(p.paramId())) || (!byName && p.paramIndex() == 1))) {
            // What this board does after COM_OF_LOSS_T: its failsafe descent, PX4's Land (4). PX4 sends an integer
            // parameter's bits in the float, not its number.
            sendParam(AutopilotParams.COM_OBL_RC_ACT, Float.intBitsToFloat(PX4_OFFBOARD_LOSS_LAND), MavParamType.MAV_PARAM_TYPE_INT32, 2, 1);
        } else if (ardupilot && ((byName && AutopilotParams.GUID_TIMEOUT.equals(p.paramId())) || (!byName && p.paramIndex() == 0))) {
            sendParam(AutopilotParams.GUID_TIMEOUT, timeoutS, MavParamType.MAV_PARAM_TYPE_REAL32, 2, 0);
        } else if (ardupilot && ((byName && AutopilotParams.GUID_OPTIONS.equals(p.paramId())) || (!byName && p.paramIndex() == 1))) {
            // ArduPilot sends an integer parameter as a float of its number (8 as 8.0f), not its bits.
            sendParam(AutopilotParams.GUID_OPTIONS, ctx.guidOptions, MavParamType.MAV_PARAM_TYPE_INT32, 2, 1);
        } else {
            counters.otherMessages.incrementAndGet();
            LOG.debug("parameter {} (index {}) requested: not a parameter of this board", p.paramId(), p.paramIndex());
        }
    }

    private void sendParam(String id, float value, MavParamType type, int count, int index) {
        send(ParamValue.builder()
                .paramId(id)
                .paramValue(value)
                .paramType(type)
                .paramCount(count)
                .paramIndex(index)
                .build());
    }

    private MavResult armDisarm(CommandLong c) {
        boolean force = Math.round(c.param2()) == FORCE_MAGIC;
        if (c.param1() == 1f) {
            if (!model.landed() && !force) {
                return MavResult.MAV_RESULT_DENIED;
            }
            setArmed(true, "command");
            return MavResult.MAV_RESULT_ACCEPTED;
        }
        if (c.param1() == 0f) {
            if (!model.landed() && !force) {
                return MavResult.MAV_RESULT_DENIED;
            }
            setArmed(false, "command");
            return MavResult.MAV_RESULT_ACCEPTED;
        }
        return MavResult.MAV_RESULT_DENIED;
    }

    private MavResult doSetMode(CommandLong c) {
        if (!Float.isFinite(c.param1()) || ((int) c.param1() & CUSTOM_MODE_ENABLED) == 0 || !Float.isFinite(c.param2())) {
            return MavResult.MAV_RESULT_DENIED;
        }
        int main = Math.round(c.param2());
        int sub = Float.isFinite(c.param3()) ? Math.round(c.param3()) : 0;
        if (main == BoardMode.PX4_MAIN_OFFBOARD) {
            // Like PX4: offboard only while setpoints are streaming.
            if (setpointKind == SetpointKind.NONE || nowNs - lastSetpointNs > OFFBOARD_ENTRY_WINDOW_NS) {
                return MavResult.MAV_RESULT_DENIED;
            }
            setMode(BoardMode.OFFBOARD, "command");
            return MavResult.MAV_RESULT_ACCEPTED;
        }
        if (mode.isFailsafe()) {
            return MavResult.MAV_RESULT_DENIED;
        }
        if (main == BoardMode.PX4_MAIN_POSCTL) {
            holdHere();
            setMode(BoardMode.POSCTL, "command");
            return MavResult.MAV_RESULT_ACCEPTED;
        }
        if (main == BoardMode.PX4_MAIN_AUTO) {
            return switch (sub) {
                case BoardMode.PX4_SUB_LOITER -> {
                    holdHere();
                    setMode(BoardMode.AUTO_LOITER, "command");
                    yield MavResult.MAV_RESULT_ACCEPTED;
                }
                case BoardMode.PX4_SUB_LAND -> land();
                case BoardMode.PX4_SUB_TAKEOFF -> takeoff(Float.NaN);
                default -> MavResult.MAV_RESULT_UNSUPPORTED;
            };
        }
        return MavResult.MAV_RESULT_UNSUPPORTED;
    }

    /**
     * ArduCopter's DO_SET_MODE: param2 is the copter mode number. GUIDED (and GUIDED_NOGPS) is entered at once,
     * holding until targets come (no need for setpoints streaming before, unlike PX4's OFFBOARD); LOITER holds
     * here; LAND lands as MAV_CMD_NAV_LAND does. Asking for GUIDED or LOITER while in it changes nothing, as in
     * ArduCopter. Any other mode is FAILED, as ArduPilot answers when set_mode fails; no custom-mode flag is DENIED.
     */
    private MavResult doSetCopterMode(CommandLong c) {
        if (!Float.isFinite(c.param1()) || ((int) c.param1() & CUSTOM_MODE_ENABLED) == 0 || !Float.isFinite(c.param2())) {
            return MavResult.MAV_RESULT_DENIED;
        }
        CopterMode asked = EnumValue.create(CopterMode.class, Math.round(c.param2())).entry();
        if (asked == CopterMode.COPTER_MODE_GUIDED || asked == CopterMode.COPTER_MODE_GUIDED_NOGPS) {
            // As the PX4 personality: the mode that follows the setpoints is the way out of a failsafe.
            if (mode.copterMode() != CopterMode.COPTER_MODE_GUIDED) {
                holdHere();
                setpointKind = SetpointKind.NONE;
                setMode(BoardMode.OFFBOARD, "command");
            }
            return MavResult.MAV_RESULT_ACCEPTED;
        }
        if (mode.isFailsafe()) {
            return MavResult.MAV_RESULT_DENIED;
        }
        if (asked == CopterMode.COPTER_MODE_LOITER) {
            if (mode.copterMode() != CopterMode.COPTER_MODE_LOITER) {
                holdHere();
                setMode(BoardMode.AUTO_LOITER, "command");
            }
            return MavResult.MAV_RESULT_ACCEPTED;
        }
        return asked == CopterMode.COPTER_MODE_LAND ? land() : MavResult.MAV_RESULT_FAILED;
    }

    private MavResult takeoff(float altitudeM) {
        double alt = Float.isNaN(altitudeM) || altitudeM == 0 ? DEFAULT_TAKEOFF_ALT_M : altitudeM;
        if (!armed || mode.isFailsafe() || !Double.isFinite(alt) || alt < 0.5 || alt > MAX_TAKEOFF_ALT_M) {
            return MavResult.MAV_RESULT_DENIED;
        }
        holdHere();
        takeoffAltM = alt;
        setMode(BoardMode.AUTO_TAKEOFF, "command");
        return MavResult.MAV_RESULT_ACCEPTED;
    }

    private MavResult land() {
        if (mode.isFailsafe()) {
            return MavResult.MAV_RESULT_DENIED;
        }
        holdHere();
        setMode(BoardMode.AUTO_LAND, "command");
        return MavResult.MAV_RESULT_ACCEPTED;
    }

    // ---------------------------------------------------------------- state for tests and the runner

    public BoardMode mode() {
        return mode;
    }

    public boolean armed() {
        return armed;
    }

    /** The simulated aircraft (read it on the agent thread only). */
    public QuadcopterModel model() {
        return model;
    }

    public BoardCounters counters() {
        return counters;
    }

    public io.pstr.core.mavlink.FrameCounters frameCounters() {
        return splitter.counters();
    }

    public long framesSent() {
        return framesSent;
    }

    /** Logs the counters and flushes the record. */
    @Override
    public void close() {
        logCounters();
        if (record != null) {
            record.close();
        }
    }
}
