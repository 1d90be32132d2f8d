package io.pstr.fgfs.bridge;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A stand-in for FlightGear on real UDP: a socket that receives what the bridge sends to FlightGear's input port
 * (queued with arrival time) and sends what FlightGear would send, from its own (new per instance) source port.
 */
final class FakeFlightGear implements AutoCloseable {
    record Received(byte[] data, long rxNs) {
    }

    private final DatagramSocket in;
    private final DatagramSocket out;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** @param inputPort FlightGear's input port (0 = any free one) */
    FakeFlightGear(int inputPort) throws SocketException {
        in = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), inputPort));
        in.setReceiveBufferSize(4 << 20);
        out = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = new Thread(() -> {
            byte[] buf = new byte[65_536];
            while (!in.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    in.receive(p);
                    received.add(new Received(Arrays.copyOf(p.getData(), p.getLength()), System.nanoTime()));
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-flightgear");
        reader.setDaemon(true);
        reader.start();
    }

    int inputPort() {
        return in.getLocalPort();
    }

    void send(byte[] data, int toPort) throws IOException {
        out.send(new DatagramPacket(data, data.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), toPort)));
    }

    @Override
    public void close() {
        in.close();
        out.close();
    }
}
