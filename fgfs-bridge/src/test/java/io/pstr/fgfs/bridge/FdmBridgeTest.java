package io.pstr.fgfs.bridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.link.Endpoint;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.fgfs.protocol.GenericProtocol;
import io.pstr.fgfs.protocol.Reject;
import io.pstr.hilrig.Attitudes;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FdmBridgeTest {
    static final Duration LONG = Duration.ofSeconds(20);
    final GenericProtocol.Block stateBlock = FdmBridge.load(FdmBridge.STATE_PROTOCOL).output();
    final GenericProtocol.Block controlsBlock = FdmBridge.load(FdmBridge.CONTROLS_PROTOCOL).input();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Object> fromBoard = new CopyOnWriteArrayList<>();
    final MavlinkCodec codec = new MavlinkCodec();
    FakeFlightGear fg;
    FdmBridge bridge;
    Socket host;

    void start(long peerTimeoutMs) throws Exception {
        fg = new FakeFlightGear(0);
        bridge = FdmBridge.start(new FdmBridge.Config("127.0.0.1", 0, fg.inputPort(), 30, Endpoint.parse("tcp-listen:0"), peerTimeoutMs),
                events::add);
        host = new Socket("127.0.0.1", Integer.parseInt(bridge.boardEndpoint().split(":")[1]));
        Thread reader = new Thread(() -> {
            MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
            byte[] buf = new byte[4096];
            try {
                InputStream in = host.getInputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    splitter.feed(buf, 0, n, (f, off, len, id) -> fromBoard.add(codec.decodePayload(Arrays.copyOfRange(f, off, off + len))));
                }
            } catch (IOException e) {
                // socket closed by the test
            }
        }, "test-host");
        reader.setDaemon(true);
        reader.start();
        // Connected once the 1 Hz HEARTBEAT reaches us: frames sent before that have nobody to go to.
        await().atMost(LONG).until(() -> fromBoard.stream().anyMatch(o -> o instanceof io.dronefleet.mavlink.minimal.Heartbeat));
    }

    @AfterEach
    void stop() throws IOException {
        if (host != null) {
            host.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (fg != null) {
            fg.close();
        }
    }

    byte[] state(double simTime, double lat, double lon, double altM, double rollDeg, double headingDeg) {
        double[] v = new double[stateBlock.chunks().size()];
        v[0] = simTime;
        v[1] = lat;
        v[2] = lon;
        v[3] = altM;
        v[4] = 2;
        v[5] = rollDeg;
        v[7] = headingDeg;
        v[11] = 1.5;
        return stateBlock.encode(v);
    }

    void toHostBoard(Object payload, int seq) throws IOException {
        host.getOutputStream().write(codec.encodeV2(payload, 255, 190, seq));
    }

    @Test
    void shouldTurnFlightGearStateIntoBoardTelemetryAfterTheStartUpZeros() throws Exception {
        start(3000);
        fg.send(state(0, 0, 0, 0, 0, 0), bridge.statePort());
        fg.send(new byte[17], bridge.statePort());
        byte[] nan = state(1, 21.3, -157.9, 10, 0, 0);
        java.nio.ByteBuffer.wrap(nan).putDouble(8, Double.NaN);
        fg.send(nan, bridge.statePort());
        fg.send(state(1.0, 21.3, -157.9, 12, 10, 90), bridge.statePort());
        fg.send(state(1.1, 21.3001, -157.9, 22, 10, 90), bridge.statePort());
        await().atMost(LONG).until(() -> bridge.stateIn().received() == 5);
        assertEquals(1, bridge.stateIn().rejected(Reject.STARTUP_ZEROS));
        assertEquals(1, bridge.stateIn().rejected(Reject.WRONG_SIZE));
        assertEquals(1, bridge.stateIn().rejected(Reject.NOT_FINITE));
        assertEquals(2, bridge.stateIn().accepted());
        await().atMost(LONG).until(() -> fromBoard.stream().filter(o -> o instanceof LocalPositionNed).count() == 2);
        LocalPositionNed last = (LocalPositionNed) fromBoard.stream().filter(o -> o instanceof LocalPositionNed).reduce((a, b) -> b).orElseThrow();
        assertEquals(new GeoOrigin(21.3, -157.9, 10).northM(21.3001), last.x(), 0.01, "north of where FlightGear first was");
        assertEquals(-12, last.z(), 1e-3, "10 m higher than the ground it started on (12 m ASL at 2 m AGL)");
        assertEquals(1.5, last.vx(), 1e-6);
        Attitude att = (Attitude) fromBoard.stream().filter(o -> o instanceof Attitude).findFirst().orElseThrow();
        assertEquals(Math.toRadians(10), att.roll(), 1e-6);
        assertEquals(Math.toRadians(90), att.yaw(), 1e-6);
    }

    @Test
    void shouldFlyFlightGearWithTheReplicasAttitudeTargets() throws Exception {
        start(3000);
        fg.send(state(5, 21.3, -157.9, 100, 0, 0), bridge.statePort());
        await().atMost(LONG).until(() -> bridge.state() != null);
        toHostBoard(CommandLong.builder().targetSystem(1).targetComponent(1).command(EnumValue.create(MavCmd.class, 400)).param1(1).build(), 0);
        await().atMost(LONG).until(() -> fromBoard.stream().anyMatch(o -> o instanceof CommandAck a && a.result().entry() == MavResult.MAV_RESULT_ACCEPTED));
        assertTrue(bridge.armed());
        double[] q = Attitudes.toQuaternion(Math.toRadians(15), Math.toRadians(-6), 0);
        double[] values = new double[controlsBlock.chunks().size()];
        int[] seq = {1};
        await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> {
            toHostBoard(SetAttitudeTarget.builder().targetSystem(1).targetComponent(1)
                    .q(Arrays.asList((float) q[0], (float) q[1], (float) q[2], (float) q[3])).thrust(0.6f).build(), seq[0]++ & 0xFF);
            FakeFlightGear.Received r;
            while ((r = fg.received.poll()) != null) {
                assertEquals(controlsBlock.sizeBytes(), r.data().length);
                assertEquals(null, controlsBlock.decode(r.data(), 0, r.data().length, values));
            }
            return values[3] > 0.5;
        });
        assertEquals(0.5, values[0], 1e-3, "aileron: 15 deg of roll error at full deflection for 30 deg");
        assertEquals(0.2, values[1], 1e-3, "elevator positive (nose down) for a nose-down target");
        assertEquals(0.6, values[3], 1e-6, "throttle");
        assertEquals(values[3], values[4], "both throttle chunks");
        // Bad targets are counted and do not move the controls.
        toHostBoard(SetAttitudeTarget.builder().targetSystem(1).targetComponent(1)
                .q(Arrays.asList(Float.NaN, 0f, 0f, 0f)).thrust(0.6f).build(), seq[0]++ & 0xFF);
        toHostBoard(SetAttitudeTarget.builder().targetSystem(1).targetComponent(1)
                .q(Arrays.asList(1f, 0f, 0f, 0f)).thrust(3f).build(), seq[0]++ & 0xFF);
        await().atMost(LONG).until(() -> bridge.setpointsRefused() == 2);
        // Targets stop: the surfaces centre and the throttle closes.
        await().atMost(LONG).until(() -> bridge.lastControls().equals(new FdmBridge.Controls(0, 0, 0, 0)));
    }

    @Test
    void shouldReportFlightGearGoneAndBackAndRestartItsOrigin() throws Exception {
        start(300);
        fg.send(state(50, 21.3, -157.9, 100, 0, 0), bridge.statePort());
        await().atMost(LONG).until(() -> bridge.stateIn().accepted() == 1);
        await().atMost(LONG).until(() -> bridge.flightGear().state() == PeerWatch.State.SILENT);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("FlightGear stopped sending")), events.toString());
        // A restarted FlightGear starts its clock again, somewhere else: that is the new origin.
        fg.send(state(0.5, 21.4, -157.9, 50, 0, 0), bridge.statePort());
        await().atMost(LONG).until(() -> bridge.flightGear().state() == PeerWatch.State.ALIVE);
        fg.send(state(0.6, 21.4, -157.9, 51, 0, 0), bridge.statePort());
        await().atMost(LONG).until(() -> fromBoard.stream().filter(o -> o instanceof LocalPositionNed).count() == 3);
        LocalPositionNed last = (LocalPositionNed) fromBoard.stream().filter(o -> o instanceof LocalPositionNed).reduce((a, b) -> b).orElseThrow();
        assertEquals(0, last.x(), 1e-3);
        assertEquals(-3, last.z(), 1e-3, "1 m above the 50 m ASL it restarted at, which was 2 m above the ground");
    }
}
