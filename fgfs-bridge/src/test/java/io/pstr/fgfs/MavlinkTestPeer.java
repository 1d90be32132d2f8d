package io.pstr.fgfs;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.pstr.core.mavlink.MavlinkCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/** Plays a board's telemetry tap for tests: ATTITUDE and LOCAL_POSITION_NED frames over UDP, as system 1. */
public final class MavlinkTestPeer implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress to;
    private final MavlinkCodec codec = new MavlinkCodec();
    private int seq;

    public MavlinkTestPeer(int port) throws IOException {
        socket = new DatagramSocket();
        to = new InetSocketAddress("127.0.0.1", port);
    }

    public void send(Object payload) throws IOException {
        byte[] f = codec.encodeV2(payload, 1, 1, seq++ & 0xFF);
        socket.send(new DatagramPacket(f, f.length, to));
    }

    public void pose(long bootMs, double x, double y, double z, double roll, double pitch, double yaw) throws IOException {
        send(Attitude.builder().timeBootMs(bootMs).roll((float) roll).pitch((float) pitch).yaw((float) yaw).build());
        send(LocalPositionNed.builder().timeBootMs(bootMs).x((float) x).y((float) y).z((float) z).build());
    }

    @Override
    public void close() {
        socket.close();
    }
}
