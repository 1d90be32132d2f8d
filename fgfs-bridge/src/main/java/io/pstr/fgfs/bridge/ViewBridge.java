package io.pstr.fgfs.bridge;

import io.netty.util.concurrent.ScheduledFuture;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.Links;
import io.pstr.fgfs.protocol.FgNetCtrls;
import io.pstr.fgfs.protocol.FgNetFdm;
import io.pstr.fgfs.protocol.Reject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * View mode: the board's quadcopter drives FlightGear's view. The bridge reads the board's MAVLink telemetry on
 * {@link Config#mavlink()} (a tap of what the board sends: {@code ./pstr board --tap udp:127.0.0.1:14560}, or any
 * MAVLink endpoint), and sends FlightGear an {@link FgNetFdm} at {@link Config#rateHz()} to its
 * {@code --native-fdm} port. FlightGear's {@code --native-ctrls} output comes back to {@link Config#ctrlsPort()}:
 * validated, counted, the latest stick kept in {@link #pilot()}, and used to tell whether FlightGear is alive.
 */
public final class ViewBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewBridge.class);
    static final double FT_PER_M = 1 / 0.3048;
    static final double KT_PER_MPS = 3600 / 1852.0;
    static final long CHECK_PERIOD_MS = 100;
    static final long STATS_PERIOD_S = 10;

    /**
     * @param fgHost where FlightGear runs
     * @param fdmPort FlightGear's {@code --native-fdm=socket,in,HZ,,PORT,udp} port
     * @param ctrlsPort local port FlightGear's {@code --native-ctrls=socket,out,HZ,HOST,PORT,udp} sends to (0 = any)
     * @param rateHz FGNetFDM packets a second
     * @param mavlink where the board's telemetry comes from
     * @param origin where local NED (0,0,0) is
     * @param peerTimeoutMs silence after which FlightGear (or the board) is reported gone
     */
    public record Config(String fgHost, int fdmPort, int ctrlsPort, int rateHz, Endpoint mavlink, GeoOrigin origin, long peerTimeoutMs) {
        public Config {
            if (rateHz < 1 || rateHz > 120) {
                throw new IllegalArgumentException("rate must be 1..120 Hz (FlightGear draws at 30-60), got " + rateHz);
            }
            if (fdmPort < 1 || fdmPort > 65_535 || ctrlsPort < 0 || ctrlsPort > 65_535) {
                throw new IllegalArgumentException("ports must be 1..65535 (ctrls may be 0 for any), got " + fdmPort + " and " + ctrlsPort);
            }
            if (peerTimeoutMs < 100) {
                throw new IllegalArgumentException("peer timeout must be at least 100 ms, got " + peerTimeoutMs);
            }
        }
    }

    /** FlightGear's controls as its pilot sets them (FGNetCtrls): stick -1..1, throttle 0..1. */
    public record PilotInput(double aileron, double elevator, double rudder, double throttle, long rxNs) {
    }

    private final Config config;
    private final InetSocketAddress fgFdm;
    private final InetAddress fgAddress;
    private final MavlinkStateTap tap = new MavlinkStateTap(1);
    private final ByteLink mavlinkLink;
    private final FgUdp udp;
    private final PacketCounters fdmOut = new PacketCounters();
    private final PacketCounters ctrlsIn = new PacketCounters();
    private final PeerWatch fgWatch;
    private final PeerWatch boardWatch;
    private final AtomicReference<PilotInput> pilot = new AtomicReference<>();
    private final FgNetFdm fdm = new FgNetFdm();
    private final FgNetCtrls ctrls = new FgNetCtrls();
    private final byte[] packet = new byte[FgNetFdm.SIZE_BYTES];
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private long lastBoardFrameNs = Long.MIN_VALUE;

    private ViewBridge(Config config, Consumer<String> events) {
        this.config = config;
        try {
            this.fgAddress = InetAddress.getByName(config.fgHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve FlightGear host '" + config.fgHost() + "'", e);
        }
        this.fgFdm = new InetSocketAddress(fgAddress, config.fdmPort());
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(config.peerTimeoutMs());
        this.fgWatch = new PeerWatch("FlightGear", timeoutNs, events);
        this.boardWatch = new PeerWatch("the board's telemetry", timeoutNs, events);
        this.udp = new FgUdp(fgAddress.isLoopbackAddress() ? "127.0.0.1" : "0.0.0.0", config.ctrlsPort(), this::onDatagram);
        this.mavlinkLink = Links.open(config.mavlink());
    }

    /** Binds the sockets and starts sending. @throws RuntimeException if a port is taken */
    public static ViewBridge start(Config config, Consumer<String> events) {
        ViewBridge b = new ViewBridge(config, events);
        try {
            b.mavlinkLink.start(b.tap);
        } catch (RuntimeException e) {
            b.udp.close();
            throw e;
        }
        long periodNs = TimeUnit.SECONDS.toNanos(1) / config.rateHz();
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(b::sendFdm, 0, periodNs, TimeUnit.NANOSECONDS));
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(b::check, CHECK_PERIOD_MS, CHECK_PERIOD_MS, TimeUnit.MILLISECONDS));
        b.tasks.add(b.udp.eventLoop().scheduleAtFixedRate(b::logStats, STATS_PERIOD_S, STATS_PERIOD_S, TimeUnit.SECONDS));
        LOG.info("view bridge: MAVLink from {}, FGNetFDM to {} at {} Hz, FGNetCtrls on UDP {}", b.mavlinkEndpoint(), b.fgFdm,
                config.rateHz(), b.udp.boundPort());
        return b;
    }

    private void sendFdm() {
        VehicleState s = tap.latest();
        if (s == null) {
            return;
        }
        fill(fdm, s, config.origin(), System.currentTimeMillis());
        fdm.encode(packet, 0);
        if (udp.send(packet, packet.length, fgFdm)) {
            fdmOut.countSent();
        }
    }

    /** The FGNetFDM that shows {@code s}: position from local NED through the origin, FlightGear's units. */
    static void fill(FgNetFdm f, VehicleState s, GeoOrigin origin, long epochMs) {
        f.version = FgNetFdm.VERSION;
        f.latitude = Math.toRadians(origin.latitudeDeg(s.x()));
        f.longitude = Math.toRadians(origin.longitudeDeg(s.y()));
        f.altitude = origin.altitudeM(s.z());
        f.agl = (float) Math.max(0, -s.z());
        f.phi = (float) s.roll();
        f.theta = (float) s.pitch();
        f.psi = (float) s.yaw();
        f.phidot = (float) s.rollRate();
        f.thetadot = (float) s.pitchRate();
        f.psidot = (float) s.yawRate();
        f.vNorth = (float) (s.vx() * FT_PER_M);
        f.vEast = (float) (s.vy() * FT_PER_M);
        f.vDown = (float) (s.vz() * FT_PER_M);
        f.climbRate = (float) (-s.vz() * FT_PER_M);
        f.vcas = (float) (Math.hypot(s.vx(), s.vy()) * KT_PER_MPS);
        f.numEngines = 1;
        f.engState[0] = s.armed() ? 2 : 0;
        f.rpm[0] = s.armed() ? 2500 : 0;
        f.numTanks = 1;
        f.fuelQuantity[0] = 10;
        f.numWheels = 3;
        boolean onGround = s.z() > -0.05;
        for (int i = 0; i < FgNetFdm.MAX_WHEELS; i++) {
            f.wow[i] = onGround ? 1 : 0;
            f.gearPos[i] = 1;
        }
        f.curTime = (int) (epochMs / 1000);
        f.warp = 0;
        f.visibility = 20_000;
    }

    private void onDatagram(byte[] data, int length, InetSocketAddress sender, long rxNs) {
        if (!sender.getAddress().equals(fgAddress)) {
            ctrlsIn.countStranger();
            return;
        }
        ctrlsIn.countReceived();
        Reject why = FgNetCtrls.decode(data, 0, length, ctrls);
        if (why != null) {
            ctrlsIn.countRejected(why);
            LOG.debug("FGNetCtrls refused: {} ({} bytes)", why, length);
            return;
        }
        ctrlsIn.countAccepted();
        pilot.set(new PilotInput(ctrls.aileron, ctrls.elevator, ctrls.rudder, ctrls.throttle[0], rxNs));
        fgWatch.onPacket(rxNs);
    }

    private void check() {
        long now = System.nanoTime();
        long boardNs = tap.lastFrameNs();
        if (boardNs != lastBoardFrameNs) {
            lastBoardFrameNs = boardNs;
            boardWatch.onPacket(boardNs);
        }
        fgWatch.check(now);
        boardWatch.check(now);
    }

    private void logStats() {
        LOG.info("view bridge: FGNetFDM out {}; FGNetCtrls in {}; MAVLink used {} skipped {} ({}); FlightGear {}",
                fdmOut.sent(), ctrlsIn, tap.framesUsed(), tap.framesSkipped(), tap.frameCounters(), fgWatch.state());
    }

    /** The MAVLink endpoint with its real port (for {@code udp-listen:0}). */
    public String mavlinkEndpoint() {
        return LinkNames.describe(config.mavlink(), mavlinkLink);
    }

    public int ctrlsPort() {
        return udp.boundPort();
    }

    public PacketCounters fdmOut() {
        return fdmOut;
    }

    public PacketCounters ctrlsIn() {
        return ctrlsIn;
    }

    public PeerWatch flightGear() {
        return fgWatch;
    }

    public PeerWatch board() {
        return boardWatch;
    }

    public MavlinkStateTap tap() {
        return tap;
    }

    /** FlightGear's latest controls, or null before the first good FGNetCtrls. */
    public PilotInput pilot() {
        return pilot.get();
    }

    @Override
    public void close() {
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        logStats();
        udp.close();
        mavlinkLink.close();
    }
}
