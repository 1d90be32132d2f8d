package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.link.Endpoint;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.status.Fault;
import io.pstr.manager.FlightReplay;
import io.pstr.manager.GroundStationClient;
import io.pstr.manager.HostManager;
import io.pstr.manager.Slot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client requests (paper Fig. 1) across a real SIGKILL failover: a ground station on a real UDP socket
 * sends a burst of distinct requests around the kill of the primary; each must be executed exactly once
 * and acknowledged exactly once.
 */
@Timeout(300)
class ClientRequestSystemTest {

    private static final int MAV_CMD_DO_CHANGE_SPEED = 178;
    private static final int REQUESTS = 16;

    @Test
    void shouldExecuteAndAcknowledgeEveryRequestExactlyOnceAcrossASigkillFailover() {
        List<Integer> ids = new ArrayList<>();
        Map<String, Object> figures;
        Map<String, Object> report;
        Path tlog;
        long executedA;
        long executedB;
        long confirmed;
        long mismatches;
        List<GroundStationClient.Ack> acks;
        long telemetry;
        try (GroundStationClient gcs = GroundStationClient.open(0);
                FlyingSystem system = new FlyingSystem("requests", 1000, Endpoint.parse(gcs.endpoint()))) {
            HostManager manager = system.running.manager();
            system.awaitCruising();
            await("board telemetry forwarded to the ground station").atMost(Duration.ofSeconds(10)).until(gcs::connected);

            // Bad input from the ground station first: counted and skipped, never delivered.
            byte[] badCrc = gcs.commandLong(MAV_CMD_DO_CHANGE_SPEED, 0, 0f, 2.0f);
            badCrc[badCrc.length - 1] ^= 0x5A;
            gcs.sendRaw(new byte[] {0x00, 0x13, 0x37, 0x42, 0x55, 0x66, 0x77});
            gcs.sendRaw(badCrc);
            gcs.sendRaw(new MavlinkCodec().encodeV2(Heartbeat.builder().type(EnumValue.of(MavType.MAV_TYPE_GCS))
                    .autopilot(EnumValue.of(MavAutopilot.MAV_AUTOPILOT_INVALID)).mavlinkVersion(3).build(),
                    ClientRequests.GCS_SYSTEM_ID, ClientRequests.GCS_COMPONENT_ID, 0));

            // Two distinct requests per status period, the primary SIGKILLed in the middle of the burst.
            for (int i = 0; i < REQUESTS; i++) {
                if (i == REQUESTS / 2) {
                    manager.injectFault(Fault.KILL_PRIMARY);
                }
                byte[] request = gcs.commandLong(MAV_CMD_DO_CHANGE_SPEED, 0, 0f, 3.0f + 0.05f * i);
                ids.add(gcs.requestId(request));
                assertTrue(gcs.sendRaw(request));
                if (i % 2 == 1) {
                    long cycle = system.status().cycle();
                    await().atMost(Duration.ofSeconds(5)).until(() -> system.status().cycle() > cycle);
                }
            }
            await("every request acknowledged").atMost(Duration.ofSeconds(20))
                    .until(() -> acknowledged(gcs.acks()).keySet().containsAll(ids));
            await("shadow holds the I/O, then the restarted primary is in step and holds it again")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> "A".equals(system.status().holder()) && "PRIMARY_ACTIVE".equals(system.status().state()));
            await("no further acknowledgement arrives").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> gcs.acks().size(), n -> n == REQUESTS);
            executedA = manager.replicaCounter(Slot.A, Field.REQUESTS_EXECUTED);
            executedB = manager.replicaCounter(Slot.B, Field.REQUESTS_EXECUTED);
            confirmed = manager.replicaCounter(Slot.A, Field.REQUESTS_CONFIRMED)
                    + manager.replicaCounter(Slot.B, Field.REQUESTS_CONFIRMED);
            mismatches = manager.replicaCounter(Slot.A, Field.REQUEST_MISMATCHES)
                    + manager.replicaCounter(Slot.B, Field.REQUEST_MISMATCHES);
            figures = manager.requestFigures(System.nanoTime());
            acks = gcs.acks();
            telemetry = gcs.telemetryFrames();
            report = system.stopAndReport();
            tlog = system.tlog();
        }
        Map<Integer, Integer> perId = acknowledged(acks);
        for (int id : ids) {
            assertEquals(1, perId.get(id), "request " + Integer.toHexString(id) + " acknowledged exactly once: " + perId);
        }
        assertEquals(REQUESTS, acks.size(), "no other acknowledgement: " + acks);
        assertTrue(acks.stream().allMatch(a -> ((CommandAck) a.payload()).result().value() == 0), "all accepted: " + acks);
        assertEquals(REQUESTS, executedA, "the restarted primary's ODS (from the checkpoint) counts each request once");
        assertEquals(REQUESTS, executedB, "the shadow executed each request once");
        assertTrue(confirmed > 0, "the shadow checked the holder's notices");
        assertEquals(0, mismatches);
        assertTrue(telemetry > 100, "board telemetry reached the ground station: " + telemetry);

        // (a loaded machine may add deadline-miss failovers while the JVMs warm up: only the kill is ours)
        assertEquals(1, FlyingSystem.failovers(report).stream().filter(f -> "PROCESS_EXIT".equals(f.cause())).count(),
                report.toString());
        assertEquals((long) REQUESTS, report.get("requestsSeen"), report.toString());
        assertEquals((long) REQUESTS, report.get("requestsExecuted"));
        assertEquals((long) REQUESTS, report.get("requestsAcked"));
        assertEquals(0L, report.get("requestsLost"));
        assertEquals(0L, report.get("requestsDuplicated"));
        assertEquals(0L, report.get("duplicateCyclesTotal"));
        assertEquals(0L, report.get("fencedOutputsTotal"));
        assertTrue(((Number) figures.get("gcsGarbageBytes")).longValue() > 0 || ((Number) figures.get("gcsCrcErrors")).longValue() > 0,
                "garbage counted: " + figures);
        assertTrue(((Number) figures.get("gcsOtherFramesDropped")).longValue() >= 1, "the GCS heartbeat was dropped: " + figures);
        assertEquals((long) REQUESTS, figures.get("gcsRequestsIn"), "the bad-CRC request never got through: " + figures);

        // The flight log replays identically: the acknowledgements went to the ground station, not to the board, and
        // the replay leaves them out of what it expects on the board link as the host's router did.
        FlightReplay.Summary replayed = ReplaySystemTest.replay(tlog, tlog.resolveSibling("replay"));
        assertTrue(replayed.identical(), "replay differs: " + replayed);
        assertEquals(REQUESTS, replayed.acksToGroundStation(), replayed.toString());
    }

    private static Map<Integer, Integer> acknowledged(List<GroundStationClient.Ack> acks) {
        Map<Integer, Integer> perId = new HashMap<>();
        for (GroundStationClient.Ack a : acks) {
            if (a.payload() instanceof CommandAck c) {
                perId.merge(c.resultParam2(), 1, Integer::sum);
            }
        }
        return perId;
    }
}
