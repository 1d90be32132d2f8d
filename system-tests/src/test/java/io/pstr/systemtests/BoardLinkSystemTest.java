package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.LocalPositionNed;
import io.pstr.core.link.Endpoint;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.LinkStatus;
import io.pstr.manager.HostManager;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.RunningManager;
import io.pstr.manager.cli.Classpaths;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The host manager against a board that sends garbage on a real TCP link. */
@Timeout(120)
class BoardLinkSystemTest {

    @TempDir
    Path dir;

    @Test
    void shouldCountMalformedBoardBytesAndDeliverTheNextGoodFrame() throws Exception {
        MavlinkCodec codec = new MavlinkCodec();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostManager.Context ctx = new HostManager.Context();
            ctx.board = Endpoint.parse("tcp:127.0.0.1:" + server.getLocalPort());
            ctx.runDir = dir.resolve("run");
            ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(), List.of());
            try (RunningManager running = RunningManager.start(ctx, "127.0.0.1", 0, null);
                    Socket board = server.accept()) {
                OutputStream out = board.getOutputStream();
                byte[] noise = new byte[500];
                new Random(7).nextBytes(noise);
                for (int i = 0; i < noise.length; i++) {
                    if ((noise[i] & 0xFF) == MavlinkCodec.STX_V1 || (noise[i] & 0xFF) == MavlinkCodec.STX_V2) {
                        noise[i] = 0x55;
                    }
                }
                byte[] badCrc = codec.encodeV2(LocalPositionNed.builder().z(-7f).build(), 1, 1, 0);
                badCrc[badCrc.length - 2] ^= 0x5A;
                byte[] truncated = codec.encodeV2(LocalPositionNed.builder().z(-8f).build(), 1, 1, 1);
                out.write(noise);
                out.write(badCrc);
                out.write(truncated, 0, truncated.length - 5);
                out.write(codec.encodeV2(LocalPositionNed.builder().x(3f).z(-42f).build(), 1, 1, 2));
                out.flush();

                await("the good frame after the garbage reaches the host").atMost(Duration.ofSeconds(20))
                        .until(() -> running.manager().status().aircraft().altitudeM() == 42.0);
                await().atMost(Duration.ofSeconds(5)).until(() -> running.manager().status().board().framesIn() >= 1);
                LinkStatus link = running.manager().status().board();
                assertEquals(1, link.framesIn(), "only the last frame was whole and good");
                assertTrue(link.crcErrors() >= 1, "bad CRC counted: " + link);
                assertTrue(link.bytesSkipped() >= noise.length, "garbage counted: " + link);
                assertEquals(3.0, running.manager().status().aircraft().northM());
            }
        }
    }
}
