package io.pstr.flightctl.task;

import io.pstr.core.status.MissionPhase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OdsTest {

    @Test
    void shouldRoundTripEveryFieldThroughItsBytes() {
        Ods ods = Ods.initial(MissionPlan.defaults());
        ods.missionPhase = MissionPhase.HOLD;
        ods.waypointIndex = 2;
        ods.holdCyclesLeft = 17;
        ods.targetNorthM = 20;
        ods.velIntegratorDown = -0.125;
        ods.positionDownM = -9.75f;
        ods.armed = true;
        ods.customMode = 6L << 16;
        ods.autopilot = 3;
        ods.lastRequestId = 3;
        ods.outputSequence = 255;
        ods.lastThrust = 0.5f;
        ods.hasLastOutput = true;
        ods.lastCycle = 1234;
        byte[] bytes = ods.toBytes();
        assertEquals(Ods.SIZE_BYTES, bytes.length);
        Ods back = Ods.fromBytes(bytes);
        assertArrayEquals(bytes, back.toBytes());
        assertEquals(ods.hash(), back.hash());
        assertEquals(MissionPhase.HOLD, back.missionPhase);
        assertEquals(9.75, back.altitudeM(), 1e-6);
        assertEquals(3, back.autopilot);
        assertArrayEquals(bytes, ods.copy().toBytes());
        back.lastRequestId++;
        assertNotEquals(ods.hash(), back.hash());
    }

    @Test
    void shouldCarryExecutedRequestsDetourAndPauseThroughACheckpoint() {
        Ods ods = Ods.initial(MissionPlan.defaults());
        for (int i = 0; i < Ods.EXECUTED_REQUESTS_KEPT + 3; i++) {
            ods.rememberExecuted(1000 + i, i % 3);
        }
        ods.requestsExecuted = 19;
        ods.detourActive = true;
        ods.detourNorthM = 5;
        ods.detourEastM = -5;
        ods.detourAltitudeM = 8;
        ods.paused = true;
        ods.pausedFromPhase = MissionPhase.WAYPOINT.code();
        ods.resumeNorthM = 20;
        ods.cruiseSpeedMps = 2.5;
        Ods back = Ods.fromBytes(ods.toBytes());
        assertArrayEquals(ods.toBytes(), back.toBytes());
        assertEquals(19, back.requestsExecuted);
        assertEquals(-1, back.executedIndexOf(1000), "the oldest ids were forgotten");
        int at = back.executedIndexOf(1000 + Ods.EXECUTED_REQUESTS_KEPT + 2);
        assertTrue(at >= 0);
        assertEquals((Ods.EXECUTED_REQUESTS_KEPT + 2) % 3, back.executedResults[at]);
        assertTrue(back.detourActive && back.paused);
        assertEquals(2.5, back.cruiseSpeedMps);
    }

    @Test
    void shouldRefuseACheckpointWithABadRequestRing() {
        Ods ods = Ods.initial(MissionPlan.defaults());
        ods.executedNext = Ods.EXECUTED_REQUESTS_KEPT;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ods.fromBytes(ods.toBytes()));
        assertTrue(e.getMessage().contains("executed-request ring"), e.getMessage());
    }

    @Test
    void shouldRefuseBytesOfTheWrongLengthOrVersionWithAClearMessage() {
        byte[] bytes = new Ods().toBytes();
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> Ods.fromBytes(java.util.Arrays.copyOf(bytes, 10)));
        assertTrue(shortOne.getMessage().contains("expected " + Ods.SIZE_BYTES), shortOne.getMessage());
        bytes[0] = 9;
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class, () -> Ods.fromBytes(bytes));
        assertTrue(version.getMessage().contains("version"), version.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ods.fromBytes(null));
        byte[] badPhase = new Ods().toBytes();
        badPhase[1] = 99;
        assertThrows(IllegalArgumentException.class, () -> Ods.fromBytes(badPhase));
    }

    @Test
    void shouldCarryTheLandOnlyModeOfAColdStart() {
        assertTrue(Ods.fromBytes(Ods.initial(MissionPlan.landNow()).toBytes()).landOnly);
    }

    @Test
    void shouldValidateMissionPlans() {
        assertEquals(MissionPlan.defaults(), MissionPlan.defaults().validate());
        MissionPlan.landNow().validate();
        IllegalArgumentException speed = assertThrows(IllegalArgumentException.class,
                () -> MissionPlan.square(10, 20, 0).validate());
        assertTrue(speed.getMessage().contains("cruiseSpeedMps"), speed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MissionPlan.square(80, 20, 4).validate());
        assertThrows(IllegalArgumentException.class, () -> MissionPlan.square(10, 120, 4).validate());
        assertThrows(IllegalArgumentException.class, () -> new MissionPlan(true, 10, List.of(), 4, 0, 0, 0).validate());
    }

    @Test
    void shouldFlyTheSquareAsManyLapsAsAskedThenHold() {
        MissionPlan three = MissionPlan.square(10, 20, 4, 3, 60_000).validate();
        assertEquals(12, three.waypoints().size());
        assertEquals(three.waypoints().subList(0, 4), three.waypoints().subList(8, 12));
        assertEquals(60_000, three.finalHoldMs());
        assertEquals(MissionPlan.defaults(), MissionPlan.square(10, 20, 4, 1, 2000));
        assertThrows(IllegalArgumentException.class, () -> MissionPlan.square(10, 20, 4, 0, 2000));
    }
}
