package io.pstr.flightctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.MissionPhase;
import io.pstr.flightctl.task.FlightTask;
import io.pstr.flightctl.task.MissionPlan;
import io.pstr.flightctl.task.Ods;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WarmUpTest {

    private final Logger taskLog = (Logger) LoggerFactory.getLogger(FlightTask.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private Level levelBefore;

    @BeforeEach
    void listen() {
        // The task's INFO lines (requests, phase changes) to this listener only, not to the tests' console.
        levelBefore = taskLog.getLevel();
        taskLog.setLevel(Level.INFO);
        taskLog.setAdditive(false);
        logged.start();
        taskLog.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        taskLog.detachAppender(logged);
        taskLog.setAdditive(true);
        taskLog.setLevel(levelBefore);
    }

    @Test
    void shouldFlyEveryPhaseOfTheMissionAndHandleAGroundStationsRequests() {
        WarmUp.Result r = WarmUp.run(MissionPlan.defaults(), ReplicaAgent.WARM_UP_CYCLES);

        assertTrue(r.phases().containsAll(EnumSet.of(MissionPhase.PREFLIGHT, MissionPhase.TAKEOFF, MissionPhase.WAYPOINT,
                MissionPhase.HOLD, MissionPhase.LAND)), "phases run: " + r.phases());
        // go-to, its retransmission, speed, pause, continue, land
        assertEquals(6, r.requestsHandled());
    }

    @Test
    void shouldFeedEveryMessageTheBoardStreamsMoreOftenThanReflectionTakesToInflate() {
        WarmUp.Result r = WarmUp.run(MissionPlan.defaults(), ReplicaAgent.WARM_UP_CYCLES);

        // HEARTBEAT, ATTITUDE, LOCAL_POSITION_NED: what the task reads of what a board streams (SYS_STATUS it only counts)
        for (int id : List.of(0, 30, 32)) {
            assertTrue(io.pstr.flightctl.task.FlightTask.readsMessage(id), "the task reads " + id);
            assertTrue(r.framesById().getOrDefault(id, 0) > MavlinkCodec.REFLECTION_INFLATION_CALLS,
                    () -> "message " + id + " fed " + r.framesById().getOrDefault(id, 0) + " times: " + r.framesById());
        }
    }

    @Test
    void shouldWarmUpEveryMessageTheTaskReadsOrWrites() {
        WarmUp.Result r = WarmUp.run(MissionPlan.defaults(), ReplicaAgent.WARM_UP_CYCLES);

        java.util.Set<Integer> handled = java.util.Arrays.stream(FlightTask.MESSAGES_HANDLED).boxed()
                .collect(java.util.stream.Collectors.toSet());
        r.framesById().keySet().stream().filter(FlightTask::readsMessage).forEach(id ->
                assertTrue(handled.contains(id), "read but not warmed up: " + id));
        assertFalse(r.outputFramesById().isEmpty());
        r.outputFramesById().keySet().forEach(id -> assertTrue(handled.contains(id), "written but not warmed up: " + id
                + " (outputs " + r.outputFramesById() + ")"));
        // A heartbeat a second and a few commands: fewer than reflection takes to inflate, hence the codec's own warm-up.
        assertTrue(r.outputFramesById().get(0) <= MavlinkCodec.REFLECTION_INFLATION_CALLS, r.outputFramesById()::toString);
    }

    @Test
    void shouldLogNothingOfTheThrowawayFlight() {
        WarmUp.run(MissionPlan.defaults(), ReplicaAgent.WARM_UP_CYCLES);

        assertTrue(logged.list.isEmpty(), () -> "logged: " + logged.list);
    }

    @Test
    void shouldLogWhatTheRealTaskDoesWithTheSameRequest() {
        // The listener hears the task's logger: a task that is not quiet logs its requests.
        FlightTask real = new FlightTask(MissionPlan.defaults());
        real.step(Ods.initial(MissionPlan.defaults()), List.of(WarmUp.goTo(new MavlinkCodec(), 1)), 1, 20);

        assertFalse(logged.list.isEmpty());
    }
}
