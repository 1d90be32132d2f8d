package io.pstr.manager;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.minimal.MavState;
import io.pstr.core.mavlink.CompanionHeartbeat;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.tlog.Tlog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** The few MAVLink frames the host manager itself speaks to the board: the abort, the stand-in heartbeat, and the arming guard. */
final class BoardCommands {

    static final int MSG_COMMAND_LONG = 76;
    static final int MSG_COMMAND_ACK = 77;
    static final int CMD_NAV_LAND = 21;
    static final int CMD_COMPONENT_ARM_DISARM = 400;
    /** The board the replicas fly (FlightTask's target). */
    static final int BOARD_SYSTEM_ID = 1;
    static final int BOARD_COMPONENT_ID = 1;

    private static final MavlinkCodec CODEC = new MavlinkCodec();

    private BoardCommands() {
    }

    /** MAV_CMD_NAV_LAND at the current position, from the host's own ids. */
    static byte[] landCommand(int sequence, int confirmation) {
        return CODEC.encodeV2(CommandLong.builder()
                .targetSystem(BOARD_SYSTEM_ID)
                .targetComponent(BOARD_COMPONENT_ID)
                .command(MavCmd.MAV_CMD_NAV_LAND)
                .confirmation(confirmation)
                .param4(Float.NaN)
                .param5(Float.NaN)
                .param6(Float.NaN)
                .build(), Tlog.HOST_SYSTEM_ID, Tlog.HOST_COMPONENT_ID, sequence);
    }

    /** The companion computer's HEARTBEAT in {@code state}, from the host's ids (the flight task's). */
    static byte[] heartbeat(int sequence, MavState state) {
        return CODEC.encodeV2(CompanionHeartbeat.of(state), Tlog.HOST_SYSTEM_ID, Tlog.HOST_COMPONENT_ID, sequence);
    }

    /** The result name (ACCEPTED, DENIED...) of a COMMAND_ACK for MAV_CMD_NAV_LAND, or null for any other frame. */
    static String landAckResult(byte[] frame, int offset, int length) {
        Object payload;
        try {
            payload = CODEC.decodePayload(Arrays.copyOfRange(frame, offset, offset + length));
        } catch (RuntimeException e) {
            return null;
        }
        if (payload instanceof CommandAck ack && ack.command() != null && ack.command().value() == CMD_NAV_LAND) {
            return ack.result() == null ? "UNKNOWN" : ack.result().entry() == null
                    ? "RESULT_" + ack.result().value() : ack.result().entry().name().replace("MAV_RESULT_", "");
        }
        return null;
    }

    /**
     * The frames of one output without COMMAND_LONG MAV_CMD_COMPONENT_ARM_DISARM param1 = 1 (arm). Disarming
     * and every other frame pass. Frames are whole MAVLink frames as a replica wrote them.
     */
    static byte[] withoutArming(byte[] frames) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(frames.length);
        int pos = 0;
        while (pos < frames.length) {
            int stx = frames[pos] & 0xFF;
            boolean v2 = stx == MavlinkCodec.STX_V2;
            if ((!v2 && stx != MavlinkCodec.STX_V1) || pos + 2 > frames.length) {
                kept.write(frames, pos, frames.length - pos);
                break;
            }
            int header = v2 ? 10 : 6;
            int payloadLength = frames[pos + 1] & 0xFF;
            int length = header + payloadLength + 2 + (v2 && (frames[pos + 2] & 1) != 0 ? MavlinkCodec.SIGNATURE_LENGTH : 0);
            if (pos + length > frames.length) {
                kept.write(frames, pos, frames.length - pos);
                break;
            }
            if (!(MavlinkCodec.messageIdOf(frames, pos) == MSG_COMMAND_LONG && isArm(frames, pos + header, payloadLength))) {
                kept.write(frames, pos, length);
            }
            pos += length;
        }
        return kept.toByteArray();
    }

    /** COMMAND_LONG payload: param1..7 (7 floats), command (uint16 at 28); MAVLink 2 trims trailing zeros. */
    private static boolean isArm(byte[] b, int payload, int payloadLength) {
        byte[] p = new byte[33];
        System.arraycopy(b, payload, p, 0, Math.min(payloadLength, p.length));
        ByteBuffer bb = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        return (bb.getShort(28) & 0xFFFF) == CMD_COMPONENT_ARM_DISARM && bb.getFloat(0) == 1f;
    }
}
