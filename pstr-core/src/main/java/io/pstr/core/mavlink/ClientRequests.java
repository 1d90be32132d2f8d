package io.pstr.core.mavlink;

import io.dronefleet.mavlink.common.CommandAck;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MissionAck;
import io.dronefleet.mavlink.common.MissionItemInt;

/**
 * Client requests (paper Fig. 1): what a ground station asks the flight task to do, and the
 * acknowledgement it gets back. Shared by the replicas (which execute requests) and the host
 * (which routes and counts them), so both name a request the same way.
 * <p>
 * A request is sent by anyone but the board and the task itself, to target system 0 or 1, and is either a
 * COMMAND_LONG aimed at the task's component (191; answered UNSUPPORTED when the task does not know the
 * command), or one of the task's commands ({@link #TASK_COMMANDS}) aimed at the autopilot or broadcast
 * (component 1 or 0: what a ground station's Land or Pause button sends), or a MISSION_ITEM_INT with
 * {@code current = 2} (a "go to", not part of a mission upload) aimed at component 0, 1 or 191. Its id is
 * an FNV-1a 32 hash of the sender and the decoded fields, COMMAND_LONG's {@code confirmation} left
 * out: a retransmission has the same id, so it is acknowledged again and never executed twice.
 * COMMAND_ACK carries the id in {@code result_param2}.
 */
public final class ClientRequests {

    public static final int MISSION_ACK = 47;
    public static final int MISSION_ITEM_INT = 73;
    public static final int COMMAND_LONG = 76;
    public static final int COMMAND_ACK = 77;

    /** The board (autopilot) and the flight task: never clients. */
    public static final int BOARD_SYSTEM_ID = 1;
    public static final int BOARD_COMPONENT_ID = 1;
    /** MAV_COMP_ID_ONBOARD_COMPUTER: the flight task's own component id. */
    public static final int TASK_COMPONENT_ID = 191;
    /** A ground station's ids as QGroundControl's (MAV_COMP_ID_MISSIONPLANNER): the project's own ground-station clients. */
    public static final int GCS_SYSTEM_ID = 255;
    public static final int GCS_COMPONENT_ID = 190;

    /** MAV_CMD_NAV_LAND, DO_SET_MODE, DO_CHANGE_SPEED, DO_PAUSE_CONTINUE: what the task does for a ground station. */
    private static final int[] TASK_COMMANDS = {21, 176, 178, 193};
    /** MISSION_ITEM_INT.current of a guided "go to" (outside a mission upload). */
    public static final int GO_TO = 2;

    private static final int FNV32_OFFSET = 0x811c9dc5;
    private static final int FNV32_PRIME = 0x01000193;

    private ClientRequests() {
    }

    /** True for the message ids that can carry a request; the payload decides ({@link #isRequest}). */
    public static boolean isRequestMessage(int messageId) {
        return messageId == COMMAND_LONG || messageId == MISSION_ITEM_INT;
    }

    public static boolean isAckMessage(int messageId) {
        return messageId == COMMAND_ACK || messageId == MISSION_ACK;
    }

    /** True when a decoded payload from this sender is a request for the flight task. */
    public static boolean isRequest(Object payload, int sourceSystem, int sourceComponent) {
        if (sourceSystem == BOARD_SYSTEM_ID && (sourceComponent == BOARD_COMPONENT_ID || sourceComponent == TASK_COMPONENT_ID)) {
            return false;
        }
        if (payload instanceof CommandLong c) {
            if (!ourSystem(c.targetSystem())) {
                return false;
            }
            return c.targetComponent() == TASK_COMPONENT_ID
                    || (c.targetComponent() == 0 || c.targetComponent() == BOARD_COMPONENT_ID) && taskCommand(c);
        }
        if (payload instanceof MissionItemInt m) {
            return ourSystem(m.targetSystem()) && m.current() == GO_TO && (m.targetComponent() == 0
                    || m.targetComponent() == BOARD_COMPONENT_ID || m.targetComponent() == TASK_COMPONENT_ID);
        }
        return false;
    }

    private static boolean ourSystem(int system) {
        return system == 0 || system == BOARD_SYSTEM_ID;
    }

    private static boolean taskCommand(CommandLong c) {
        int id = c.command() == null ? -1 : c.command().value();
        for (int known : TASK_COMMANDS) {
            if (known == id) {
                return true;
            }
        }
        return false;
    }

