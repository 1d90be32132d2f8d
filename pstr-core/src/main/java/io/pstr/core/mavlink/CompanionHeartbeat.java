package io.pstr.core.mavlink;

import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;

/**
 * The HEARTBEAT of the flight-control computer (MAV_TYPE_ONBOARD_CONTROLLER, no autopilot of its own), once a second
 * as every MAVLink component sends it. PX4 warns "Connection to mission computer lost" when an onboard controller of
 * its own system stops sending it for COM_OBC_LOSS_T (5 s by default); ArduPilot and PX4 route to a component they
 * have heard. The pre-flight, the replica holding the I/O and the host standing in for the replicas all send this.
 */
public final class CompanionHeartbeat {

    public static final int PERIOD_MS = 1000;

    private CompanionHeartbeat() {
    }

    /** The heartbeat announcing {@code state}: ACTIVE while flying, STANDBY on the ground, CRITICAL when the task is lost. */
    public static Heartbeat of(MavState state) {
        return Heartbeat.builder().type(MavType.MAV_TYPE_ONBOARD_CONTROLLER).autopilot(MavAutopilot.MAV_AUTOPILOT_INVALID)
                .systemStatus(state).mavlinkVersion(3).build();
    }
}
