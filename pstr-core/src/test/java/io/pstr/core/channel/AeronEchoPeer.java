package io.pstr.core.channel;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The other process of {@link AeronChannelTest}: an Aeron channel endpoint that echoes every packet back to
 * its peer, with the same type and requested time; type 0 stops it.
 * Arguments: aeron-dir self listen-endpoint peer peer-endpoint.
 */
public final class AeronEchoPeer {

    private AeronEchoPeer() {
    }

    public static void main(String[] args) {
        ChannelAddress self = ChannelAddress.parse(args[1]);
        ChannelAddress peer = ChannelAddress.parse(args[3]);
        UnsafeBuffer echo = new UnsafeBuffer(new byte[64 * 1024]);
        boolean[] stop = {false};
        try (AeronTransport transport = AeronTransport.launch(Path.of(args[0]));
             AeronChannel ch = transport.open(self, args[2], new RemoteGrants().grant(peer, args[4]), System::nanoTime)) {
            System.out.println("READY");
            System.out.flush();
            PacketHandler handler = p -> {
                if (p.type() == 0) {
                    stop[0] = true;
                    return;
                }
                echo.putBytes(0, p.buffer(), p.payloadOffset(), p.payloadLength());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                SendResult r;
                // Until our publication connects, or while the peer is behind, try again.
                while (!(r = ch.send(peer, p.type(), echo, 0, p.payloadLength(), p.requestedNs(), DeadlineKind.SOFT)).sent()
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (!r.sent()) {
                    System.err.println("echo failed: " + r);
                }
            };
            long idleSince = System.nanoTime();
            while (!stop[0] && System.nanoTime() - idleSince < TimeUnit.SECONDS.toNanos(60)) {
                if (ch.receive(handler, 10, 0, TimeUnit.MILLISECONDS.toNanos(1)) > 0) {
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
