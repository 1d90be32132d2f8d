package io.pstr.flightctl.task;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.SysStatus;
import io.pstr.core.mavlink.MavlinkCodec;
import org.slf4j.Logger;

/**
 * The board telemetry the flight task flies on, and asking for it where the board does not send it unasked. PX4
 * streams attitude and position to a companion by itself (its onboard MAVLink mode). ArduCopter streams nothing but
 * its heartbeat until someone asks: every SRn_ stream rate defaults to 0 on a copter (GCS_MAVLink_Parameters.cpp),
 * and a ground station, not the board, sets them. So on ArduPilot the task asks with MAV_CMD_SET_MESSAGE_INTERVAL
 * for each message it has not had for {@value #STALE_MS} ms, at most one request a cycle and one a message every
 * {@value #STALE_MS} ms, until it flows; again if it stops (a rebooted board forgets). Everything here counts cycles
 * in the ODS, so both replicas ask alike and a checkpoint carries it.
 */
final class TelemetryStreams {

    static final int CMD_SET_MESSAGE_INTERVAL = 511;
    /** A message not seen for this long is asked for (again). */
    static final int STALE_MS = 1000;

    /** What is asked for, and how often: 0 ms means once a control period. */
    enum Stream {
        ATTITUDE(Attitude.class, 0),
        LOCAL_POSITION_NED(LocalPositionNed.class, 0),
        /** Not flown on: the battery and load for the ground station's status. */
        SYS_STATUS(SysStatus.class, 500);

        final int messageId;
        final int intervalMs;

        Stream(Class<?> message, int intervalMs) {
            this.messageId = MavlinkCodec.messageId(message);
            this.intervalMs = intervalMs;
        }

        int intervalUs(int periodMs) {
            return (intervalMs == 0 ? periodMs : intervalMs) * 1000;
        }
    }

    static final Stream[] STREAMS = Stream.values();

    /** One MAV_CMD_SET_MESSAGE_INTERVAL: param1 the message id, param2 the interval in µs. */
    record Ask(int messageId, int intervalUs) {
    }

    private TelemetryStreams() {
    }

    /** Notes a frame of message {@code messageId} from the board in this cycle. */
    static void seen(Ods ods, int messageId, long cycle) {
        for (Stream s : STREAMS) {
            if (s.messageId == messageId) {
                ods.streamSeenCycle[s.ordinal()] = cycle;
                return;
            }
        }
    }

    /** The request to send this cycle, or null: none needed, the board streams by itself, or one was sent lately. */
    static Ask next(Ods ods, long cycle, int periodMs, Logger log) {
        if (ods.heartbeatCycle < 0 || !AutopilotModes.of(ods).streamsOnlyWhenAsked()) {
            return null;
        }
        long stale = MissionPlan.cycles(STALE_MS, periodMs);
        for (Stream s : STREAMS) {
            int i = s.ordinal();
            long seen = ods.streamSeenCycle[i];
            long asked = ods.streamAskedCycle[i];
            if (seen >= 0 && cycle - seen < stale || asked >= 0 && cycle - asked < stale) {
                continue;
            }
            if (asked < 0 || seen > asked) {
                log.info("cycle {}: asking the board for {} every {} ms ({})", cycle, s, s.intervalUs(periodMs) / 1000,
                        seen < 0 ? "none yet" : "none for " + (cycle - seen) * periodMs + " ms");
            }
            ods.streamAskedCycle[i] = cycle;
            return new Ask(s.messageId, s.intervalUs(periodMs));
        }
        return null;
    }
}
