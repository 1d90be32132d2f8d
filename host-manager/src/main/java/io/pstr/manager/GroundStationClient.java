package io.pstr.manager;

import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavFrame;
import io.dronefleet.mavlink.common.MissionItemInt;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal ground station on a real UDP socket, as QGroundControl behaves on port 14550: it listens,
 * learns the host's address from the telemetry it receives, sends requests there, and collects the
 * acknowledgements. The demo uses it to send a request mid-flight; the system tests use it as the
 * ground station. System id 255, component 190 (MAV_COMP_ID_MISSIONPLANNER).
 */
public final class GroundStationClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroundStationClient.class);

    /** An acknowledgement for this ground station (acks for others, e.g. the board's, count as telemetry) received, with {@link System#nanoTime()} at arrival. */
    public record Ack(Object payload, long receivedNs) {
    }

    private final DatagramSocket socket;
    private final Thread receiver;
    private final MavlinkCodec codec = new MavlinkCodec();
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    private final List<Ack> acks = new ArrayList<>();
    private final AtomicLong telemetryFrames = new AtomicLong();
    private volatile InetSocketAddress host;
    private volatile boolean closed;
    private int sequence;

    private GroundStationClient(DatagramSocket socket) {
        this.socket = socket;
        this.receiver = new Thread(this::receive, "ground-station-client");
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    /** Listens on 127.0.0.1:port (0: any free port). */
    public static GroundStationClient open(int port) {
        try {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            s.setSoTimeout(200);
            return new GroundStationClient(s);
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot listen on UDP 127.0.0.1:" + port, e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** What the host manager's {@code --gcs} option should say. */
    public String endpoint() {
        return "udp:127.0.0.1:" + port();
    }

    private void receive() {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed) {
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("ground station client: receive failed: {}", e.toString());
                }
                return;
            }
            host = (InetSocketAddress) packet.getSocketAddress();
            long now = System.nanoTime();
            splitter.feed(packet.getData(), packet.getOffset(), packet.getLength(), (frame, offset, length, id) -> {
                Object payload;
                try {
                    payload = codec.decodePayload(Arrays.copyOfRange(frame, offset, offset + length));
                } catch (RuntimeException e) {
                    return;
                }
                int[] target = ClientRequests.ackTarget(payload);
                if (target != null && target[0] == ClientRequests.GCS_SYSTEM_ID && target[1] == ClientRequests.GCS_COMPONENT_ID) {
                    synchronized (acks) {
                        acks.add(new Ack(payload, now));
                    }
                } else {
                    telemetryFrames.incrementAndGet();
                }
            });
        }
    }

    /** True once the host's telemetry has arrived, so requests have somewhere to go. */
    public boolean connected() {
        return host != null;
    }

    public long telemetryFrames() {
        return telemetryFrames.get();
    }

    public List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    /** Sends bytes as one datagram to the host; false before its telemetry told us where it is. */
    public boolean sendRaw(byte[] bytes) {
        InetSocketAddress to = host;
        if (to == null) {
            return false;
        }
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, to));
            return true;
        } catch (IOException e) {
            LOG.warn("ground station client: send failed: {}", e.toString());
            return false;
        }
    }

    /** A COMMAND_LONG for the flight task (system 1, component 191), as a MAVLink 2 frame. */
    public synchronized byte[] commandLong(int command, int confirmation, float... params) {
        float[] p = Arrays.copyOf(params, 7);
        return codec.encodeV2(CommandLong.builder().targetSystem(1).targetComponent(191)
                .command(EnumValue.create(MavCmd.class, command)).confirmation(confirmation)
                .param1(p[0]).param2(p[1]).param3(p[2]).param4(p[3]).param5(p[4]).param6(p[5]).param7(p[6])
                .build(), ClientRequests.GCS_SYSTEM_ID, ClientRequests.GCS_COMPONENT_ID, sequence++);
    }

    /** A "go to" MISSION_ITEM_INT in the local NED frame (north, east in m; altitude up in m). */
    public synchronized byte[] waypoint(double northM, double eastM, double altitudeM) {
        return codec.encodeV2(MissionItemInt.builder().targetSystem(1).targetComponent(191).seq(0)
                .frame(EnumValue.create(MavFrame.class, 1)).command(EnumValue.create(MavCmd.class, 16))
                .current(2).autocontinue(1)
                .x((int) Math.round(northM * 1e4)).y((int) Math.round(eastM * 1e4)).z((float) -altitudeM)
                .build(), ClientRequests.GCS_SYSTEM_ID, ClientRequests.GCS_COMPONENT_ID, sequence++);
    }

    /** The id the flight task gives a request this client sent. */
    public int requestId(byte[] frame) {
        return ClientRequests.requestId(codec.decodePayload(frame), ClientRequests.GCS_SYSTEM_ID, ClientRequests.GCS_COMPONENT_ID);
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        try {
            receiver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
