package io.pstr.hilrig;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavFrame;
import io.dronefleet.mavlink.common.MavResult;
import io.dronefleet.mavlink.common.ParamRequestRead;
import io.dronefleet.mavlink.common.ParamValue;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.common.SetPositionTargetLocalNed;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.record.BoardRecordWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drives a {@link VirtualBoard} with a manual clock, plays the host (system 255, component 190). */
final class BoardHarness {
    static final int HOST_SYS = 255;
    static final int HOST_COMP = 190;

    final MavlinkCodec codec = new MavlinkCodec();
    final MavlinkFrameSplitter fromBoard = new MavlinkFrameSplitter();
    final List<Object> received = new ArrayList<>();
    final VirtualBoard board;
    long nowNs = 1_000_000_000L;
    int seq;

    BoardHarness(long failsafeTimeoutMs, BoardRecordWriter record) {
        this(new VirtualBoard.Context().failsafeTimeoutMs(failsafeTimeoutMs).recordWriter(record));
    }

    BoardHarness(VirtualBoard.Context ctx) {
        board = new VirtualBoard(ctx,
                (b, o, l) -> {
                    fromBoard.feed(b, o, l, (f, fo, fl, id) -> received.add(codec.decodePayload(Arrays.copyOfRange(f, fo, fo + fl))));
                    return true;
                });
        board.doWork(nowNs);
    }

    BoardHarness() {
        this(500, null);
    }

    void advanceMs(long ms) {
        long end = nowNs + TimeUnit.MILLISECONDS.toNanos(ms);
        while (nowNs < end) {
            nowNs = Math.min(end, nowNs + TimeUnit.MILLISECONDS.toNanos(1));
            board.doWork(nowNs);
        }
    }

    /** Streams hover attitude setpoints at 50 Hz for {@code ms}. */
    void streamAttitudeMs(long ms, double thrust) {
        for (long t = 0; t < ms; t += 20) {
            feed(attitude(thrust));
            advanceMs(20);
        }
    }

    byte[] attitude(double thrust) {
        double[] q = Attitudes.toQuaternion(0, 0, 0);
        return encode(SetAttitudeTarget.builder().timeBootMs(nowNs / 1_000_000).targetSystem(1).targetComponent(1)
                .typeMask(EnumValue.create(7))
                .q(List.of((float) q[0], (float) q[1], (float) q[2], (float) q[3])).thrust((float) thrust).build());
    }

    byte[] position(double x, double y, double z) {
        return encode(SetPositionTargetLocalNed.builder().timeBootMs(nowNs / 1_000_000).targetSystem(1).targetComponent(1)
                .coordinateFrame(MavFrame.MAV_FRAME_LOCAL_NED)
                .typeMask(EnumValue.create(0b110111111000))
                .x((float) x).y((float) y).z((float) z).build());
    }

    byte[] encode(Object payload) {
        return codec.encodeV2(payload, HOST_SYS, HOST_COMP, seq++);
    }

    void feed(byte[] bytes) {
        board.receive(bytes, 0, bytes.length);
        board.doWork(nowNs);
    }

    MavResult command(MavCmd cmd, float p1, float p2, float p3, float p7) {
        received.clear();
        feed(encode(CommandLong.builder().targetSystem(1).targetComponent(1).command(cmd)
                .param1(p1).param2(p2).param3(p3).param7(p7).build()));
        CommandAck ack = (CommandAck) received.stream().filter(o -> o instanceof CommandAck).findFirst()
                .orElseThrow(() -> new AssertionError("no COMMAND_ACK for " + cmd));
        if (ack.command().value() != cmd.ordinal() && ack.command().entry() != cmd) {
            throw new AssertionError("ack for " + ack.command() + " not " + cmd);
        }
        if (ack.targetSystem() != HOST_SYS || ack.targetComponent() != HOST_COMP) {
            throw new AssertionError("ack not addressed to the sender: " + ack);
        }
        return ack.result().entry();
    }

    MavResult arm() {
        return command(MavCmd.MAV_CMD_COMPONENT_ARM_DISARM, 1, 0, 0, 0);
    }

    MavResult setMode(int main, int sub) {
        return command(MavCmd.MAV_CMD_DO_SET_MODE, 1, main, sub, 0);
    }

    /** ArduCopter's DO_SET_MODE: param1 MAV_MODE_FLAG_CUSTOM_MODE_ENABLED, param2 the copter mode number. */
    MavResult setCopterMode(int copterMode) {
        return command(MavCmd.MAV_CMD_DO_SET_MODE, 1, copterMode, 0, 0);
    }

    /** PARAM_REQUEST_READ by name (index -1) or, with a null name, by index: the PARAM_VALUEs answered. */
    List<ParamValue> readParam(String name, int index) {
        received.clear();
        feed(encode(ParamRequestRead.builder().targetSystem(1).targetComponent(1)
                .paramId(name == null ? "" : name).paramIndex(name == null ? index : -1).build()));
        advanceMs(10);
        return received.stream().filter(ParamValue.class::isInstance).map(ParamValue.class::cast).toList();
    }

}
