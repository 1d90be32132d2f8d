package io.pstr.fgfs.bridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.fgfs.MavlinkTestPeer;
import io.pstr.fgfs.protocol.FgNetCtrls;
import io.pstr.fgfs.protocol.FgNetFdm;
import io.pstr.fgfs.protocol.Reject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ViewBridgeTest {
    static final Duration LONG = Duration.ofSeconds(20);
    final List<String> events = new CopyOnWriteArrayList<>();
    FakeFlightGear fg;
    ViewBridge bridge;
    MavlinkTestPeer board;

    void start(int rateHz, long peerTimeoutMs) throws Exception {
        fg = new FakeFlightGear(0);
        bridge = ViewBridge.start(new ViewBridge.Config("127.0.0.1", fg.inputPort(), 0, rateHz, Endpoint.parse("udp-listen:0"),
                GeoOrigin.PHNL, peerTimeoutMs), events::add);
        board = new MavlinkTestPeer(Integer.parseInt(bridge.mavlinkEndpoint().split(":")[1]));
    }

    @AfterEach
    void stop() {
        if (board != null) {
            board.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (fg != null) {
            fg.close();
        }
    }

    static FgNetCtrls stick(double aileron) {
        FgNetCtrls c = new FgNetCtrls();
        c.aileron = aileron;
        c.throttle[0] = 0.7;
        c.numEngines = 1;
        return c;
    }

    @Test
    void shouldSendNothingBeforeTheBoardReports() throws Exception {
        start(30, 3000);
        assertNull(fg.received.poll(500, TimeUnit.MILLISECONDS), "no FGNetFDM without a state to show");
        assertEquals(0, bridge.fdmOut().sent());
    }

    @Test
    void shouldStreamValidFdmAtTheRateInTheBoardsOrder() throws Exception {
        start(30, 3000);
        // The board flies north at 5 m/s, 50 Hz telemetry, for 3 s.
        long t0 = System.nanoTime();
        long bootMs = 0;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3)) {
            bootMs += 20;
            board.pose(bootMs, bootMs / 1000.0 * 5, 2, -10, 0.1, -0.05, 1.0);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        List<FakeFlightGear.Received> got = new ArrayList<>();
        fg.received.drainTo(got);
        assertTrue(got.size() > 10, "packets: " + got.size());
        FgNetFdm f = new FgNetFdm();
        double lastLat = -1;
        for (FakeFlightGear.Received r : got) {
            assertEquals(FgNetFdm.SIZE_BYTES, r.data().length);
            assertNull(FgNetFdm.decode(r.data(), 0, r.data().length, f), "every packet is a valid FGNetFDM");
            assertTrue(f.latitude >= lastLat, "positions arrive in the board's order");
            lastLat = f.latitude;
            assertEquals(0.1f, f.phi);
            assertEquals(GeoOrigin.PHNL.altitudeM(-10), f.altitude, 1e-9);
            assertEquals(0, f.wow[0], "airborne");
        }
        assertTrue(Math.toDegrees(lastLat) > GeoOrigin.PHNL.latDeg(), "moved north");
        // Rate: over the span between first and last packet, 30 Hz within a wide band (a loaded 2-core machine).
        double spanS = (got.get(got.size() - 1).rxNs() - got.get(0).rxNs()) / 1e9;
        double rateHz = (got.size() - 1) / spanS;
        assertTrue(rateHz > 30 * 0.6 && rateHz < 30 * 1.3, "rate " + rateHz + " Hz over " + spanS + " s");
    }

    @Test
    void shouldCountBadCtrlsAndKeepTheGoodOnes() throws Exception {
        start(30, 3000);
        byte[] good = stick(0.25).encode();
        fg.send(new byte[100], bridge.ctrlsPort());
        fg.send(new byte[FgNetCtrls.SIZE_BYTES], bridge.ctrlsPort());
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).putDouble(8, Double.NaN);
        fg.send(nan, bridge.ctrlsPort());
        byte[] manyEngines = good.clone();
        ByteBuffer.wrap(manyEngines).putInt(88, 99);
        fg.send(manyEngines, bridge.ctrlsPort());
        fg.send(good, bridge.ctrlsPort());
        await().atMost(LONG).until(() -> bridge.ctrlsIn().received() == 5);
        assertEquals(1, bridge.ctrlsIn().rejected(Reject.WRONG_SIZE));
        assertEquals(1, bridge.ctrlsIn().rejected(Reject.WRONG_VERSION));
        assertEquals(1, bridge.ctrlsIn().rejected(Reject.NOT_FINITE));
        assertEquals(1, bridge.ctrlsIn().rejected(Reject.BAD_COUNT));
        assertEquals(1, bridge.ctrlsIn().accepted());
        assertEquals(0.25, bridge.pilot().aileron());
        assertEquals(0.7, bridge.pilot().throttle());
    }

    @Test
    void shouldReportLossAndRestartOfFlightGearAndKeepFeedingIt() throws Exception {
        start(30, 300);
        byte[] ctrls = stick(0).encode();
        long[] bootMs = {0};
        await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> {
            fg.send(ctrls, bridge.ctrlsPort());
            board.pose(bootMs[0] += 20, 0, 0, -5, 0, 0, 0);
            return bridge.flightGear().state() == PeerWatch.State.ALIVE;
        });
        // FlightGear dies: nothing comes back; the bridge says so once and carries on.
        int fdmPort = fg.inputPort();
        fg.close();
        await().atMost(LONG).until(() -> bridge.flightGear().state() == PeerWatch.State.SILENT);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("FlightGear stopped sending")), events.toString());
        // FlightGear restarts on the same port (and a new source port): the bridge feeds it and sees it again.
        fg = new FakeFlightGear(fdmPort);
        FakeFlightGear restarted = fg;
        long sentBefore = bridge.fdmOut().sent();
        await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> {
            restarted.send(ctrls, bridge.ctrlsPort());
            return bridge.flightGear().state() == PeerWatch.State.ALIVE && !restarted.received.isEmpty();
        });
        assertTrue(bridge.fdmOut().sent() > sentBefore);
        assertTrue(events.contains("FlightGear is sending again"), events.toString());
        assertEquals(1, bridge.flightGear().silences());
    }

    @Test
    void shouldSkipStaleAndNonFiniteTelemetry() throws Exception {
        start(30, 3000);
        board.pose(1000, 10, 0, -5, 0, 0, 0);
        await().atMost(LONG).until(() -> bridge.tap().latest() != null);
        board.pose(900, 99, 0, -5, 0, 0, 0);
        board.send(io.dronefleet.mavlink.common.Attitude.builder().timeBootMs(1100).roll(Float.NaN).build());
        board.pose(1200, 11, 0, -5, 0, 0, 0);
        await().atMost(LONG).until(() -> bridge.tap().latest().positionBootMs() == 1200);
        assertEquals(11, bridge.tap().latest().x(), 1e-6);
        assertEquals(3, bridge.tap().framesSkipped(), "two stale frames and one NaN");
    }
}
