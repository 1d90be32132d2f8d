package io.pstr.flightctl.task;

import io.pstr.core.status.MissionPhase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavFrame;
import io.dronefleet.mavlink.common.MissionAck;
import io.dronefleet.mavlink.common.MissionItemInt;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client requests (paper Fig. 1) in the deterministic step: execution, acknowledgement, deduplication. */
class ClientRequestTest {

    private static final int PERIOD_MS = 20;
    private static final int GCS_SYSTEM = ClientRequests.GCS_SYSTEM_ID;
    private static final int GCS_COMPONENT = ClientRequests.GCS_COMPONENT_ID;

    private final MavlinkCodec codec = new MavlinkCodec();

    /** A task flying the square in closed loop with the simulated quadcopter. */
    private final class Flight {
        final FlightTask task = new FlightTask(MissionPlan.defaults());
        Ods ods = Ods.initial(MissionPlan.defaults());
        final QuadSim sim;
        List<byte[]> inputs = List.of();
        long cycle;

        Flight() {
            this(QuadSim.onGround());
        }

        Flight(QuadSim sim) {
            this.sim = sim;
        }

        StepResult step(byte[]... requests) {
            List<byte[]> fed = new ArrayList<>(inputs);
            fed.addAll(List.of(requests));
            StepResult r = task.step(ods, fed, cycle++, PERIOD_MS);
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
            return r;
        }

        Flight cruising() {
            while (ods.missionPhase != MissionPhase.WAYPOINT) {
                step();
                assertTrue(cycle < 5_000, "never reached the first waypoint: " + ods);
            }
            return this;
        }
    }

