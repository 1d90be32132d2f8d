package io.pstr.core.mavlink;

import io.dronefleet.mavlink.MavlinkDialect;
import io.dronefleet.mavlink.annotations.MavlinkMessageInfo;
import io.dronefleet.mavlink.ardupilotmega.ArdupilotmegaDialect;
import io.dronefleet.mavlink.common.CommonDialect;
import io.dronefleet.mavlink.minimal.MinimalDialect;
import io.dronefleet.mavlink.protocol.MavlinkPacket;
import io.dronefleet.mavlink.serialization.payload.reflection.ReflectionPayloadDeserializer;
import io.dronefleet.mavlink.serialization.payload.reflection.ReflectionPayloadSerializer;

/**
 * Encodes and decodes MAVLink frames of the common, minimal and ArduPilot (ardupilotmega) dialects through
 * io.dronefleet.mavlink.
 * No I/O: bytes in, bytes out. Thread-safe (the dronefleet serializers keep no state between calls).
 */
public final class MavlinkCodec {

    /** The magic byte that starts a MAVLink 1 frame. */
    public static final int STX_V1 = 0xFE;
    /** The magic byte that starts a MAVLink 2 frame. */
    public static final int STX_V2 = 0xFD;
    /** Length of a MAVLink 2 signature block. */
    public static final int SIGNATURE_LENGTH = 13;
    /** Largest frame of either version: MAVLink 2 header 10 + payload 255 + CRC 2 + signature 13. */
    public static final int MAX_FRAME_LENGTH = 10 + 255 + 2 + SIGNATURE_LENGTH;

    private static final MavlinkDialect COMMON = new CommonDialect();
    private static final MavlinkDialect MINIMAL = new MinimalDialect();
    /**
     * ArduPilot's own messages (EKF_STATUS_REPORT, AHRS2, MEMINFO...): an ArduPilot board sends them when a ground
     * station asks, and without their CRC_EXTRA they would be dropped as unknown instead of reaching it.
     */
    private static final MavlinkDialect ARDUPILOT = new ArdupilotmegaDialect();
    private static final org.agrona.collections.Int2IntHashMap CRC_EXTRA = new org.agrona.collections.Int2IntHashMap(-1);

    static {
        register(MINIMAL);
        register(COMMON);
        register(ARDUPILOT);
        for (NewerMessages.Message m : NewerMessages.ALL) {
            if (CRC_EXTRA.putIfAbsent(m.id(), m.crcExtra()) != -1) {
                throw new IllegalStateException("MAVLink message " + m.id() + " " + m.name() + " is known twice");
            }
        }
    }

    private final ReflectionPayloadSerializer serializer = new ReflectionPayloadSerializer();
    private final ReflectionPayloadDeserializer deserializer = new ReflectionPayloadDeserializer();

    /**
     * How many times the JDK (17) calls a reflected method through JNI before it defines a class for the calls
     * ({@code sun.reflect.inflationThreshold}). The MAVLink library builds and reads every message through reflection,
     * so the first frame of a message type a JVM meets loads its classes, and the frame after this many defines a class
     * for each of its fields: about 1 ms and 2–3 ms for a COMMAND_ACK on the thread that meets them, measured here.
     */
    public static final int REFLECTION_INFLATION_CALLS = 15;

    private static void register(MavlinkDialect dialect) {
        for (Class<?> type : dialect.messageTypes()) {
            MavlinkMessageInfo info = type.getAnnotation(MavlinkMessageInfo.class);
            if (info != null) {
                CRC_EXTRA.put(info.id(), info.crc());
            }
        }
    }

    /**
     * The CRC_EXTRA byte of a message id, or -1 when no dialect knows the message. Known here means framed and
     * CRC-checked; {@link #decodePayload} decodes only the library's own ({@link NewerMessages} are not).
     */
    public static int crcExtra(int messageId) {
        return CRC_EXTRA.get(messageId);
    }

