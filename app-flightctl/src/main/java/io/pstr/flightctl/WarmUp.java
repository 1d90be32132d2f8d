package io.pstr.flightctl;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.flightctl.task.FlightTask;
import io.pstr.flightctl.task.MissionPlan;
import io.pstr.flightctl.task.Ods;
import java.util.List;

/**
 * Runs the control step on a throwaway task and state, with telemetry frames like the board's, before a
 * replica says it is ready: the classes are loaded and the step compiled before the first real cycle,
 * which would otherwise take hundreds of milliseconds on a loaded machine (both replicas at once at
 * mission start). The real task and its state are never touched.
 */
final class WarmUp {

    private WarmUp() {
    }

    static long run(MissionPlan plan, int cycles) {
        MavlinkCodec codec = new MavlinkCodec();
        FlightTask scratch = new FlightTask(plan);
        Ods ods = Ods.initial(plan);
        long hash = 0;
        for (int c = 1; c <= cycles; c++) {
            hash ^= scratch.step(ods, telemetry(codec, c), c, 20).outputHash();
        }
        return hash;
    }

    /** A board's telemetry of cycle {@code c} at 50 Hz (HEARTBEAT, ATTITUDE, LOCAL_POSITION_NED), as MAVLink 2 frames. */
    static List<byte[]> telemetry(MavlinkCodec codec, int c) {
        long ms = c * 20L;
        byte[] heartbeat = codec.encodeV2(Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR)
                .autopilot(MavAutopilot.MAV_AUTOPILOT_PX4).baseMode(EnumValue.create(MavModeFlag.class, 1))
                .systemStatus(MavState.MAV_STATE_STANDBY).mavlinkVersion(3).build(), 1, 1, (3 * c) & 0xFF);
        byte[] attitude = codec.encodeV2(Attitude.builder().timeBootMs(ms).roll(0.01f).pitch(-0.01f).yaw(0.1f).build(),
                1, 1, (3 * c + 1) & 0xFF);
        byte[] position = codec.encodeV2(LocalPositionNed.builder().timeBootMs(ms).x(0.1f * c).y(0f).z(-1f)
                .vx(0.1f).vy(0f).vz(0f).build(), 1, 1, (3 * c + 2) & 0xFF);
        return List.of(heartbeat, attitude, position);
    }
}
