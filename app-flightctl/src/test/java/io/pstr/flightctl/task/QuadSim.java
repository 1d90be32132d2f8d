package io.pstr.flightctl.task;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavModeFlag;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.MavlinkCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A small PX4-like quadcopter for closed-loop tests: point mass with linear drag, first-order attitude lag
 * with a rate limit, tilt limit, OFFBOARD with the setpoint-stream rule and the failsafe descent, arming only
 * on the ground. Emits HEARTBEAT at 1 Hz and ATTITUDE + LOCAL_POSITION_NED every cycle. StrictMath, so that a
 * closed loop run in another JVM (interpreted or compiled) is comparable bit for bit.
 * <p>
 * {@link #arduCopter()} speaks as ArduCopter instead: its heartbeat names ARDUPILOTMEGA and the copter's mode
 * numbers (GUIDED 4 where PX4 says OFFBOARD, LOITER 5 for a hold, LAND 9), it enters GUIDED at once (no setpoint
 * stream first) for DO_SET_MODE(1, 4) and answers FAILED for a number it does not know, and setpoints stopping
 * leave it in GUIDED holding where it is (GUID_TIMEOUT), with no failsafe.
 */
final class QuadSim {

    static final double MASS_KG = 1.5;
    static final double G = 9.80665;
    static final double MAX_THRUST_N = 2 * MASS_KG * G;
    static final double DRAG_N_PER_MPS = 0.25;
    static final double ATTITUDE_TAU_S = 0.08;
    static final double MAX_RATE_RAD_PER_S = 3.0;
    static final double MAX_TILT_RAD = StrictMath.toRadians(35);
    static final long SETPOINT_TIMEOUT_MS = 500;
    static final int POSCTL = 3;
    static final int AUTO = 4;
    static final int OFFBOARD = 6;
    static final int AUTO_LOITER = 3;
    static final int AUTO_LAND = 6;
    static final int SUBSTEPS = 10;
    static final int COPTER_GUIDED = 4;
    static final int COPTER_LOITER = 5;
    static final int COPTER_LAND = 9;

    double n;
    double e;
    double d;
    double vn;
    double ve;
    double vd;
    double roll;
    double pitch;
    double yaw;
    boolean armed;
    int mainMode = POSCTL;
    int subMode;
    long nowMs;
    long lastSetpointMs = Long.MIN_VALUE / 2;
    double spRoll;
    double spPitch;
    double spYaw;
    double spThrust;
    int commandsReceived;
    int setpointsReceived;
    /** In its offboard-loss failsafe (a descent); heartbeats say MAV_STATE_CRITICAL. Any mode change ends it. */
    boolean failsafe;
    /** Speaks as ArduCopter (see the class comment). */
    boolean copter;
    /** Mode requests answered, in order: param2 of each DO_SET_MODE the task sent. */
    final List<Integer> modeRequests = new ArrayList<>();
    /** Refuses every disarm, as ArduCopter whose land detector does not say landed under thrust setpoints. */
    boolean refusesDisarm;
    /** MAV_CMD_NAV_LAND commands received. */
    int landCommands;
    /** As ArduCopter: the message ids the task asked to have streamed (SET_MESSAGE_INTERVAL), in order. */
    final List<Integer> streamRequests = new ArrayList<>();
    /** Whether it streams ATTITUDE and LOCAL_POSITION_NED: PX4 by itself, ArduCopter once asked for each. */
    boolean attitudeStreamed = true;
    boolean positionStreamed = true;

    private final MavlinkCodec codec = new MavlinkCodec();
    private final List<byte[]> acks = new ArrayList<>();
    private long nextHeartbeatMs;
    private int sequence;

    static QuadSim onGround() {
        return new QuadSim();
    }

    /** On the ground, speaking as ArduCopter. */
    static QuadSim arduCopter() {
        QuadSim sim = new QuadSim();
        sim.copter = true;
        sim.attitudeStreamed = false; // ArduCopter's stream rates all default to 0
        sim.positionStreamed = false;
        return sim;
    }

    /** Hovering in AUTO.LOITER, as after a failsafe when both replicas were lost. */
    static QuadSim hoveringAt(double altitudeM) {
        QuadSim sim = new QuadSim();
        sim.d = -altitudeM;
        sim.n = 3;
        sim.e = -2;
        sim.armed = true;
        sim.mainMode = AUTO;
        sim.subMode = AUTO_LOITER;
        return sim;
    }

    double altitudeM() {
        return -d;
    }

    boolean offboard() {
        return mainMode == OFFBOARD;
    }

    /** Takes the task's frames of this cycle. */
    void receive(List<byte[]> frames) {
        for (byte[] frame : frames) {
            Object payload = codec.decodePayload(frame);
            if (payload instanceof SetAttitudeTarget sp) {
                double w = sp.q().get(0), x = sp.q().get(1), y = sp.q().get(2), z = sp.q().get(3);
                spRoll = StrictMath.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
                spPitch = StrictMath.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
                spYaw = StrictMath.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
                spThrust = Math.max(0, Math.min(1, sp.thrust()));
                lastSetpointMs = nowMs;
                setpointsReceived++;
            } else if (payload instanceof CommandLong cmd) {
                commandsReceived++;
                command(cmd);
            }
        }
    }

    private void command(CommandLong cmd) {
        int id = cmd.command().value();
        boolean ok;
        if (id == 400) {
            boolean onGround = altitudeM() < 0.1;
            ok = onGround && !(refusesDisarm && cmd.param1() == 0f);
            if (ok) {
                armed = cmd.param1() == 1f;
            }
        } else if (id == 176 && copter) {
            modeRequests.add((int) cmd.param2());
            int mode = ((int) cmd.param1() & 1) != 0 ? (int) cmd.param2() : -1;
            ok = mode == COPTER_GUIDED || mode == COPTER_LAND || mode == COPTER_LOITER;
            if (ok) {
                mainMode = mode == COPTER_GUIDED ? OFFBOARD : AUTO;
                subMode = mode == COPTER_LAND ? AUTO_LAND : mode == COPTER_LOITER ? AUTO_LOITER : 0;
                failsafe = false;
            }
        } else if (id == 176) {
            modeRequests.add((int) cmd.param2());
            ok = ((int) cmd.param1() & 1) != 0 && (int) cmd.param2() == OFFBOARD
                    && nowMs - lastSetpointMs <= SETPOINT_TIMEOUT_MS;
            if (ok) {
                mainMode = OFFBOARD;
                subMode = 0;
                failsafe = false;
            }
        } else if (id == 511 && copter) {
            int message = (int) cmd.param1();
            streamRequests.add(message);
            ok = cmd.param2() > 0 && (message == 30 || message == 32 || message == 1);
            if (ok) {
                attitudeStreamed |= message == 30;
                positionStreamed |= message == 32;
            }
        } else if (id == 21) {
            landCommands++;
            ok = true;
            mainMode = AUTO;
            subMode = AUTO_LAND;
        } else {
            ok = false;
        }
        acks.add(codec.encodeV2(CommandAck.builder().command(EnumValue.create(MavCmd.class, id))
                .result(ok ? MavResult.MAV_RESULT_ACCEPTED : copter ? MavResult.MAV_RESULT_FAILED : MavResult.MAV_RESULT_DENIED)
                .build(), 1, 1, sequence++ & 0xFF));
    }

    /** Integrates one period and returns the telemetry the task will read next cycle. */
    List<byte[]> advance(int periodMs) {
        double dt = periodMs / 1000.0 / SUBSTEPS;
        for (int i = 0; i < SUBSTEPS; i++) {
            physics(dt);
        }
        nowMs += periodMs;
        if (!copter && offboard() && nowMs - lastSetpointMs > SETPOINT_TIMEOUT_MS) {
            mainMode = AUTO;
            subMode = AUTO_LAND;
            failsafe = true;
        }
        List<byte[]> out = new ArrayList<>(acks);
        acks.clear();
        if (nowMs >= nextHeartbeatMs) {
            nextHeartbeatMs += 1000;
            int base = 1; // MAV_MODE_FLAG_CUSTOM_MODE_ENABLED: PX4 always sets it
            if (armed) {
                base |= 128;
            }
            long customMode = !copter ? ((long) mainMode << 16) | ((long) subMode << 24)
                    : offboard() ? COPTER_GUIDED : subMode == AUTO_LAND ? COPTER_LAND : COPTER_LOITER;
            out.add(codec.encodeV2(Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR)
                    .autopilot(copter ? MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA : MavAutopilot.MAV_AUTOPILOT_PX4)
                    .baseMode(EnumValue.create(MavModeFlag.class, base))
                    .customMode(customMode)
                    .systemStatus(failsafe ? MavState.MAV_STATE_CRITICAL : armed ? MavState.MAV_STATE_ACTIVE : MavState.MAV_STATE_STANDBY).mavlinkVersion(3).build(),
                    1, 1, sequence++ & 0xFF));
        }
        if (attitudeStreamed) {
            out.add(codec.encodeV2(Attitude.builder().timeBootMs(nowMs).roll((float) roll).pitch((float) pitch).yaw((float) yaw).build(),
                    1, 1, sequence++ & 0xFF));
        }
        if (positionStreamed) {
            out.add(codec.encodeV2(LocalPositionNed.builder().timeBootMs(nowMs).x((float) n).y((float) e).z((float) d)
                    .vx((float) vn).vy((float) ve).vz((float) vd).build(), 1, 1, sequence++ & 0xFF));
        }
        return out;
    }

    private void physics(double dt) {
        if (!armed) {
            fall(dt);
            return;
        }
        boolean guidedTimedOut = copter && offboard() && nowMs - lastSetpointMs > SETPOINT_TIMEOUT_MS;
        if (!offboard() || guidedTimedOut) {
            // the board's own modes, kinematically: hold, or land at 1 m/s and disarm on touchdown (ArduCopter in
            // GUIDED with no setpoints for its GUID_TIMEOUT: levels out and holds)
            roll = pitch = 0;
            vn = ve = 0;
            vd = mainMode == AUTO && subMode == AUTO_LAND ? 1.0 : 0.0;
            d += vd * dt;
            if (d >= 0) {
                d = 0;
                vd = 0;
                if (subMode == AUTO_LAND) {
                    armed = false;
                }
            }
            return;
        }
        double tR = spRoll;
        double tP = spPitch;
        double tilt = StrictMath.acos(StrictMath.cos(tR) * StrictMath.cos(tP));
        if (tilt > MAX_TILT_RAD) {
            tR *= MAX_TILT_RAD / tilt;
            tP *= MAX_TILT_RAD / tilt;
        }
        roll += rate(tR - roll) * dt;
        pitch += rate(tP - pitch) * dt;
        yaw += rate(spYaw - yaw) * dt;
        double f = spThrust * MAX_THRUST_N / MASS_KG;
        double cr = StrictMath.cos(roll), sr = StrictMath.sin(roll), cp = StrictMath.cos(pitch), sp = StrictMath.sin(pitch);
        double cy = StrictMath.cos(yaw), sy = StrictMath.sin(yaw);
        double bzN = cy * sp * cr + sy * sr;
        double bzE = sy * sp * cr - cy * sr;
        double bzD = cp * cr;
        double k = DRAG_N_PER_MPS / MASS_KG;
        double aN = -f * bzN - k * vn;
        double aE = -f * bzE - k * ve;
        double aD = -f * bzD + G - k * vd;
        integrate(aN, aE, aD, dt);
    }

    private void fall(double dt) {
        double k = DRAG_N_PER_MPS / MASS_KG;
        integrate(-k * vn, -k * ve, G - k * vd, dt);
    }

    private void integrate(double aN, double aE, double aD, double dt) {
        vn += aN * dt;
        ve += aE * dt;
        vd += aD * dt;
        n += vn * dt;
        e += ve * dt;
        d += vd * dt;
        if (d >= 0) {
            // the ground stops it and friction holds it
            d = 0;
            vd = Math.min(vd, 0);
            if (vd == 0) {
                vn = 0;
                ve = 0;
            }
        }
    }

    private static double rate(double error) {
        return Math.max(-MAX_RATE_RAD_PER_S, Math.min(MAX_RATE_RAD_PER_S, error / ATTITUDE_TAU_S));
    }
}
