package io.pstr.fgfs.bridge;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.GlobalPositionInt;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.common.SetPositionTargetLocalNed;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.netty.util.concurrent.ScheduledFuture;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.fgfs.protocol.GenericProtocol;
import io.pstr.fgfs.protocol.Reject;
import io.pstr.hilrig.Attitudes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FDM mode: FlightGear's own flight model flies, and the bridge is the board. FlightGear sends its state with the
 * generic protocol {@code pstr-state}; the bridge turns each packet into the MAVLink a PX4 board streams (ATTITUDE,
 * LOCAL_POSITION_NED relative to where FlightGear first reported, GLOBAL_POSITION_INT; HEARTBEAT at 1 Hz) on
 * {@link Config#board()}, where the host manager connects. The replicas' SET_ATTITUDE_TARGET becomes FlightGear's
 * controls (generic protocol {@code pstr-controls}): aileron, elevator and rudder from the attitude error
 * (proportional, full deflection at {@value #FULL_DEFLECTION_DEG} degrees of error), throttle from the normalised
 * thrust while armed. Arming and mode commands are acknowledged and shown in the HEARTBEAT; take-off, land and
 * position targets are refused: the aircraft is FlightGear's.
 */
public final class FdmBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FdmBridge.class);
    public static final String STATE_PROTOCOL = "pstr-state";
    public static final String CONTROLS_PROTOCOL = "pstr-controls";
    static final double FULL_DEFLECTION_DEG = 30;
    static final double GAIN_PER_RAD = 1 / Math.toRadians(FULL_DEFLECTION_DEG);
    /** Without a fresh attitude target for this long the surfaces centre and the throttle closes. */
    static final long SETPOINT_TIMEOUT_MS = 500;
    static final int SYSTEM_ID = 1;
    static final int COMPONENT_ID = 1;
    static final int CMD_ARM_DISARM = 400;
    static final int CMD_DO_SET_MODE = 176;
    static final int ATTITUDE_MASK_THRUST_IGNORE = 64;
    static final int ATTITUDE_MASK_ATTITUDE_IGNORE = 128;

    /**
     * @param fgHost where FlightGear runs
     * @param statePort local port FlightGear's {@code pstr-state} output is sent to (0 = any)
     * @param controlsPort FlightGear's {@code pstr-controls} input port
     * @param controlsRateHz control packets a second
     * @param board the MAVLink endpoint the bridge serves as the board (e.g. {@code tcp-listen:5760})
     * @param peerTimeoutMs silence after which FlightGear is reported gone
     */
    public record Config(String fgHost, int statePort, int controlsPort, int controlsRateHz, Endpoint board, long peerTimeoutMs) {
        public Config {
            if (controlsRateHz < 1 || controlsRateHz > 120) {
                throw new IllegalArgumentException("controls rate must be 1..120 Hz, got " + controlsRateHz);
            }
            if (statePort < 0 || statePort > 65_535 || controlsPort < 1 || controlsPort > 65_535) {
                throw new IllegalArgumentException("ports must be 1..65535 (state may be 0 for any), got " + statePort + " and " + controlsPort);
            }
            if (peerTimeoutMs < 100) {
                throw new IllegalArgumentException("peer timeout must be at least 100 ms, got " + peerTimeoutMs);
            }
        }
    }

    /** FlightGear's state as the {@code pstr-state} packet carries it (SI units, degrees). */
    public record FgState(double simTimeS, double latDeg, double lonDeg, double altM, double aglM, double rollDeg, double pitchDeg,
                          double headingDeg, double rollRateDegps, double pitchRateDegps, double yawRateDegps, double northMps,
                          double eastMps, double downMps, double airspeedKt, double throttle) {
        static FgState of(double[] v) {
            return new FgState(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
        }
    }

    /** What the bridge last sent FlightGear. */
    public record Controls(double aileron, double elevator, double rudder, double throttle) {
    }

    private final Config config;
    private final GenericProtocol.Block stateBlock;
    private final GenericProtocol.Block controlsBlock;
    private final InetAddress fgAddress;
    private final InetSocketAddress fgControls;
    private final FgUdp udp;
    private final ByteLink boardLink;
    private final MavlinkCodec codec = new MavlinkCodec();
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    private final PacketCounters stateIn = new PacketCounters();
    private final PacketCounters controlsOut = new PacketCounters();
    private final AtomicLong setpointsAccepted = new AtomicLong();
    private final AtomicLong setpointsRefused = new AtomicLong();
    private final AtomicLong commandsAccepted = new AtomicLong();
    private final AtomicLong commandsRefused = new AtomicLong();
    private final AtomicLong mavlinkFramesOut = new AtomicLong();
    private final PeerWatch fgWatch;
    private final double[] stateValues;
    private final AtomicReference<FgState> state = new AtomicReference<>();
    private final AtomicReference<Controls> lastControls = new AtomicReference<>(new Controls(0, 0, 0, 0));
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final long bootNs = System.nanoTime();
    private GeoOrigin home;
    private int sequence;
    // Written on the board link's thread, read on the event loop.
    private volatile boolean armed;
    private volatile long customMode;
    private volatile double targetRoll, targetPitch, targetYaw, targetThrust;
    private volatile long lastTargetNs = Long.MIN_VALUE;

    private FdmBridge(Config config, Consumer<String> events) {
        this.config = config;
        this.stateBlock = load(STATE_PROTOCOL).output();
        this.controlsBlock = load(CONTROLS_PROTOCOL).input();
        this.stateValues = new double[stateBlock.chunks().size()];
        try {
            this.fgAddress = InetAddress.getByName(config.fgHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve FlightGear host '" + config.fgHost() + "'", e);
        }
        this.fgControls = new InetSocketAddress(fgAddress, config.controlsPort());
        this.fgWatch = new PeerWatch("FlightGear", TimeUnit.MILLISECONDS.toNanos(config.peerTimeoutMs()), events);
        this.udp = new FgUdp(fgAddress.isLoopbackAddress() ? "127.0.0.1" : "0.0.0.0", config.statePort(), this::onDatagram);
        // The board's end: the host need not talk before it flies, so no silence bound unless the endpoint sets one.
        this.boardLink = Links.open(config.board().withOptions(config.board().options().silenceUnlessGiven(0)));
    }

    /** The protocol file shipped in this module, {@code Protocol/NAME.xml}. */
    public static GenericProtocol load(String name) {
        try (InputStream in = FdmBridge.class.getResourceAsStream("/io/pstr/fgfs/Protocol/" + name + ".xml")) {
            if (in == null) {
                throw new IllegalStateException("protocol " + name + " is missing from the classpath");
            }
            return GenericProtocol.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FdmBridge start(Config config, Consumer<String> events) {
        FdmBridge b = new FdmBridge(config, events);
        try {
            b.boardLink.start(new LinkListener() {
                @Override
                public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                    b.splitter.feed(buffer, offset, length, (frame, off, len, id) -> b.onMavlink(frame, off, len, rxNs));
                }

                @Override
                public void onUp(String description) {
                    events.accept("host connected to the board endpoint (" + description + ")");
                }
            });
        } catch (RuntimeException e) {
            b.udp.close();
            throw e;
        }
        long periodNs = TimeUnit.SECONDS.toNanos(1) / config.controlsRateHz();
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(b::sendControls, periodNs, periodNs, TimeUnit.NANOSECONDS));
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(b::heartbeat, 0, 1, TimeUnit.SECONDS));
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(() -> b.fgWatch.check(System.nanoTime()), ViewBridge.CHECK_PERIOD_MS,
                ViewBridge.CHECK_PERIOD_MS, TimeUnit.MILLISECONDS));
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(b::logStats, ViewBridge.STATS_PERIOD_S, ViewBridge.STATS_PERIOD_S, TimeUnit.SECONDS));
        LOG.info("fdm bridge: FlightGear state on UDP {}, controls to {} at {} Hz, board MAVLink on {}", b.udp.boundPort(), b.fgControls,
                config.controlsRateHz(), b.boardEndpoint());
        return b;
    }

    // ---------------------------------------------------------------- FlightGear -> MAVLink

    private void onDatagram(byte[] data, int length, InetSocketAddress sender, long rxNs) {
        if (!sender.getAddress().equals(fgAddress)) {
            stateIn.countStranger();
            return;
        }
        stateIn.countReceived();
        Reject why = stateBlock.decode(data, 0, length, stateValues);
        if (why == null && !(stateValues[0] > 0)) {
            why = Reject.STARTUP_ZEROS;
        }
        if (why != null) {
            stateIn.countRejected(why);
            return;
        }
        FgState s = FgState.of(stateValues);
        FgState previous = state.get();
        if (previous != null && s.simTimeS() < previous.simTimeS() - 1) {
            // FlightGear was restarted (or reset): measure from its new start position.
            home = null;
        }
        stateIn.countAccepted();
        state.set(s);
        fgWatch.onPacket(rxNs);
        if (home == null) {
            home = new GeoOrigin(s.latDeg(), s.lonDeg(), s.altM() - s.aglM());
            LOG.info("fdm bridge: local NED origin at {}", home);
        }
        long bootMs = TimeUnit.NANOSECONDS.toMillis(rxNs - bootNs);
        send(Attitude.builder().timeBootMs(bootMs)
                .roll((float) Math.toRadians(s.rollDeg())).pitch((float) Math.toRadians(s.pitchDeg()))
                .yaw((float) Attitudes.wrapPi(Math.toRadians(s.headingDeg())))
                .rollspeed((float) Math.toRadians(s.rollRateDegps())).pitchspeed((float) Math.toRadians(s.pitchRateDegps()))
                .yawspeed((float) Math.toRadians(s.yawRateDegps())).build());
        send(LocalPositionNed.builder().timeBootMs(bootMs)
                .x((float) home.northM(s.latDeg())).y((float) home.eastM(s.lonDeg())).z((float) -(s.altM() - home.altM()))
                .vx((float) s.northMps()).vy((float) s.eastMps()).vz((float) s.downMps()).build());
        send(GlobalPositionInt.builder().timeBootMs(bootMs)
                .lat((int) Math.round(s.latDeg() * 1e7)).lon((int) Math.round(s.lonDeg() * 1e7))
                .alt((int) Math.round(s.altM() * 1000)).relativeAlt((int) Math.round(s.aglM() * 1000))
                .vx((short) Math.round(s.northMps() * 100)).vy((short) Math.round(s.eastMps() * 100)).vz((short) Math.round(s.downMps() * 100))
                .hdg((int) Math.round(((s.headingDeg() % 360) + 360) % 360 * 100)).build());
    }

    private void heartbeat() {
        int baseMode = 1 | (armed ? MavlinkStateTap.MAV_MODE_FLAG_SAFETY_ARMED : 0);
        send(Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR).autopilot(MavAutopilot.MAV_AUTOPILOT_PX4)
                .baseMode(EnumValue.<MavModeFlag>create(baseMode)).customMode(customMode)
                .systemStatus(armed ? MavState.MAV_STATE_ACTIVE : MavState.MAV_STATE_STANDBY).mavlinkVersion(3).build());
    }

    private synchronized void send(Object payload) {
        byte[] frame = codec.encodeV2(payload, SYSTEM_ID, COMPONENT_ID, sequence++ & 0xFF);
        if (boardLink.write(frame, 0, frame.length)) {
            mavlinkFramesOut.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- MAVLink -> FlightGear

    private void onMavlink(byte[] frame, int off, int len, long rxNs) {
        Object payload;
        try {
            payload = codec.decodePayload(Arrays.copyOfRange(frame, off, off + len));
        } catch (RuntimeException e) {
            setpointsRefused.incrementAndGet();
            return;
        }
        boolean v2 = (frame[off] & 0xFF) == MavlinkCodec.STX_V2;
        int sysId = frame[off + (v2 ? 5 : 3)] & 0xFF;
        int compId = frame[off + (v2 ? 6 : 4)] & 0xFF;
        if (payload instanceof SetAttitudeTarget t) {
            onAttitudeTarget(t, rxNs);
        } else if (payload instanceof SetPositionTargetLocalNed) {
            setpointsRefused.incrementAndGet();
            LOG.debug("position targets are not supported in fdm mode");
        } else if (payload instanceof CommandLong c) {
            onCommand(c, sysId, compId);
        }
    }

    private void onAttitudeTarget(SetAttitudeTarget t, long rxNs) {
        int mask = t.typeMask() == null ? 0 : t.typeMask().value();
        double roll = targetRoll, pitch = targetPitch, yaw = targetYaw, thrust = targetThrust;
        if ((mask & ATTITUDE_MASK_ATTITUDE_IGNORE) == 0) {
            List<Float> q = t.q();
            if (q == null || q.size() != 4 || q.stream().anyMatch(f -> f == null || !Float.isFinite(f))) {
                setpointsRefused.incrementAndGet();
                return;
            }
            double[] e = Attitudes.toEuler(q.get(0), q.get(1), q.get(2), q.get(3));
            if (!Double.isFinite(e[0]) || !Double.isFinite(e[1]) || !Double.isFinite(e[2])) {
                setpointsRefused.incrementAndGet();
                return;
            }
            roll = e[0];
            pitch = e[1];
            yaw = e[2];
        }
        if ((mask & ATTITUDE_MASK_THRUST_IGNORE) == 0) {
            if (!(t.thrust() >= 0 && t.thrust() <= 1)) {
                setpointsRefused.incrementAndGet();
                return;
            }
            thrust = t.thrust();
        }
        targetRoll = roll;
        targetPitch = pitch;
        targetYaw = yaw;
        targetThrust = thrust;
        lastTargetNs = rxNs;
        setpointsAccepted.incrementAndGet();
    }

    private void onCommand(CommandLong c, int sysId, int compId) {
        if ((c.targetSystem() != SYSTEM_ID && c.targetSystem() != 0) || (c.targetComponent() != COMPONENT_ID && c.targetComponent() != 0)) {
            return;
        }
        int command = c.command() == null ? -1 : c.command().value();
        MavResult result;
        if (command == CMD_ARM_DISARM && (c.param1() == 0f || c.param1() == 1f)) {
            armed = c.param1() == 1f;
            result = MavResult.MAV_RESULT_ACCEPTED;
        } else if (command == CMD_DO_SET_MODE && Float.isFinite(c.param2()) && Float.isFinite(c.param3())) {
            customMode = ((long) Math.round(c.param2()) << 16) | ((long) Math.round(c.param3()) << 24);
            result = MavResult.MAV_RESULT_ACCEPTED;
        } else {
            result = MavResult.MAV_RESULT_UNSUPPORTED;
        }
        (result == MavResult.MAV_RESULT_ACCEPTED ? commandsAccepted : commandsRefused).incrementAndGet();
        LOG.info("command {} from {}/{}: {}", command, sysId, compId, result);
        send(CommandAck.builder().command(EnumValue.<MavCmd>create(command)).result(result).targetSystem(sysId).targetComponent(compId).build());
        heartbeat();
    }

    private void sendControls() {
        FgState s = state.get();
        Controls c;
        boolean fresh = lastTargetNs != Long.MIN_VALUE
                && System.nanoTime() - lastTargetNs < TimeUnit.MILLISECONDS.toNanos(SETPOINT_TIMEOUT_MS);
        if (s == null || !fresh) {
            c = new Controls(0, 0, 0, 0);
        } else {
            c = controls(targetRoll, targetPitch, targetYaw, armed ? targetThrust : 0, s);
        }
        lastControls.set(c);
        byte[] packet = controlsBlock.encode(new double[] {c.aileron(), c.elevator(), c.rudder(), c.throttle(), c.throttle()});
        if (udp.send(packet, packet.length, fgControls)) {
            controlsOut.countSent();
        }
    }

    /** The surfaces that turn FlightGear's aircraft towards the target attitude (FlightGear's elevator is positive nose down). */
    static Controls controls(double rollRad, double pitchRad, double yawRad, double thrust, FgState s) {
        double aileron = clamp(GAIN_PER_RAD * (rollRad - Math.toRadians(s.rollDeg())));
        double elevator = clamp(-GAIN_PER_RAD * (pitchRad - Math.toRadians(s.pitchDeg())));
        double rudder = clamp(GAIN_PER_RAD * Attitudes.wrapPi(yawRad - Math.toRadians(s.headingDeg())));
        return new Controls(aileron, elevator, rudder, Math.max(0, Math.min(1, thrust)));
    }

    private static double clamp(double v) {
        return Math.max(-1, Math.min(1, v));
    }

    private void logStats() {
        LOG.info("fdm bridge: state in {}; controls out {}; MAVLink out {}; setpoints {} accepted {} refused; commands {} accepted {} refused; "
                        + "board link {}; FlightGear {}", stateIn, controlsOut.sent(), mavlinkFramesOut.get(), setpointsAccepted.get(),
                setpointsRefused.get(), commandsAccepted.get(), commandsRefused.get(), splitter.counters(), fgWatch.state());
    }

    // ---------------------------------------------------------------- accessors

    public String boardEndpoint() {
        return LinkNames.describe(config.board(), boardLink);
    }

    public int statePort() {
        return udp.boundPort();
    }

    public PacketCounters stateIn() {
        return stateIn;
    }

    public PacketCounters controlsOut() {
        return controlsOut;
    }

    public PeerWatch flightGear() {
        return fgWatch;
    }

    /** FlightGear's latest state, or null before the first good packet. */
    public FgState state() {
        return state.get();
    }

    public Controls lastControls() {
        return lastControls.get();
    }

    public long setpointsAccepted() {
        return setpointsAccepted.get();
    }

    public long setpointsRefused() {
        return setpointsRefused.get();
    }

    public boolean armed() {
        return armed;
    }

    @Override
    public void close() {
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        logStats();
        udp.close();
        boardLink.close();
    }
}
