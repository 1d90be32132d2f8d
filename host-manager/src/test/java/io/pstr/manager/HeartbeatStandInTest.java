package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.tlog.Tlog;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeatStandInTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long NEVER = Long.MIN_VALUE;

    private final HeartbeatStandIn standIn = new HeartbeatStandIn();

    @Test
    void shouldStandInAtOnceBeforeAnyReplicaOutputThenOnceASecond() {
        long t = 5_000 * MS;
        assertEquals(MavState.MAV_STATE_STANDBY, standIn.due(t, NEVER, false), "no replica has flown yet: on the ground");
        assertTrue(standIn.standingIn());
        assertNull(standIn.due(t + 999 * MS, NEVER, false));
        assertEquals(MavState.MAV_STATE_STANDBY, standIn.due(t + 1_000 * MS, NEVER, false));
        assertNull(standIn.due(t + 1_500 * MS, NEVER, false));
        assertEquals(2, standIn.sent());
    }

    @Test
    void shouldStaySilentWhileReplicaOutputsReachTheBoard() {
        long t = 10_000 * MS;
        for (long now = t; now < t + 10_000 * MS; now += 20 * MS) {
            assertNull(standIn.due(now, now - 20 * MS, false), "outputs every 20 ms: the replicas send the heartbeat");
        }
        assertNull(standIn.due(t + 11_000 * MS, t + 11_000 * MS - HeartbeatStandIn.SILENCE_NS + 1, false));
        assertFalse(standIn.standingIn());
        assertEquals(0, standIn.sent());
    }

    @Test
    void shouldSayTheTaskIsLostWhenOutputsStopInFlightAndStopWhenTheyResume() {
        long lastOutput = 20_000 * MS;
        long silent = lastOutput + HeartbeatStandIn.SILENCE_NS;
        assertEquals(MavState.MAV_STATE_CRITICAL, standIn.due(silent, lastOutput, false), "both replicas lost in flight");
        assertEquals(MavState.MAV_STATE_CRITICAL, standIn.due(silent + 1_000 * MS, lastOutput, false));
        long resumed = silent + 1_200 * MS;
        assertNull(standIn.due(resumed, resumed, false), "a replica's outputs again");
        assertFalse(standIn.standingIn());
        assertEquals(MavState.MAV_STATE_CRITICAL, standIn.due(resumed + HeartbeatStandIn.SILENCE_NS, resumed, false),
                "silent again: at once, not a second after the last stand-in heartbeat");
        assertEquals(3, standIn.sent());
    }

    @Test
    void shouldAnnounceStandbyAfterAnAbortStoppedTheOutputs() {
        long lastOutput = 30_000 * MS;
        assertNull(standIn.due(lastOutput + 1_000 * MS, lastOutput, true));
        assertEquals(MavState.MAV_STATE_STANDBY, standIn.due(lastOutput + HeartbeatStandIn.SILENCE_NS, lastOutput, true));
    }

    @Test
    void shouldBeTheFlightTasksHeartbeatFromTheHostsIds() {
        byte[] frame = BoardCommands.heartbeat(7, MavState.MAV_STATE_CRITICAL);
        assertTrue(Tlog.fromHost(frame), "sent as the flight task's system and component");
        assertEquals(7, frame[4] & 0xFF, "sequence");
        Heartbeat hb = (Heartbeat) new MavlinkCodec().decodePayload(frame);
        assertEquals(MavType.MAV_TYPE_ONBOARD_CONTROLLER, hb.type().entry());
        assertEquals(MavState.MAV_STATE_CRITICAL, hb.systemStatus().entry());
    }
}
