package io.pstr.flightctl;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavFrame;
import io.dronefleet.mavlink.common.MissionItemInt;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.MissionPhase;
import io.pstr.flightctl.task.FlightTask;
import io.pstr.flightctl.task.MissionPlan;
import io.pstr.flightctl.task.Ods;
import io.pstr.flightctl.task.StepResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs the control step on a throwaway task and state before a replica says it is ready: the classes are loaded and
 * the step compiled before the first real cycle, which would otherwise take hundreds of milliseconds on a loaded
 * machine (both replicas at once at mission start). The throwaway aircraft stands on the ground for the first third
 * of the cycles, then reports itself armed, in OFFBOARD and wherever the task asks it to be, so every phase of a
 * mission runs; in flight a ground station asks for what the demo's and a pilot's would (a "go to", its
 * retransmission, a speed change, pause, continue, land), so the first real request does not run cold decoding,
 * execution and acknowledgement code in both replicas in the same cycle. The task is {@link FlightTask#quiet
 * quiet}: none of this is logged. The real task and its state are never touched. Every telemetry message the task reads
 * is fed more than {@link MavlinkCodec#REFLECTION_INFLATION_CALLS} times, so that a replica defines the MAVLink
 * library's reflective accessors before it says it is ready and not while it holds the I/O (seen: a holder's step
 * held up while 18 such classes were defined at its 16th SYS_STATUS, 8 s into its life at 2 Hz; the task no longer
 * decodes what it does not read, {@link FlightTask#readsMessage}); and every message it reads or writes is warmed up
 * through the codec itself first ({@link FlightTask#MESSAGES_HANDLED}), for those it meets rarely.
 */
final class WarmUp {

    private static final int PX4_CUSTOM_MODE_OFFBOARD = 6 << 16;
    private static final int BASE_MODE_ARMED = 1 | 128;

    private WarmUp() {
    }

    /**
     * What a warm-up did: a hash of its outputs (so nothing is optimised away), the phases and requests it ran, and how
     * many frames of each MAVLink message id it fed the task.
     */
    record Result(long outputHash, Set<MissionPhase> phases, int requestsHandled, Map<Integer, Integer> framesById,
                  Map<Integer, Integer> outputFramesById) {
    }

    static Result run(MissionPlan plan, int cycles) {
        // Each message the task reads or writes, encoded and decoded past the JDK's reflection inflation: in flight a
        // heartbeat is written once a second and a request comes now and then, so their 16th would come in flight.
        MavlinkCodec.warmUp(FlightTask.MESSAGES_HANDLED);
        MavlinkCodec codec = new MavlinkCodec();
        FlightTask scratch = FlightTask.quiet(plan);
        Ods ods = Ods.initial(plan);
        Set<MissionPhase> phases = EnumSet.noneOf(MissionPhase.class);
        int requests = 0;
        long hash = 0;
        Map<Integer, Integer> framesById = new TreeMap<>();
        Map<Integer, Integer> outputFramesById = new TreeMap<>();
        int airborneFrom = cycles / 3;
        for (int c = 1; c <= cycles; c++) {
            List<byte[]> frames = new ArrayList<>(5);
            if (c < airborneFrom) {
                frames.addAll(telemetry(codec, c));
            } else {
                frames.addAll(flying(codec, c, ods));
                byte[] request = request(codec, c - airborneFrom, cycles - airborneFrom, c);
                if (request != null) {
                    frames.add(request);
                }
            }
            for (byte[] f : frames) {
                framesById.merge(MavlinkCodec.messageIdOf(f, 0), 1, Integer::sum);
            }
            StepResult step = scratch.step(ods, frames, c, 20);
            for (byte[] f : step.frames()) {
                outputFramesById.merge(MavlinkCodec.messageIdOf(f, 0), 1, Integer::sum);
            }
            hash ^= step.outputHash();
            requests += step.requests().size();
            phases.add(step.phase());
        }
        return new Result(hash, phases, requests, framesById, outputFramesById);
    }

    /** A board's telemetry of cycle {@code c} at 50 Hz (HEARTBEAT, ATTITUDE, LOCAL_POSITION_NED; SYS_STATUS every fifth), as MAVLink 2 frames. */
    static List<byte[]> telemetry(MavlinkCodec codec, int c) {
        return board(codec, c, Heartbeat.builder().baseMode(EnumValue.create(MavModeFlag.class, 1))
                .systemStatus(MavState.MAV_STATE_STANDBY), LocalPositionNed.builder().x(0.1f * c).y(0f).z(-1f)
                .vx(0.1f).vy(0f).vz(0f));
    }

    /** Armed, in OFFBOARD, and where the task wants the aircraft: each target is reached in the cycle after it is set. */
    private static List<byte[]> flying(MavlinkCodec codec, int c, Ods ods) {
        return board(codec, c, Heartbeat.builder().baseMode(EnumValue.create(MavModeFlag.class, BASE_MODE_ARMED))
                .customMode(PX4_CUSTOM_MODE_OFFBOARD).systemStatus(MavState.MAV_STATE_ACTIVE),
                LocalPositionNed.builder().x((float) ods.targetNorthM).y((float) ods.targetEastM)
                        .z((float) -ods.targetAltitudeM).vx(0.5f).vy(-0.5f).vz(-0.2f));
    }

    /**
     * The board's frames of cycle {@code c}: a PX4 quadrotor's heartbeat in {@code heartbeat}'s mode, its attitude, its
     * position, and every fifth cycle its SYS_STATUS (the virtual board sends it at 2 Hz, a real one at 1–2 Hz).
     */
    private static List<byte[]> board(MavlinkCodec codec, int c, Heartbeat.Builder heartbeat, LocalPositionNed.Builder position) {
        long ms = c * 20L;
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(codec.encodeV2(heartbeat.type(MavType.MAV_TYPE_QUADROTOR).autopilot(MavAutopilot.MAV_AUTOPILOT_PX4)
                .mavlinkVersion(3).build(), 1, 1, (4 * c) & 0xFF));
        frames.add(codec.encodeV2(Attitude.builder().timeBootMs(ms).roll(0.01f).pitch(-0.01f).yaw(0.1f).build(), 1, 1,
                (4 * c + 1) & 0xFF));
        frames.add(codec.encodeV2(position.timeBootMs(ms).build(), 1, 1, (4 * c + 2) & 0xFF));
        if (c % 5 == 0) {
            frames.add(codec.encodeV2(SysStatus.builder().voltageBattery(15_800 - c).currentBattery(1_000).batteryRemaining(90)
                    .load(200).build(), 1, 1, (4 * c + 3) & 0xFF));
        }
        return frames;
    }

    /** The ground station's request of the {@code i}-th of {@code n} airborne cycles, or null. */
    private static byte[] request(MavlinkCodec codec, int i, int n, int sequence) {
        if (i == n / 6 || i == n / 6 + 1) {
            return goTo(codec, sequence); // then its retransmission (acknowledged again, not executed)
        }
        if (i == 2 * n / 6) {
            return command(codec, 178, 1f, 4f, sequence); // DO_CHANGE_SPEED to 4 m/s
        }
        if (i == 3 * n / 6) {
            return command(codec, 193, 0f, 0f, sequence); // DO_PAUSE_CONTINUE: pause
        }
        if (i == 3 * n / 6 + 5) {
            return command(codec, 193, 1f, 0f, sequence); // DO_PAUSE_CONTINUE: continue
        }
        if (i == 5 * n / 6) {
            return command(codec, 21, 0f, 0f, sequence); // NAV_LAND
        }
        return null;
    }

    /** A ground station's "go to" 5 m north, 5 m east, 8 m up (MISSION_ITEM_INT, local NED). */
    static byte[] goTo(MavlinkCodec codec, int sequence) {
        return codec.encodeV2(MissionItemInt.builder().targetSystem(1).targetComponent(FlightTask.OWN_COMPONENT_ID)
                .seq(0).frame(EnumValue.create(MavFrame.class, 1)).command(EnumValue.create(MavCmd.class, 16))
                .current(2).autocontinue(1).x(50_000).y(50_000).z(-8f).build(), ClientRequests.GCS_SYSTEM_ID, ClientRequests.GCS_COMPONENT_ID, sequence & 0xFF);
    }

    private static byte[] command(MavlinkCodec codec, int command, float param1, float param2, int sequence) {
        return codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(FlightTask.OWN_COMPONENT_ID)
                .command(EnumValue.create(MavCmd.class, command)).param1(param1).param2(param2).build(),
                ClientRequests.GCS_SYSTEM_ID, ClientRequests.GCS_COMPONENT_ID, sequence & 0xFF);
    }
}
