package io.pstr.core.channel;

/** Receives packets; the {@link Packet} view and its buffer are valid only during the call. */
@FunctionalInterface
public interface PacketHandler {
    void onPacket(Packet packet);
}