    public static int messageId(Class<?> payloadType) {
        MavlinkMessageInfo info = payloadType.getAnnotation(MavlinkMessageInfo.class);
        if (info == null) {
            throw new IllegalArgumentException(payloadType.getName() + " is not a MAVLink message");
        }
        return info.id();
    }

    /** Encodes an unsigned MAVLink 2 frame. */
    public byte[] encodeV2(Object payload, int systemId, int componentId, int sequence) {
        int id = messageId(payload.getClass());
        byte[] body = serializer.serialize(payload);
        return MavlinkPacket.createUnsignedMavlink2Packet(sequence & 0xFF, systemId, componentId, id, crcExtra(id), body)
                .getRawBytes();
    }

    /** Encodes a MAVLink 1 frame (for boards that speak only version 1). */
    public byte[] encodeV1(Object payload, int systemId, int componentId, int sequence) {
        int id = messageId(payload.getClass());
        byte[] body = serializer.serialize(payload);
        return MavlinkPacket.createMavlink1Packet(sequence & 0xFF, systemId, componentId, id, crcExtra(id), body)
                .getRawBytes();
    }

    /**
     * Decodes a whole frame (as cut by {@link MavlinkFrameSplitter}, CRC already checked).
     * @return the dronefleet payload object, or null for a message the library cannot decode ({@link NewerMessages})
     */
    public Object decodePayload(byte[] frame) {
        MavlinkPacket packet = packet(frame);
        Class<?> type = resolve(packet.getMessageId());
        return type == null ? null : deserializer.deserialize(packet.getPayload(), type);
    }

    /**
     * Encodes and decodes a frame of each of these messages more than {@link #REFLECTION_INFLATION_CALLS} times (its
     * fields all zero), so that the costs named there are paid now, by the caller, instead of by whichever thread
     * meets the message first in flight. Classes and generated accessors belong to the JVM: one warm-up serves every
     * thread and codec.
     *
     * @throws IllegalArgumentException for a message id none of the codec's dialects knows
     */
    public static void warmUp(int... messageIds) {
        MavlinkCodec codec = new MavlinkCodec();
        for (int id : messageIds) {
            Class<?> type = resolve(id);
            if (type == null) {
                throw new IllegalArgumentException("no MAVLink message " + id + " in the dialects to warm up");
            }
            for (int i = 0; i <= REFLECTION_INFLATION_CALLS + 1; i++) {
                Object zero = codec.deserializer.deserialize(new byte[0], type);
                Object back = codec.decodePayload(codec.encodeV2(zero, 0, 0, i));
                if (!zero.equals(back)) {
                    throw new IllegalStateException("MAVLink message " + id + " does not survive its own encoding: " + zero + " became " + back);
                }
            }
        }
    }

    /** The payload class of a message id in the common, minimal or ArduPilot dialect, or null. */
    private static Class<?> resolve(int messageId) {
        Class<?> type = COMMON.resolve(messageId);
        if (type == null) {
            type = MINIMAL.resolve(messageId);
        }
        return type == null ? ARDUPILOT.resolve(messageId) : type;
    }

    /** Parses the header of a whole frame. */
    public static MavlinkPacket packet(byte[] frame) {
        if (frame.length == 0) {
            throw new IllegalArgumentException("empty frame");
        }
        int stx = frame[0] & 0xFF;
        if (stx == STX_V2) {
            return MavlinkPacket.fromV2Bytes(frame);
        }
        if (stx == STX_V1) {
            return MavlinkPacket.fromV1Bytes(frame);
        }
        throw new IllegalArgumentException(String.format("not a MAVLink frame: starts with 0x%02x", stx));
    }

    /** Message id of a whole frame without decoding its payload. */
    public static int messageIdOf(byte[] frame, int offset) {
        int stx = frame[offset] & 0xFF;
        if (stx == STX_V2) {
            return (frame[offset + 7] & 0xFF) | (frame[offset + 8] & 0xFF) << 8 | (frame[offset + 9] & 0xFF) << 16;
        }
        return frame[offset + 5] & 0xFF;
    }
}
