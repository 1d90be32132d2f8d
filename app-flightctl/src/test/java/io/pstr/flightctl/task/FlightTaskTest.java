package io.pstr.flightctl.task;

import io.pstr.core.status.MissionPhase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.pstr.core.mavlink.CompanionHeartbeat;
import io.pstr.core.mavlink.MavlinkCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class FlightTaskTest {

    private static final Logger LOG = LoggerFactory.getLogger(FlightTaskTest.class);
    private static final int PERIOD_MS = 20;
    /** Cycles between two of the task's companion heartbeats. */
    private static final long HEARTBEAT_EVERY = CompanionHeartbeat.PERIOD_MS / PERIOD_MS;

    private final MavlinkCodec codec = new MavlinkCodec();

    @Test
    void shouldProduceBitIdenticalOutputAndOdsOnTwoReplicasFedTheSameInputs() {
        FlightTask a = new FlightTask(MissionPlan.defaults());
        FlightTask b = new FlightTask(MissionPlan.defaults());
        Ods odsA = Ods.initial(MissionPlan.defaults());
        Ods odsB = Ods.initial(MissionPlan.defaults());
        QuadSim sim = QuadSim.onGround();
        List<byte[]> inputs = List.of();
        for (long cycle = 0; cycle < 2000; cycle++) {
            List<byte[]> fed = withNoise(inputs, cycle);
            StepResult ra = a.step(odsA, fed, cycle, PERIOD_MS);
            StepResult rb = b.step(odsB, fed, cycle, PERIOD_MS);
            assertSame(ra, rb, cycle);
            assertArrayEquals(odsA.toBytes(), odsB.toBytes(), "ODS bytes at cycle " + cycle);
            sim.receive(ra.frames());
            inputs = sim.advance(PERIOD_MS);
        }
        assertTrue(odsA.missionPhase.code() >= MissionPhase.WAYPOINT.code(), "the flight got going: " + odsA);
    }

    @Test
    void shouldContinueBitIdenticallyFromACheckpoint() {
        FlightTask a = new FlightTask(MissionPlan.defaults());
        Ods odsA = Ods.initial(MissionPlan.defaults());
        QuadSim sim = QuadSim.onGround();
        List<byte[]> inputs = List.of();
        long cycle = 0;
        for (; cycle < 500; cycle++) {
            sim.receive(a.step(odsA, inputs, cycle, PERIOD_MS).frames());
            inputs = sim.advance(PERIOD_MS);
        }
        FlightTask b = new FlightTask(MissionPlan.defaults());
        Ods odsB = Ods.fromBytes(odsA.toBytes());
        assertEquals(odsA.hash(), odsB.hash());
        for (; cycle < 1000; cycle++) {
            StepResult ra = a.step(odsA, inputs, cycle, PERIOD_MS);
            StepResult rb = b.step(odsB, inputs, cycle, PERIOD_MS);
            assertSame(ra, rb, cycle);
            sim.receive(ra.frames());
            inputs = sim.advance(PERIOD_MS);
        }
        assertArrayEquals(odsA.toBytes(), odsB.toBytes());
    }

    @Test
    void shouldTakeOffFlyTheSquareLandAndDisarmInClosedLoop() {
        MissionPlan plan = MissionPlan.defaults();
        FlightTask task = new FlightTask(plan);
        Ods ods = Ods.initial(plan);
        QuadSim sim = QuadSim.onGround();
        List<byte[]> inputs = List.of();
        double maxAltitudeM = 0;
        double[] closestM = new double[plan.waypoints().size()];
        Arrays.fill(closestM, Double.MAX_VALUE);
        long reached10m = -1, squareDone = -1, landedDisarmed = -1, firstWaypoint = -1;
        double altitudeAtFirstWaypointM = 0;
        int rejected = 0;
        long cycle = 0;
        for (; cycle < 8000 && landedDisarmed < 0; cycle++) {
            StepResult r = task.step(ods, inputs, cycle, PERIOD_MS);
            if (!r.accepted()) {
                rejected++;
            }
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
            maxAltitudeM = Math.max(maxAltitudeM, sim.altitudeM());
            if (reached10m < 0 && sim.altitudeM() >= 9.5) {
                reached10m = cycle;
            }
            if (firstWaypoint < 0 && r.phase() == MissionPhase.WAYPOINT) {
                firstWaypoint = cycle;
                altitudeAtFirstWaypointM = sim.altitudeM();
            }
            if ((r.phase() == MissionPhase.WAYPOINT || r.phase() == MissionPhase.HOLD) && ods.waypointIndex < closestM.length) {
                MissionPlan.Waypoint wp = plan.waypoints().get(ods.waypointIndex);
                double distM = Math.sqrt(sq(sim.n - wp.northM()) + sq(sim.e - wp.eastM()) + sq(sim.altitudeM() - wp.altitudeM()));
                closestM[ods.waypointIndex] = Math.min(closestM[ods.waypointIndex], distM);
            }
            if (squareDone < 0 && r.phase() == MissionPhase.LAND) {
                squareDone = cycle;
            }
            if (r.phase() == MissionPhase.LANDED && !sim.armed) {
                landedDisarmed = cycle;
            }
        }
        LOG.info("closed loop: 10 m reached at cycle {}, first waypoint at {}, square done at {}, landed and disarmed at {},"
                + " max altitude {} m, closest approach per waypoint {}", reached10m, firstWaypoint, squareDone, landedDisarmed,
                maxAltitudeM, Arrays.toString(closestM));
        assertEquals(0, rejected, "a healthy controller never trips the acceptance test");
        assertTrue(reached10m > 0 && reached10m < 1000, "reached 10 m at cycle " + reached10m);
        assertTrue(maxAltitudeM <= 10.5, "max altitude " + maxAltitudeM);
        assertEquals(10.0, altitudeAtFirstWaypointM, 0.5);
        for (int i = 0; i < closestM.length; i++) {
            assertTrue(closestM[i] < plan.acceptanceRadiusM() + 0.1, "waypoint " + i + " closest " + closestM[i]);
        }
        assertTrue(squareDone > 0 && squareDone < 5000, "square done at cycle " + squareDone);
        assertTrue(landedDisarmed > 0 && landedDisarmed < 7000, "landed and disarmed at cycle " + landedDisarmed);
        assertTrue(sim.altitudeM() < 0.15);
        assertTrue(Math.hypot(sim.n, sim.e) < 1.0, "landed near the origin: " + sim.n + ", " + sim.e);

        // after landing it keeps streaming neutral setpoints and sends nothing else but its heartbeat
        for (long end = cycle + 100; cycle < end; cycle++) {
            StepResult r = task.step(ods, inputs, cycle, PERIOD_MS);
            assertEquals(companionHeartbeatDue(cycle) ? 2 : 1, r.frames().size());
            SetAttitudeTarget sp = (SetAttitudeTarget) codec.decodePayload(r.frames().get(0));
            assertEquals(0f, sp.thrust());
            assertEquals(cycle * PERIOD_MS, sp.timeBootMs());
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
        }
        assertFalse(sim.armed);
        assertTrue(ods.lastRequestId >= 3, "offboard, arm and disarm were requested: " + ods.lastRequestId);
    }

    /** The default plan flown in closed loop against {@link QuadSim}, one cycle at a time. */
    private static final class ClosedLoop {
        final FlightTask task = new FlightTask(MissionPlan.defaults());
        final Ods ods = Ods.initial(MissionPlan.defaults());
        final QuadSim sim;
        List<byte[]> inputs = List.of();
        long cycle;
        int rejected;

        ClosedLoop() {
            this(QuadSim.onGround());
        }

        ClosedLoop(QuadSim sim) {
            this.sim = sim;
        }

        /** One cycle; {@code linked} false is an unplugged link: nothing reaches the board, nothing comes back. */
        void step(boolean linked) {
            StepResult r = task.step(ods, linked ? inputs : List.of(), cycle++, PERIOD_MS);
            rejected += r.accepted() ? 0 : 1;
            if (linked) {
                sim.receive(r.frames());
            }
            List<byte[]> telemetry = sim.advance(PERIOD_MS);
            inputs = linked ? telemetry : List.of();
        }

        void flyToWaypoint(int index) {
            while (cycle < 5000 && !(ods.missionPhase == MissionPhase.WAYPOINT && ods.waypointIndex == index)) {
                step(true);
            }
            assertEquals(MissionPhase.WAYPOINT, ods.missionPhase, "flying to waypoint " + index);
        }
    }

    @Test
    void shouldTakeTheAircraftBackFromTheBoardsFailsafeOnceTheLinkIsBackAndFlyOn() {
        ClosedLoop loop = new ClosedLoop();
        loop.flyToWaypoint(1);
        QuadSim sim = loop.sim;
        double altitudeBeforeM = sim.altitudeM();

        for (int i = 0; i < 150; i++) {
            loop.step(false); // 3 s unplugged
        }
        assertTrue(sim.failsafe && !sim.offboard(), "the board's failsafe took the aircraft");
        assertTrue(sim.altitudeM() < altitudeBeforeM - 1.5, "and descends: " + sim.altitudeM() + " m");
        int waypointDuringOutage = loop.ods.waypointIndex;

        double lowestM = sim.altitudeM();
        for (int i = 0; i < 150 && !sim.offboard(); i++) {
            loop.step(true);
            lowestM = Math.min(lowestM, sim.altitudeM());
        }
        assertTrue(sim.offboard(), "OFFBOARD again within 3 s of the link coming back");
        assertTrue(lowestM > 3, "caught well above the ground: lowest " + lowestM + " m");
        assertEquals(waypointDuringOutage, loop.ods.waypointIndex, "the mission did not advance while the board was not following");

        for (int i = 0; i < 1500 && loop.ods.waypointIndex == waypointDuringOutage; i++) {
            loop.step(true);
        }
        assertTrue(loop.ods.waypointIndex > waypointDuringOutage, "the mission goes on: " + loop.ods);
        assertFalse(loop.ods.regainingControl);
        assertEquals(0, loop.ods.pendingCommand, "no command left pending");
        assertEquals(0, loop.rejected, "no output tripped the acceptance test on the way back");
    }

    @Test
    void shouldFlyTheWholeMissionOnArduCopterInGuided() {
        ClosedLoop loop = new ClosedLoop(QuadSim.arduCopter());
        double maxAltitudeM = 0;
        while (loop.cycle < 8000 && !(loop.ods.missionPhase == MissionPhase.LANDED && !loop.sim.armed)) {
            loop.step(true);
            maxAltitudeM = Math.max(maxAltitudeM, loop.sim.altitudeM());
        }
        assertEquals(MissionPhase.LANDED, loop.ods.missionPhase, "landed: " + loop.ods);
        assertFalse(loop.sim.armed, "and disarmed");
        assertEquals(10.0, maxAltitudeM, 0.5, "took off to the plan's 10 m");
        assertEquals(3, loop.ods.autopilot);
        assertFalse(loop.sim.modeRequests.isEmpty());
        assertTrue(loop.sim.modeRequests.stream().allMatch(m -> m == AutopilotModes.ArduCopter.GUIDED),
                "asked for GUIDED (4) only, never PX4's OFFBOARD (6): " + loop.sim.modeRequests);
        assertEquals(0, loop.rejected);
    }

    @Test
    void shouldAskArduCopterForTheTelemetryItDoesNotStreamUnaskedAndNeverAskPx4() {
        ClosedLoop copter = new ClosedLoop(QuadSim.arduCopter());
        for (int i = 0; i < 10; i++) {
            copter.step(true);
        }
        assertEquals(List.of(30, 32, 1), copter.sim.streamRequests,
                "ATTITUDE, LOCAL_POSITION_NED and SYS_STATUS, one a cycle, once the heartbeat said ArduPilot");
        assertTrue(copter.sim.attitudeStreamed && copter.sim.positionStreamed);
        for (int i = 0; i < 200; i++) {
            copter.step(true);
        }
        assertEquals(List.of(30, 32, 1, 1, 1, 1, 1), copter.sim.streamRequests,
                "ATTITUDE and LOCAL_POSITION_NED flow, so only SYS_STATUS (which this board never sends) is asked again, "
                        + "once a second");
        copter.sim.attitudeStreamed = false; // as after a reboot of the board
        for (int i = 0; i < 60; i++) {
            copter.step(true);
        }
        assertTrue(copter.sim.attitudeStreamed, "asked again once ATTITUDE stopped for a second: " + copter.sim.streamRequests);

        ClosedLoop px4 = new ClosedLoop();
        for (int i = 0; i < 210; i++) {
            px4.step(true);
        }
        assertTrue(px4.sim.streamRequests.isEmpty(), "PX4 streams by itself");
        assertEquals(-1, px4.ods.streamAskedCycle[0]);
    }

    @Test
    void shouldHandTheTouchdownToTheBoardsOwnLandingWhenItRefusesToDisarm() {
        ClosedLoop loop = new ClosedLoop(QuadSim.arduCopter());
        loop.sim.refusesDisarm = true;
        while (loop.cycle < 8000 && loop.ods.missionPhase != MissionPhase.LANDED) {
            loop.step(true);
        }
        assertEquals(MissionPhase.LANDED, loop.ods.missionPhase, loop.ods.toString());
        long touchdown = loop.cycle;
        while (loop.cycle < touchdown + 400 && loop.sim.armed) {
            loop.step(true);
            if (loop.cycle < touchdown + FlightTask.HAND_OVER_LANDING_MS / PERIOD_MS - 1) {
                assertEquals(0, loop.sim.landCommands, "disarm is asked for first");
            }
        }
        assertFalse(loop.sim.armed, "the board's own landing disarmed it");
        assertEquals(1, loop.sim.landCommands, "one MAV_CMD_NAV_LAND, once disarming had been refused for 5 s");
        for (int i = 0; i < 100; i++) {
            loop.step(true);
        }
        assertEquals(1, loop.sim.landCommands, "nothing more once disarmed");
        assertEquals(0, loop.ods.pendingCommand);
    }

    @Test
    void shouldFollowAgainWithoutAModeRequestWhenArduCopterHeldThroughAnOutage() {
        ClosedLoop loop = new ClosedLoop(QuadSim.arduCopter());
        loop.flyToWaypoint(1);
        QuadSim sim = loop.sim;
        double altitudeBeforeM = sim.altitudeM();
        int requestsBefore = sim.modeRequests.size();
        for (int i = 0; i < 150; i++) {
            loop.step(false); // 3 s unplugged
        }
        assertTrue(sim.offboard() && !sim.failsafe, "ArduCopter stays in GUIDED with no failsafe");
        assertEquals(altitudeBeforeM, sim.altitudeM(), 0.5, "holding its altitude");
        int waypointDuringOutage = loop.ods.waypointIndex;
        for (int i = 0; i < 1500 && loop.ods.waypointIndex == waypointDuringOutage; i++) {
            loop.step(true);
        }
        assertTrue(loop.ods.waypointIndex > waypointDuringOutage, "the mission goes on: " + loop.ods);
        assertEquals(requestsBefore, sim.modeRequests.size(), "nothing to ask for: the board never left GUIDED");
        assertFalse(loop.ods.regainingControl);
        assertEquals(0, loop.rejected);
    }

    @Test
    void shouldLeaveAModeThePilotChoseAlone() {
        ClosedLoop loop = new ClosedLoop();
        loop.flyToWaypoint(1);
        loop.sim.mainMode = QuadSim.POSCTL;
        int commandsBefore = loop.sim.commandsReceived;
        for (int i = 0; i < 200; i++) {
            loop.step(true);
        }
        assertEquals(QuadSim.POSCTL, loop.sim.mainMode, "the pilot keeps the aircraft");
        assertEquals(commandsBefore, loop.sim.commandsReceived, "no mode request to take it back");
        assertFalse(loop.ods.regainingControl);
    }

    @Test
    void shouldHoldAndLandWithoutClimbingOnAColdStartInFlight() {
        MissionPlan plan = MissionPlan.landNow();
        FlightTask task = new FlightTask(plan);
        Ods ods = Ods.initial(plan);
        QuadSim sim = QuadSim.hoveringAt(8.0);
        List<byte[]> inputs = sim.advance(PERIOD_MS);
        double maxAltitudeM = 0;
        long landed = -1;
        boolean wasOffboard = false;
        for (long cycle = 0; cycle < 3000 && landed < 0; cycle++) {
            StepResult r = task.step(ods, inputs, cycle, PERIOD_MS);
            assertTrue(r.accepted(), r.rejectReason());
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
            wasOffboard |= sim.offboard();
            maxAltitudeM = Math.max(maxAltitudeM, sim.altitudeM());
            if (r.phase() == MissionPhase.LANDED && !sim.armed) {
                landed = cycle;
            }
        }
        LOG.info("cold start in flight: landed and disarmed at cycle {}, max altitude {} m", landed, maxAltitudeM);
        assertTrue(wasOffboard, "took OFFBOARD");
        assertTrue(landed > 0, "landed and disarmed");
        assertTrue(maxAltitudeM < 8.5, "never climbed: " + maxAltitudeM);
        assertTrue(Math.hypot(sim.n - 3, sim.e + 2) < 1.0, "landed where it was: " + sim.n + ", " + sim.e);
    }

    @Test
    void shouldDecodeOnlyTheMessagesItReads() {
        for (int id : new int[] {0, 30, 32, 73, 76, 77}) {
            assertTrue(FlightTask.readsMessage(id), "reads " + id);
        }
        // SYS_STATUS (only counted as streamed), VFR_HUD, HIGHRES_IMU, ALTITUDE, CURRENT_MODE: PX4 streams them, the task skips them
        for (int id : new int[] {1, 74, 105, 141, 436}) {
            assertFalse(FlightTask.readsMessage(id), "skips " + id);
        }
    }

    private static boolean companionHeartbeatDue(long cycle) {
        return cycle % HEARTBEAT_EVERY == 0;
    }

    @Test
    void shouldAnnounceItselfAsTheOnboardControllerOnceASecondFromTheCycleNumber() {
        FlightTask task = new FlightTask(MissionPlan.defaults());
        Ods ods = Ods.initial(MissionPlan.defaults());
        QuadSim sim = QuadSim.onGround();
        List<byte[]> inputs = List.of();
        List<Long> heartbeatCycles = new ArrayList<>();
        for (long cycle = 0; cycle < 3 * HEARTBEAT_EVERY; cycle++) {
            StepResult r = task.step(ods, inputs, cycle, PERIOD_MS);
            for (byte[] f : r.frames()) {
                if (codec.decodePayload(f) instanceof io.dronefleet.mavlink.minimal.Heartbeat h) {
                    heartbeatCycles.add(cycle);
                    assertEquals(io.dronefleet.mavlink.minimal.MavType.MAV_TYPE_ONBOARD_CONTROLLER, h.type().entry());
                    assertEquals(io.dronefleet.mavlink.minimal.MavAutopilot.MAV_AUTOPILOT_INVALID, h.autopilot().entry());
                    assertEquals(FlightTask.OWN_COMPONENT_ID, f[6] & 0xFF);
                }
            }
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
        }
        assertEquals(List.of(0L, HEARTBEAT_EVERY, 2 * HEARTBEAT_EVERY), heartbeatCycles);
    }

    @Test
    void shouldStayIdleOnAColdStartOnTheGround() {
        MissionPlan plan = MissionPlan.landNow();
        FlightTask task = new FlightTask(plan);
        Ods ods = Ods.initial(plan);
        QuadSim sim = QuadSim.onGround();
        List<byte[]> inputs = List.of();
        for (long cycle = 0; cycle < 500; cycle++) {
            StepResult r = task.step(ods, inputs, cycle, PERIOD_MS);
            assertEquals(companionHeartbeatDue(cycle) ? 2 : 1, r.frames().size(), "only the neutral setpoint (and heartbeat), no command");
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
        }
        assertEquals(MissionPhase.IDLE, ods.missionPhase);
        assertEquals(0, sim.commandsReceived);
        assertFalse(sim.armed);
        assertEquals(0.0, sim.altitudeM(), 1e-9);
    }

    @Test
    void shouldCountAndSkipMalformedFramesAndStillTakeTheNextGoodOne() {
        FlightTask task = new FlightTask(MissionPlan.defaults());
        Ods ods = Ods.initial(MissionPlan.defaults());
        byte[] good = codec.encodeV2(LocalPositionNed.builder().timeBootMs(40).x(1.5f).y(-2f).z(-3f).vz(0.25f).build(), 1, 1, 7);
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 1] ^= 0x55;
        byte[] unknownId = good.clone();
        unknownId[7] = (byte) 0xEE;
        unknownId[8] = (byte) 0xEE;
        List<byte[]> frames = new ArrayList<>();
        frames.add(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        frames.add(Arrays.copyOf(good, good.length / 2));
        frames.add(badCrc);
        frames.add(unknownId);
        frames.add(new byte[0]);
        frames.add(oversize());
        // PX4's CURRENT_MODE: newer than the MAVLink library, whole and checked, so not bad, only not the task's
        frames.add(io.dronefleet.mavlink.protocol.MavlinkPacket.createUnsignedMavlink2Packet(8, 1, 1, 436,
                MavlinkCodec.crcExtra(436), new byte[] {4, 0, 0, 0, 4, 0, 0, 0, 3}).getRawBytes());
        frames.add(good);
        StepResult r = task.step(ods, frames, 2, PERIOD_MS);
        assertEquals(6, r.badInputs());
        assertEquals(6, ods.badInputsTotal);
        assertTrue(r.accepted());
        assertTrue(ods.positionSeen);
        assertEquals(1.5f, ods.positionNorthM);
        assertEquals(-2f, ods.positionEastM);
        assertEquals(3.0, ods.altitudeM(), 1e-6);
        assertEquals(40, ods.positionBootMs);
    }

    @Test
    void shouldRejectCorruptedOutputsBeforeTheyLeaveAndFreezeWithoutRejection() {
        FlightTask task = new FlightTask(MissionPlan.defaults());
        Ods ods = Ods.initial(MissionPlan.defaults());
        assertTrue(task.step(ods, List.of(), 0, PERIOD_MS).accepted());

        task.setOutputCorruption(FlightTask.Corruption.NAN);
        StepResult nan = task.step(ods, List.of(), 1, PERIOD_MS);
        assertFalse(nan.accepted());
        assertEquals(AcceptanceTest.Reason.NOT_FINITE, nan.rejectCode());
        assertTrue(nan.frames().isEmpty(), "a rejected output never leaves");

        task.setOutputCorruption(FlightTask.Corruption.OUT_OF_RANGE);
        StepResult range = task.step(ods, List.of(), 2, PERIOD_MS);
        assertFalse(range.accepted());
        assertEquals(AcceptanceTest.Reason.THRUST_RANGE, range.rejectCode());

        task.setOutputCorruption(FlightTask.Corruption.FROZEN);
        StepResult frozen = task.step(ods, List.of(), 3, PERIOD_MS);
        assertTrue(frozen.accepted(), "a frozen output is plausible: only divergence shows it");
        assertEquals(FlightTask.Corruption.FROZEN, task.outputCorruption());
    }

    private static byte[] oversize() {
        byte[] frame = new byte[400];
        frame[0] = (byte) MavlinkCodec.STX_V2;
        frame[1] = (byte) 255;
        return frame;
    }

    /** Garbage now and then, the same for both replicas (the host fans out the same bytes). */
    private static List<byte[]> withNoise(List<byte[]> inputs, long cycle) {
        if (cycle % 37 != 0) {
            return inputs;
        }
        List<byte[]> noisy = new ArrayList<>(inputs);
        noisy.add(0, new byte[] {(byte) 0xFD, 9, 0, 0, 1, 1, 1, 30, 0, 0, (byte) cycle});
        return noisy;
    }

    private static void assertSame(StepResult a, StepResult b, long cycle) {
        assertEquals(a.frames().size(), b.frames().size(), "frame count at cycle " + cycle);
        for (int i = 0; i < a.frames().size(); i++) {
            assertArrayEquals(a.frames().get(i), b.frames().get(i), "frame " + i + " at cycle " + cycle);
        }
        assertEquals(a.outputHash(), b.outputHash(), "output hash at cycle " + cycle);
        assertEquals(a.odsHash(), b.odsHash(), "ODS hash at cycle " + cycle);
        assertEquals(a.phase(), b.phase());
        assertEquals(a.badInputs(), b.badInputs());
    }

    private static double sq(double v) {
        return v * v;
    }
}
