package io.pstr.core.link;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialLinkTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsSocat() {
        // CI installs socat; a developer machine without it skips rather than fails.
        assumeTrue(SocatPty.isSocatInstalled(), "socat not installed");
    }

    private static boolean send(ByteLink link, String text) {
        byte[] b = text.getBytes(US_ASCII);
        return link.write(b, 0, b.length);
    }

    @Test
    void shouldRoundTripBytesThroughASocatPtyPair() {
        RecordingListener aSide = new RecordingListener();
        RecordingListener bSide = new RecordingListener();
        try (SocatPty pty = SocatPty.create(dir);
             ByteLink a = Links.open(Endpoint.parse("pty:" + pty.pathA()));
             ByteLink b = Links.open(Endpoint.parse("serial:" + pty.pathB() + ":115200"))) {
            a.start(aSide);
            b.start(bSide);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.isUp() && b.isUp());
            assertTrue(send(a, "from A"));
            await().atMost(Duration.ofSeconds(5)).until(() -> bSide.text().equals("from A"));
            assertTrue(send(b, "from B"));
            await().atMost(Duration.ofSeconds(5)).until(() -> aSide.text().equals("from B"));
        }
    }

    @Test
    void shouldReportDownWithinOneSecondWhenSocatIsKilled() {
        RecordingListener aSide = new RecordingListener();
        SocatPty pty = SocatPty.create(dir);
        try (ByteLink a = Links.open(Endpoint.parse("pty:" + pty.pathA()))) {
            a.start(aSide);
            await().atMost(Duration.ofSeconds(5)).until(a::isUp);
            pty.close();
            await().atMost(Duration.ofSeconds(1)).until(() -> aSide.downs.get() == 1 && !a.isUp());
            assertTrue(!send(a, "unplugged"));
        }
    }

    @Test
    void shouldSayWhyTheDeviceCannotBeOpenedUntilItAppears() {
        // The pty pair's names are fixed before socat makes them, so the link starts on a device that is not there yet.
        RecordingListener aSide = new RecordingListener();
        SocatPty first = SocatPty.create(dir);
        Path device = first.pathA();
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !java.nio.file.Files.exists(device));
        try (ByteLink a = Links.open(Endpoint.parse("pty:" + device))) {
            a.start(aSide);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.lastOpenFailure() != null);
            assertEquals(device + " does not exist (board unplugged, or another device name)", a.lastOpenFailure());
            assertEquals(0, aSide.ups.get());
            try (SocatPty second = SocatPty.create(dir)) {
                assertEquals(device, second.pathA());
                await().atMost(Duration.ofSeconds(5)).until(a::isUp);
                assertEquals(null, a.lastOpenFailure());
            }
        }
    }

    @Test
    void shouldSayWhenTheDeviceIsNotASerialPort() throws java.io.IOException {
        Path file = java.nio.file.Files.createFile(dir.resolve("not-a-tty"));
        try (ByteLink a = Links.open(Endpoint.parse("serial:" + file + ":115200"))) {
            a.start(new RecordingListener());
            await().atMost(Duration.ofSeconds(5)).until(() -> a.lastOpenFailure() != null);
            assertEquals(file + " cannot be opened: not a serial device", a.lastOpenFailure());
            assertTrue(!a.isUp());
        }
    }

    @Test
    void shouldNameTheCommonReasonsASerialPortWillNotOpen() {
        assertEquals("/dev/ttyACM0 cannot be opened: permission denied (is the user in the group owning it, usually dialout?)",
                SerialLink.openFailure("/dev/ttyACM0", 13));
        assertTrue(SerialLink.openFailure("/dev/ttyACM0", 11).contains("busy (another program has it open"));
        assertTrue(SerialLink.openFailure("/dev/ttyACM0", 19).contains("no such device"));
        assertEquals("/dev/ttyACM0 cannot be opened: error 5", SerialLink.openFailure("/dev/ttyACM0", 5));
    }

    @Test
    void shouldReopenWhenThePtyPairComesBack() {
        // A pty pair that comes back after an unplug is picked up again by the same link.
        RecordingListener aSide = new RecordingListener();
        SocatPty first = SocatPty.create(dir);
        try (ByteLink a = Links.open(Endpoint.parse("pty:" + first.pathA()))) {
            a.start(aSide);
            await().atMost(Duration.ofSeconds(5)).until(a::isUp);
            first.close();
            await().atMost(Duration.ofSeconds(1)).until(() -> !a.isUp());
            try (SocatPty second = SocatPty.create(dir)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> a.isUp() && aSide.ups.get() == 2);
                assertTrue(second.isAlive());
            }
        }
    }

    @Test
    void shouldCloseAndReopenAPtyWhosePeerIsSilentForTheBoundOnTheLinksClock() {
        RecordingListener hostSide = new RecordingListener();
        AtomicLong clockNs = new AtomicLong();
        try (SocatPty pty = SocatPty.create(dir);
             ByteLink board = Links.open(Endpoint.parse("pty:" + pty.pathA() + ",silence-ms=0"));
             ByteLink host = new SerialLink(pty.pathB().toString(), Endpoint.DEFAULT_BAUD,
                     Endpoint.parse("pty:" + pty.pathB() + ",silence-ms=3000").options(), clockNs::get)) {
            board.start(new RecordingListener());
            host.start(hostSide);
            await().atMost(Duration.ofSeconds(5)).until(() -> host.isUp() && board.isUp());
            clockNs.addAndGet(TimeUnit.MILLISECONDS.toNanos(2_900));
            await("within the bound on the link's clock").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> hostSide.downs.get() == 0);
            assertTrue(send(board, "hb"));
            await().atMost(Duration.ofSeconds(5)).until(() -> hostSide.text().equals("hb"));
            clockNs.addAndGet(TimeUnit.MILLISECONDS.toNanos(2_900));
            await("a byte restarted the bound").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> hostSide.downs.get() == 0);
            clockNs.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
            await().atMost(Duration.ofSeconds(5)).until(() -> hostSide.downs.get() == 1);
            assertEquals("silent for 3100 ms", hostSide.lastDownReason);
            assertEquals(1, host.counters().silences.get());
            // Closed and reopened by the usual back-off path: the pty is still there.
            await().atMost(Duration.ofSeconds(5)).until(() -> host.isUp() && hostSide.ups.get() == 2);
        }
    }
}