    private byte[] commandLong(int command, float p1, float p2, float p3, int confirmation, int sequence) {
        return codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(191)
                .command(EnumValue.create(MavCmd.class, command)).confirmation(confirmation)
                .param1(p1).param2(p2).param3(p3).build(), GCS_SYSTEM, GCS_COMPONENT, sequence);
    }

    private byte[] waypoint(double northM, double eastM, double altitudeM, int sequence) {
        return codec.encodeV2(MissionItemInt.builder().targetSystem(1).targetComponent(191).seq(0)
                .frame(EnumValue.create(MavFrame.class, FlightTask.MAV_FRAME_LOCAL_NED))
                .command(EnumValue.create(MavCmd.class, FlightTask.CMD_NAV_WAYPOINT)).current(2).autocontinue(1)
                .x((int) Math.round(northM * 1e4)).y((int) Math.round(eastM * 1e4)).z((float) -altitudeM)
                .build(), GCS_SYSTEM, GCS_COMPONENT, sequence);
    }

    private List<Object> acks(StepResult r) {
        List<Object> acks = new ArrayList<>();
        for (byte[] f : r.frames()) {
            Object p = codec.decodePayload(f);
            if (p instanceof CommandAck || p instanceof MissionAck) {
                acks.add(p);
            }
        }
        return acks;
    }

    private int idOf(byte[] frame) {
        return ClientRequests.requestId(codec.decodePayload(frame), GCS_SYSTEM, GCS_COMPONENT);
    }

    @Test
    void shouldLandOnRequestAndAcknowledgeOnceToTheRequester() {
        Flight f = new Flight().cruising();
        byte[] land = commandLong(FlightTask.CMD_NAV_LAND, 0, 0, 0, 0, 1);
        StepResult r = f.step(land);
        assertEquals(MissionPhase.LAND, f.ods.missionPhase);
        assertEquals(List.of(new HandledRequest(idOf(land), 0, false)), r.requests());
        List<Object> acks = acks(r);
        assertEquals(1, acks.size(), "one ack in the cycle's output");
        CommandAck ack = (CommandAck) acks.get(0);
        assertEquals(FlightTask.CMD_NAV_LAND, ack.command().value());
        assertEquals(0, ack.result().value(), "MAV_RESULT_ACCEPTED");
        assertEquals(idOf(land), ack.resultParam2(), "the ack names its request");
        assertEquals(GCS_SYSTEM, ack.targetSystem());
        assertEquals(GCS_COMPONENT, ack.targetComponent());
        assertEquals(1, f.ods.requestsExecuted);
        assertTrue(acks(f.step()).isEmpty(), "no ack in the next cycle");
    }

    @Test
    void shouldAcknowledgeARetransmissionWithoutExecutingItAgain() {
        Flight f = new Flight().cruising();
        f.step(commandLong(FlightTask.CMD_DO_CHANGE_SPEED, 0, 2.5f, 0, 0, 1));
        assertEquals(2.5, f.ods.cruiseSpeedMps, 1e-9);
        f.step(commandLong(FlightTask.CMD_DO_CHANGE_SPEED, 0, 3.5f, 0, 0, 2));
        assertEquals(3.5, f.ods.cruiseSpeedMps, 1e-9);
        // the ground station did not get the first ack and sends the first request again
        StepResult again = f.step(commandLong(FlightTask.CMD_DO_CHANGE_SPEED, 0, 2.5f, 0, 1, 3));
        assertEquals(3.5, f.ods.cruiseSpeedMps, 1e-9, "a retransmission is not executed again");
        assertEquals(2, f.ods.requestsExecuted);
        assertTrue(again.requests().get(0).retransmission());
        CommandAck ack = (CommandAck) acks(again).get(0);
        assertEquals(0, ack.result().value(), "acknowledged with the result it had");
    }

    @Test
    void shouldFlyToARequestedWaypointThenCarryOnWithThePlan() {
        Flight f = new Flight().cruising();
        int planWaypoint = f.ods.waypointIndex;
        StepResult r = f.step(waypoint(5, -5, 8, 1));
        MissionAck ack = (MissionAck) acks(r).get(0);
        assertEquals(0, ack.type().value(), "MAV_MISSION_ACCEPTED");
        assertEquals(GCS_SYSTEM, ack.targetSystem());
        assertTrue(f.ods.detourActive);
        assertEquals(5.0, f.ods.targetNorthM, 1e-9);
        assertEquals(-5.0, f.ods.targetEastM, 1e-9);
        assertEquals(8.0, f.ods.targetAltitudeM, 1e-9);
        double closest = Double.MAX_VALUE;
        while (f.ods.detourActive) {
            f.step();
            double dn = f.sim.n - 5, de = f.sim.e + 5, dUp = f.sim.altitudeM() - 8;
            closest = Math.min(closest, Math.sqrt(dn * dn + de * de + dUp * dUp));
            assertTrue(f.cycle < 20_000, "never finished the detour");
        }
        assertTrue(closest < 1.0, "the aircraft went to the requested point: closest " + closest + " m");
        assertEquals(MissionPhase.WAYPOINT, f.ods.missionPhase);
        assertEquals(planWaypoint, f.ods.waypointIndex, "back to the plan's waypoint it was flying to");
    }

    @Test
    void shouldRefuseBadRequestsWithTheRightCodes() {
        Flight f = new Flight();
        f.step();
        assertEquals(FlightTask.RESULT_DENIED,
                ((CommandAck) acks(f.step(commandLong(FlightTask.CMD_NAV_LAND, 0, 0, 0, 0, 1))).get(0)).result().value(),
                "land before take-off is denied");
        f.cruising();
        assertEquals(FlightTask.MISSION_INVALID_PARAM7, ((MissionAck) acks(f.step(waypoint(0, 0, 80, 2))).get(0)).type().value());
        assertEquals(FlightTask.MISSION_INVALID_PARAM5_X, ((MissionAck) acks(f.step(waypoint(150, 0, 10, 3))).get(0)).type().value());
        assertEquals(FlightTask.RESULT_UNSUPPORTED,
                ((CommandAck) acks(f.step(commandLong(512, 33, 0, 0, 0, 4))).get(0)).result().value());
        assertEquals(FlightTask.RESULT_DENIED,
                ((CommandAck) acks(f.step(commandLong(FlightTask.CMD_DO_CHANGE_SPEED, 0, 99, 0, 0, 5))).get(0)).result().value());
        assertFalse(f.ods.detourActive);
        assertEquals(0, f.ods.requestsExecuted, "refused requests are answered but not counted as executed");
        assertEquals(MissionPhase.WAYPOINT, f.ods.missionPhase);
    }

    @Test
    void shouldPauseAndContinueTheMission() {
        Flight f = new Flight().cruising();
        double targetNorth = f.ods.targetNorthM;
        f.step(commandLong(FlightTask.CMD_DO_PAUSE_CONTINUE, 0, 0, 0, 0, 1));
        assertTrue(f.ods.paused);
        assertEquals(MissionPhase.HOLD, f.ods.missionPhase);
        for (int i = 0; i < 500; i++) {
            f.step();
        }
        assertEquals(MissionPhase.HOLD, f.ods.missionPhase, "a paused hold does not time out");
        f.step(commandLong(FlightTask.CMD_DO_SET_MODE, 1, FlightTask.PX4_MAIN_MODE_AUTO, FlightTask.PX4_AUTO_MISSION, 0, 2));
        assertFalse(f.ods.paused);
        assertEquals(MissionPhase.WAYPOINT, f.ods.missionPhase);
        assertEquals(targetNorth, f.ods.targetNorthM, 1e-9);
    }

    @Test
    void shouldTakeAGroundStationsModeRequestsInArduCoptersNumbersOnArduCopter() {
        Flight f = new Flight(QuadSim.arduCopter()).cruising();
        assertEquals(3, f.ods.autopilot, "the board's heartbeat said ArduPilot");
        int loiter = 5, guided = 4, rtl = 6, land = 9;
        f.step(commandLong(FlightTask.CMD_DO_SET_MODE, 1, loiter, 0, 0, 1));
        assertTrue(f.ods.paused, "LOITER pauses the mission");
        assertEquals(MissionPhase.HOLD, f.ods.missionPhase);
        f.step(commandLong(FlightTask.CMD_DO_SET_MODE, 1, guided, 0, 0, 2));
        assertFalse(f.ods.paused, "GUIDED carries on with it");
        assertEquals(MissionPhase.WAYPOINT, f.ods.missionPhase);
        assertEquals(FlightTask.RESULT_UNSUPPORTED,
                ((CommandAck) acks(f.step(commandLong(FlightTask.CMD_DO_SET_MODE, 1, rtl, 0, 0, 3))).get(0)).result().value(),
                "RTL is not the mission's to fly");
        // PX4's numbers mean something else here: main mode 4, sub-mode 6 (AUTO.LAND on PX4) is ArduCopter's GUIDED.
        f.step(commandLong(FlightTask.CMD_DO_SET_MODE, 1, FlightTask.PX4_MAIN_MODE_AUTO, FlightTask.PX4_AUTO_LAND, 0, 4));
        assertEquals(MissionPhase.WAYPOINT, f.ods.missionPhase);
        f.step(commandLong(FlightTask.CMD_DO_SET_MODE, 1, land, 0, 0, 5));
        assertEquals(MissionPhase.LAND, f.ods.missionPhase, "LAND lands");
        assertEquals(4, f.ods.requestsExecuted);
    }

    @Test
    void shouldIgnoreCommandsFromTheBoardAndNotCountThemAsRequests() {
        Flight f = new Flight().cruising();
        byte[] fromBoard = codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(191)
                .command(EnumValue.create(MavCmd.class, FlightTask.CMD_NAV_LAND)).build(), 1, 1, 7);
        StepResult r = f.step(fromBoard);
        assertTrue(r.requests().isEmpty());
        assertEquals(MissionPhase.WAYPOINT, f.ods.missionPhase);
    }

    @Test
    void shouldExecuteARequestIdenticallyOnTwoReplicasAndNeverAgainAfterACheckpoint() {
        Flight primary = new Flight().cruising();
        FlightTask shadowTask = new FlightTask(MissionPlan.defaults());
        Ods shadow = primary.ods.copy();
        byte[] request = waypoint(-4, 6, 9, 1);
        List<byte[]> fed = new ArrayList<>(primary.inputs);
        fed.add(request);
        long cycle = primary.cycle;
        StepResult a = primary.task.step(primary.ods, fed, cycle, PERIOD_MS);
        StepResult b = shadowTask.step(shadow, fed, cycle, PERIOD_MS);
        assertEquals(a.outputHash(), b.outputHash(), "same frames, ack included");
        assertEquals(a.odsHash(), b.odsHash());
        assertEquals(a.requests(), b.requests());
        // a replica restarted from a checkpoint taken after the request sees the request again: not re-executed
        Ods restarted = Ods.fromBytes(primary.ods.toBytes());
        assertNotEquals(-1, restarted.executedIndexOf(idOf(request)));
        restarted.detourNorthM = 0;
        StepResult replay = new FlightTask(MissionPlan.defaults()).step(restarted, List.of(request), cycle + 1, PERIOD_MS);
        assertTrue(replay.requests().get(0).retransmission());
        assertEquals(0.0, restarted.detourNorthM, "the detour was not set again");
        assertEquals(1, restarted.requestsExecuted);
    }

    @Test
    void shouldAnswerAtMostTheCycleLimitAndCountTheRest() {
        Flight f = new Flight().cruising();
        byte[][] burst = new byte[FlightTask.MAX_REQUESTS_PER_CYCLE + 3][];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = commandLong(FlightTask.CMD_DO_CHANGE_SPEED, 0, 3f + i * 0.1f, 0, 0, i);
        }
        StepResult r = f.step(burst);
        assertEquals(FlightTask.MAX_REQUESTS_PER_CYCLE, r.requests().size());
        assertEquals(3, r.requestsOverflow());
        assertEquals(FlightTask.MAX_REQUESTS_PER_CYCLE, acks(r).size());
        assertArrayEquals(new int[] {idOf(burst[0]), idOf(burst[1])},
                new int[] {r.requests().get(0).id(), r.requests().get(1).id()}, "handled in arrival order");
    }
}
