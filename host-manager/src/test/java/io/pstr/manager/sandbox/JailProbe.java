package io.pstr.manager.sandbox;

import io.pstr.core.shm.RingFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs inside a jail in {@link JailLauncherTest}: tries what a replica must not do and what it must do,
 * writes one {@code key=value} line per attempt to {@code probe.txt} in its own directory, then waits
 * for its standard input to close (the host's end of the pipe), like a replica.
 * <p>
 * Arguments: own directory, loopback port to connect to, a file of the other replica to read, the peer's
 * mailbox ring as exposed to this replica.
 */
public final class JailProbe {

    static final int PROBE_MESSAGE = 77;

    private JailProbe() {
    }

    public static void main(String[] args) throws IOException {
        Path own = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Path other = Path.of(args[2]);
        Path peerMailbox = Path.of(args[3]);
        List<String> out = new ArrayList<>();
        out.add("pid=" + ProcessHandle.current().pid());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            out.add("connect=CONNECTED");
        } catch (IOException e) {
            out.add("connect=failed " + e);
        }
        try {
            out.add("other=READ " + Files.readAllBytes(other).length + " bytes");
        } catch (IOException e) {
            out.add("other=failed " + e);
        }
        try {
            Files.writeString(Path.of("/pstr-jail-probe"), "x");
            out.add("root=WRITTEN");
        } catch (IOException e) {
            out.add("root=failed " + e);
        }
        try {
            Files.writeString(Path.of("/tmp/pstr-jail-probe"), "x");
            out.add("tmp=written");
        } catch (IOException e) {
            out.add("tmp=failed " + e);
        }
        try (RingFile mailbox = RingFile.open(peerMailbox)) {
            byte[] hello = "hello from the jail".getBytes(StandardCharsets.US_ASCII);
            boolean written = mailbox.ring().write(PROBE_MESSAGE, new UnsafeBuffer(hello), 0, hello.length);
            out.add("peer=" + (written ? "written" : "full"));
        } catch (RuntimeException | LinkageError e) {
            out.add("peer=failed " + e);
        }
        String capEff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).map(l -> l.substring(7).trim()).findFirst().orElse("?");
        out.add("capeff=" + capEff);
        out.add("done=yes");
        Path tmp = own.resolve("probe.txt.tmp");
        Files.write(tmp, out);
        Files.move(tmp, own.resolve("probe.txt"));
        while (System.in.read() >= 0) {
            // wait for the host to go
        }
    }
}