    /** The request's id; only meaningful when {@link #isRequest} holds. */
    public static int requestId(Object payload, int sourceSystem, int sourceComponent) {
        int h = FNV32_OFFSET;
        h = mix(h, sourceSystem);
        h = mix(h, sourceComponent);
        if (payload instanceof CommandLong c) {
            h = mix(h, COMMAND_LONG);
            h = mix(h, c.targetSystem());
            h = mix(h, c.targetComponent());
            h = mix(h, c.command() == null ? -1 : c.command().value());
            h = mix(h, Float.floatToIntBits(c.param1()));
            h = mix(h, Float.floatToIntBits(c.param2()));
            h = mix(h, Float.floatToIntBits(c.param3()));
            h = mix(h, Float.floatToIntBits(c.param4()));
            h = mix(h, Float.floatToIntBits(c.param5()));
            h = mix(h, Float.floatToIntBits(c.param6()));
            h = mix(h, Float.floatToIntBits(c.param7()));
        } else if (payload instanceof MissionItemInt m) {
            h = mix(h, MISSION_ITEM_INT);
            h = mix(h, m.targetSystem());
            h = mix(h, m.targetComponent());
            h = mix(h, m.seq());
            h = mix(h, m.frame() == null ? -1 : m.frame().value());
            h = mix(h, m.command() == null ? -1 : m.command().value());
            h = mix(h, m.current());
            h = mix(h, m.autocontinue());
            h = mix(h, Float.floatToIntBits(m.param1()));
            h = mix(h, Float.floatToIntBits(m.param2()));
            h = mix(h, Float.floatToIntBits(m.param3()));
            h = mix(h, Float.floatToIntBits(m.param4()));
            h = mix(h, m.x());
            h = mix(h, m.y());
            h = mix(h, Float.floatToIntBits(m.z()));
            h = mix(h, m.missionType() == null ? -1 : m.missionType().value());
        } else {
            throw new IllegalArgumentException("not a request: " + (payload == null ? "null" : payload.getClass().getSimpleName()));
        }
        return h;
    }

    private static int mix(int hash, int value) {
        int h = hash;
        for (int shift = 0; shift < 32; shift += 8) {
            h ^= (value >>> shift) & 0xFF;
            h *= FNV32_PRIME;
        }
        return h;
    }

    /** Whom an acknowledgement is for: its target system and component, or null when the payload is no ack. */
    public static int[] ackTarget(Object payload) {
        if (payload instanceof CommandAck a) {
            return new int[] {a.targetSystem(), a.targetComponent()};
        }
        if (payload instanceof MissionAck a) {
            return new int[] {a.targetSystem(), a.targetComponent()};
        }
        return null;
    }

    /** True when the ack says the request was carried out. */
    public static boolean ackAccepted(Object payload) {
        if (payload instanceof CommandAck a) {
            return a.result() != null && a.result().value() == 0;
        }
        return payload instanceof MissionAck m && m.type() != null && m.type().value() == 0;
    }

    /**
     * Calls the handler for each whole frame of a buffer holding frames back to back (a cycle's output).
     * @return false if the bytes do not end on a frame boundary (the rest is not handed out)
     */
    public static boolean forEachFrame(byte[] bytes, int offset, int length, MavlinkFrameSplitter.FrameHandler handler) {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            int frameLength = frameLength(bytes, at, end - at);
            if (frameLength < 0) {
                return false;
            }
            handler.onFrame(bytes, at, frameLength, MavlinkCodec.messageIdOf(bytes, at));
            at += frameLength;
        }
        return true;
    }

    /** Length of the frame that starts at offset, or -1 if none fits in the bytes available. */
    public static int frameLength(byte[] bytes, int offset, int available) {
        if (available < 8) {
            return -1;
        }
        int stx = bytes[offset] & 0xFF;
        int payloadLength = bytes[offset + 1] & 0xFF;
        int length;
        if (stx == MavlinkCodec.STX_V2) {
            boolean signed = (bytes[offset + 2] & 0x01) != 0;
            length = 10 + payloadLength + 2 + (signed ? MavlinkCodec.SIGNATURE_LENGTH : 0);
        } else if (stx == MavlinkCodec.STX_V1) {
            length = 6 + payloadLength + 2;
        } else {
            return -1;
        }
        return length <= available ? length : -1;
    }

    /** Sender system id of a whole frame. */
    public static int sourceSystem(byte[] frame, int offset) {
        return (frame[offset] & 0xFF) == MavlinkCodec.STX_V2 ? frame[offset + 5] & 0xFF : frame[offset + 3] & 0xFF;
    }

    /** Sender component id of a whole frame. */
    public static int sourceComponent(byte[] frame, int offset) {
        return (frame[offset] & 0xFF) == MavlinkCodec.STX_V2 ? frame[offset + 6] & 0xFF : frame[offset + 4] & 0xFF;
    }
}
