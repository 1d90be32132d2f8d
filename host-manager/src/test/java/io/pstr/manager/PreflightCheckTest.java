package io.pstr.manager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavType;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.Links;
import io.pstr.core.link.SocatPty;
import io.pstr.core.mavlink.MavlinkCodec;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the heartbeat row tells whoever wires a board when no autopilot heartbeat comes; on real ptys. */
class PreflightCheckTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsSocat() {
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
    }

    private static PreflightCheck.Item heartbeatRow(String endpoint) {
        PreflightCheck.Context ctx = new PreflightCheck.Context();
        ctx.board = Endpoint.parse(endpoint);
        ctx.heartbeatTimeoutNs = TimeUnit.SECONDS.toNanos(1);
        PreflightCheck.Report report = new PreflightCheck(ctx).run();
        assertFalse(report.passed(), report.table());
        PreflightCheck.Item row = report.item(PreflightCheck.HEARTBEAT);
        assertEquals(PreflightCheck.Verdict.FAIL, row.verdict(), report.table());
        return row;
    }

    /** Runs the check on side B while {@code bytes} wait on the pair, written on side A before it starts. */
    private PreflightCheck.Item heartbeatRowAfter(byte[] bytes) {
        try (SocatPty pty = SocatPty.create(dir); ByteLink far = Links.open(Endpoint.parse("pty:" + pty.pathA()))) {
            far.start((buffer, offset, length, rxNs) -> { });
            await().atMost(Duration.ofSeconds(5)).until(far::isUp);
            assertTrue(far.write(bytes, 0, bytes.length));
            return heartbeatRow("pty:" + pty.pathB());
        }
    }

    @Test
    void shouldSayTheDeviceDoesNotExist() {
        Path missing = dir.resolve("ttyACM9");
        PreflightCheck.Item row = heartbeatRow("serial:" + missing + ":921600");
        assertTrue(row.detail().endsWith("the link never opened: " + missing
                + " does not exist (board unplugged, or another device name)"), row.detail());
    }

    @Test
    void shouldAskForTheWiringWhenNothingComes() {
        PreflightCheck.Item row = heartbeatRowAfter(new byte[0]);
        assertTrue(row.detail().contains("(0 bytes received): check the wiring"), row.detail());
    }

    @Test
    void shouldSuspectTheBaudRateWhenBytesCarryNoFrame() {
        byte[] noise = new byte[300];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (i * 37 + 11); // every byte value, start markers included, but no frame whose CRC checks
        }
        PreflightCheck.Item row = heartbeatRowAfter(noise);
        assertTrue(row.detail().contains("(300 bytes received): no MAVLink frame in them: check the baud rate"), row.detail());
    }

    @Test
    void shouldSaySoWhenFramesComeButNoneFromAnAutopilot() {
        MavlinkCodec codec = new MavlinkCodec();
        ByteArrayOutputStream gcsHeartbeats = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            gcsHeartbeats.writeBytes(codec.encodeV2(Heartbeat.builder().type(MavType.MAV_TYPE_GCS)
                    .autopilot(MavAutopilot.MAV_AUTOPILOT_INVALID).build(), 255, 190, i));
        }
        PreflightCheck.Item row = heartbeatRowAfter(gcsHeartbeats.toByteArray());
        assertTrue(row.detail().contains("3 MAVLink frames but no heartbeat from an autopilot"), row.detail());
    }
}
