package io.pstr.fgfs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.GlobalPositionInt;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.FreePorts;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.fgfs.bridge.FdmBridge;
import io.pstr.fgfs.bridge.GeoOrigin;
import io.pstr.fgfs.bridge.PeerWatch;
import io.pstr.fgfs.bridge.ViewBridge;
import io.pstr.fgfs.launch.FgTelnet;
import io.pstr.fgfs.launch.FlightGear;
import io.pstr.fgfs.protocol.Reject;
import io.pstr.hilrig.Attitudes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real FlightGear (Debian's package) in data-only mode under Xvfb, driven by the bridge and read back through its
 * own property server. Skipped when FlightGear is not installed (scripts/install-flightgear.sh installs it).
 * <p>
 * Tolerances: position 2 m horizontally (FlightGear reports latitude and longitude through a single-precision
 * radians-to-degrees factor: about 1 m off at Honolulu), altitude 0.2 m, angles 0.5 degree.
 */
class FlightGearIntegrationTest {
    private static final Logger LOG = LoggerFactory.getLogger(FlightGearIntegrationTest.class);
    static final double HORIZONTAL_TOLERANCE_M = 2.0;
    static final double ALTITUDE_TOLERANCE_M = 0.2;
    static final double ANGLE_TOLERANCE_DEG = 0.5;
    /** FlightGear's first start builds a navigation cache (17-25 s measured); a loaded 2-core machine is slower. */
    static final Duration STARTUP = Duration.ofSeconds(180);
    /**
     * FlightGear's home with its navigation cache, kept in the project's (ignored) .pstr folder so that the cache is
     * built once, not after every clean; separate from the one ./pstr fgfs uses, so a running FlightGear is not disturbed.
     */
    static final Path HOME = (Files.isRegularFile(Path.of("..", "pom.xml")) ? Path.of("..", ".pstr", "fgfs", "test-home")
            : Path.of("target", "fgfs-it", "home")).toAbsolutePath().normalize();

    @BeforeAll
    static void needsFlightGear() {
        assumeTrue(FlightGear.findFgfs() != null, "FlightGear (fgfs) is not installed: run scripts/install-flightgear.sh to run this test");
        assumeTrue(FlightGear.onPath("xvfb-run") && FlightGear.onPath("dbus-run-session"),
                "xvfb-run or dbus-run-session missing: run scripts/install-flightgear.sh to run this test");
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }


    static FlightGear.Options options(int telnetPort, List<String> io) {
        return new FlightGear.Options(FlightGear.findFgfs(), HOME, true, "ufo", "PHNL", telnetPort, io, List.of());
    }

    static FgTelnet awaitTelnet(FlightGear fg, int port) {
        long t0 = System.nanoTime();
        AtomicReference<FgTelnet> telnet = new AtomicReference<>();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertTrue(fg.isAlive(), "FlightGear exited during start-up; see " + fg.options().logFile());
            try {
                // FlightGear serves its property server from its main loop, which stalls for seconds while it loads.
                telnet.set(FgTelnet.connect("127.0.0.1", port, 30_000));
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> "true".equals(telnet.get().get("/sim/fdm-initialized")));
        LOG.info("FlightGear's property server answered and its flight model was initialised {} s after launch",
                String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        return telnet.get();
    }

    static double angleDiffDeg(double a, double b) {
        return Math.abs(Math.toDegrees(Attitudes.wrapPi(Math.toRadians(a - b))));
    }

    @Test
    void viewModeShouldPutFlightGearWhereTheBridgeSays() throws Exception {
        int telnetPort = freeTcpPort();
        int fdmPort = FreePorts.udp();
        GeoOrigin origin = GeoOrigin.PHNL;
        List<String> events = new CopyOnWriteArrayList<>();
        try (ViewBridge bridge = ViewBridge.start(new ViewBridge.Config("127.0.0.1", fdmPort, 0, 30, Endpoint.parse("udp-listen:0"),
                origin, 3000), events::add);
             MavlinkTestPeer board = new MavlinkTestPeer(Integer.parseInt(bridge.mavlinkEndpoint().split(":")[1]))) {
            List<String> io = List.of("--fdm=null", "--native-fdm=socket,in,30,," + fdmPort + ",udp",
                    "--native-ctrls=socket,out,10,127.0.0.1," + bridge.ctrlsPort() + ",udp", "--prop:/sim/model/path=Models/Aircraft/H-60.xml");
            try (FlightGear fg = FlightGear.launch(options(telnetPort, io)); FgTelnet telnet = awaitTelnet(fg, telnetPort)) {
                // Three poses, each held (streamed at 50 Hz like the board) until FlightGear shows it.
                double[][] poses = {{0, 0, -10, 0, 0, 0.5}, {40, -25, -30, Math.toRadians(20), Math.toRadians(-10), -2.0},
                    {-15, 60, -5, Math.toRadians(-25), Math.toRadians(8), 3.0}};
                long bootMs = 0;
                for (double[] p : poses) {
                    long holdUntil = System.nanoTime() + STARTUP.toNanos();
                    double[] worst = new double[4];
                    boolean matched = false;
                    while (System.nanoTime() < holdUntil && !matched) {
                        bootMs += 20;
                        board.pose(bootMs, p[0], p[1], p[2], p[3], p[4], p[5]);
                        if (bootMs % 200 == 0) {
                            double north = origin.northM(telnet.getDouble("/position/latitude-deg"));
                            double east = origin.eastM(telnet.getDouble("/position/longitude-deg"));
                            double alt = telnet.getDouble("/position/altitude-ft") * 0.3048;
                            double horiz = Math.hypot(north - p[0], east - p[1]);
                            double dAlt = Math.abs(alt - origin.altitudeM(p[2]));
                            double dAngle = Math.max(angleDiffDeg(telnet.getDouble("/orientation/roll-deg"), Math.toDegrees(p[3])),
                                    Math.max(angleDiffDeg(telnet.getDouble("/orientation/pitch-deg"), Math.toDegrees(p[4])),
                                            angleDiffDeg(telnet.getDouble("/orientation/heading-deg"), Math.toDegrees(p[5]))));
                            worst = new double[] {horiz, dAlt, dAngle};
                            matched = horiz <= HORIZONTAL_TOLERANCE_M && dAlt <= ALTITUDE_TOLERANCE_M && dAngle <= ANGLE_TOLERANCE_DEG;
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                    }
                    LOG.info("pose {}: FlightGear off by {} m horizontally, {} m in altitude, {} deg", Arrays.toString(p), worst[0], worst[1],
                            worst[2]);
                    assertTrue(matched, "FlightGear did not follow to pose " + Arrays.toString(p) + ": last seen off by " + worst[0]
                            + " m horizontally, " + worst[1] + " m in altitude, " + worst[2] + " deg");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> bridge.flightGear().state() == PeerWatch.State.ALIVE);
                assertTrue(bridge.pilot() != null, "FlightGear's FGNetCtrls came back");
                assertEquals(0, bridge.ctrlsIn().rejectedTotal(), "every FGNetCtrls from FlightGear is valid: " + bridge.ctrlsIn());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bridge.flightGear().state() == PeerWatch.State.SILENT);
            assertTrue(events.stream().anyMatch(e -> e.startsWith("FlightGear stopped sending")), events.toString());
        }
    }

    @Test
    void fdmModeShouldTurnFlightGearIntoABoard() throws Exception {
        int telnetPort = freeTcpPort();
        int controlsPort = FreePorts.udp();
        try (FdmBridge bridge = FdmBridge.start(new FdmBridge.Config("127.0.0.1", 0, controlsPort, 30, Endpoint.parse("tcp-listen:0"), 3000),
                e -> { })) {
            List<String> io = List.of("--generic=socket,out,30,127.0.0.1," + bridge.statePort() + ",udp," + FdmBridge.STATE_PROTOCOL,
                    "--generic=socket,in,30,," + controlsPort + ",udp," + FdmBridge.CONTROLS_PROTOCOL);
            try (FlightGear fg = FlightGear.launch(options(telnetPort, io)); FgTelnet telnet = awaitTelnet(fg, telnetPort)) {
                long t0 = System.nanoTime();
                await().atMost(STARTUP).until(() -> bridge.state() != null);
                LOG.info("fdm: FlightGear's first valid state {} s after its property server answered ({} start-up zeros skipped)",
                        String.format("%.1f", (System.nanoTime() - t0) / 1e9), bridge.stateIn().rejected(Reject.STARTUP_ZEROS));
                FdmBridge.FgState s = bridge.state();
                assertTrue(s.simTimeS() > 0, "sim time " + s.simTimeS());
                assertTrue(Math.abs(s.latDeg() - 21.3252) < 0.05 && Math.abs(s.lonDeg() + 157.943) < 0.05, "at PHNL: " + s);
                // The host side: connect to the bridge's board endpoint, see FlightGear's position, fly it.
                try (Socket host = new Socket("127.0.0.1", Integer.parseInt(bridge.boardEndpoint().split(":")[1]))) {
                    host.setSoTimeout(10_000);
                    InputStream in = host.getInputStream();
                    OutputStream out = host.getOutputStream();
                    MavlinkCodec codec = new MavlinkCodec();
                    MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
                    List<Object> got = new ArrayList<>();
                    byte[] buf = new byte[4096];
                    while (got.stream().noneMatch(o -> o instanceof GlobalPositionInt)) {
                        int n = in.read(buf);
                        assertTrue(n > 0, "board link closed");
                        splitter.feed(buf, 0, n, (f, off, len, id) -> got.add(codec.decodePayload(Arrays.copyOfRange(f, off, off + len))));
                    }
                    GlobalPositionInt g = (GlobalPositionInt) got.stream().filter(o -> o instanceof GlobalPositionInt).findFirst().orElseThrow();
                    assertEquals(telnet.getDouble("/position/latitude-deg"), g.lat() / 1e7, 1e-4, "GLOBAL_POSITION_INT latitude");
                    byte[] arm = codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(1)
                            .command(EnumValue.create(MavCmd.class, 400)).param1(1).build(), 255, 190, 0);
                    out.write(arm);
                    double[] q = Attitudes.toQuaternion(Math.toRadians(15), 0, Math.toRadians(s.headingDeg()));
                    int[] seq = {1};
                    double[] seen = new double[2];
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                        out.write(codec.encodeV2(SetAttitudeTarget.builder().targetSystem(1).targetComponent(1)
                                .q(Arrays.asList((float) q[0], (float) q[1], (float) q[2], (float) q[3])).thrust(0.4f).build(), 255, 190,
                                seq[0]++ & 0xFF));
                        seen[0] = telnet.getDouble("/controls/flight/aileron");
                        seen[1] = telnet.getDouble("/controls/engines/engine[0]/throttle");
                        return bridge.armed() && seen[0] > 0.1 && Math.abs(seen[1] - 0.4) < 0.01;
                    });
                    LOG.info("fdm: FlightGear's aileron {} and throttle {} (targets: 15 deg roll, thrust 0.4), {} s after its first state",
                            seen[0], seen[1], String.format("%.1f", (System.nanoTime() - t0) / 1e9));
                }
                assertTrue(bridge.stateIn().accepted() > 10, bridge.stateIn().toString());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bridge.flightGear().state() == PeerWatch.State.SILENT);
        }
    }
}
