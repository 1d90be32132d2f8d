package io.pstr.core.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests that must name one before anything binds it (an Aeron endpoint, a peer's command line). */
public final class FreePorts {

    private FreePorts() {
    }

    /** A UDP port on the loopback address free a moment ago (bound and closed at once). */
    public static int udp() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on loopback", e);
        }
    }

    /** A TCP port on the loopback address free a moment ago (bound and closed at once). */
    public static int tcp() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }
}
