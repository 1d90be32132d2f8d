package io.pstr.core.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavType;
import io.pstr.core.mavlink.MavlinkCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlogTest {

    private static final long EPOCH_NS = 1_750_000_000_000_000_000L;
    private final MavlinkCodec codec = new MavlinkCodec();
    @TempDir
    Path dir;

    private byte[] attitude(int seq) {
        return codec.encodeV2(Attitude.builder().timeBootMs(seq * 20L).roll(0.1f * seq).build(), 1, 1, seq);
    }

    private byte[] heartbeatV1(int seq) {
        return codec.encodeV1(Heartbeat.builder().type(MavType.MAV_TYPE_QUADROTOR)
                .autopilot(MavAutopilot.MAV_AUTOPILOT_PX4).mavlinkVersion(3).build(), 1, 1, seq);
    }

    private byte[] setpoint(int seq, long timeBootMs) {
        return codec.encodeV2(SetAttitudeTarget.builder().timeBootMs(timeBootMs).targetSystem(1).targetComponent(1)
                .q(List.of(1f, 0f, 0f, 0f)).thrust(0.5f).build(), Tlog.HOST_SYSTEM_ID, Tlog.HOST_COMPONENT_ID, seq);
    }

    /** Records board frames, host frames and ticks with a manual monotonic clock 1000 s after boot. */
    private Path record() {
        AtomicLong mono = new AtomicLong(1_000_000_000_000L);
        Path file = dir.resolve("board.tlog");
        try (TlogRecorder r = new TlogRecorder(file, 1 << 16, mono::get, () -> EPOCH_NS + mono.get() - 1_000_000_000_000L,
                java.util.Map.of("periodMs", "20"))) {
            r.boardFrame(heartbeatV1(0), 0, heartbeatV1(0).length, 1_000_000_000_000L);
            r.distributionStarted(1_000_000_500_000L);
            byte[] padded = new byte[100];
            byte[] a = attitude(1);
            System.arraycopy(a, 0, padded, 7, a.length);
            r.boardFrame(padded, 7, a.length, 1_000_001_000_000L);
            r.tick(1, 1_000_020_000_000L);
            r.hostFrame(setpoint(0, 20), 0, setpoint(0, 20).length, 1_000_021_000_000L);
            r.gcsFrame(attitude(2), 0, attitude(2).length, 1_000_030_000_000L); // in the log as the board's, marked in the sidecar
            r.tick(2, 1_000_040_000_000L);
            r.coldStart(2, 1_000_045_000_000L); // both replicas had been lost: one started cold after cycle 2
            assertEquals(0, r.dropped());
        }
        return file;
    }

    @Test
    void shouldRoundTripFramesWithEpochMicrosecondsAndCycleBoundaries() {
        Path file = record();
        TlogReader.Result read = TlogReader.read(file);
        assertEquals(4, read.records().size(), read.summary());
        assertEquals(0, read.corruptRecords());
        assertEquals(0, read.truncatedTailBytes());
        assertArrayEquals(heartbeatV1(0), read.records().get(0).frame());
        assertEquals(EPOCH_NS / 1000, read.records().get(0).unixUs());
        assertArrayEquals(attitude(1), read.records().get(1).frame());
        assertEquals(EPOCH_NS / 1000 + 1_000, read.records().get(1).unixUs());
        assertTrue(read.records().get(2).fromHost());
        assertFalse(read.records().get(1).fromHost());
        assertEquals(82, read.records().get(2).messageId());
        assertEquals(EPOCH_NS / 1000 + 30_000, read.records().get(3).unixUs());

        CycleLog.Contents cycles = CycleLog.read(Tlog.cyclesFileOf(file));
        assertEquals(0, cycles.badLines());
        assertEquals(java.util.Map.of("periodMs", "20"), cycles.meta());
        assertEquals(List.of(
                new CycleLog.Row(CycleLog.Kind.START, 0, 1, 0, EPOCH_NS / 1000 + 500),
                new CycleLog.Row(CycleLog.Kind.TICK, 1, 2, 0, EPOCH_NS / 1000 + 20_000),
                new CycleLog.Row(CycleLog.Kind.GCS, 0, 3, 0, EPOCH_NS / 1000 + 30_000),
                new CycleLog.Row(CycleLog.Kind.TICK, 2, 3, 0, EPOCH_NS / 1000 + 40_000),
                new CycleLog.Row(CycleLog.Kind.COLD, 2, 3, 0, EPOCH_NS / 1000 + 45_000)), cycles.rows());
        assertFalse(read.records().get(3).fromHost(), "a ground station's frame is logged among the board's");
    }

    @Test
    void shouldBeReadableByItsLayoutAlone() throws IOException {
        // The format others read: 8-byte big-endian microseconds, then the frame, nothing else.
        byte[] bytes = Files.readAllBytes(record());
        long us = 0;
        for (int i = 0; i < 8; i++) {
            us = us << 8 | (bytes[i] & 0xFF);
        }
        assertEquals(EPOCH_NS / 1000, us);
        assertArrayEquals(heartbeatV1(0), Arrays.copyOfRange(bytes, 8, 8 + heartbeatV1(0).length));
        assertEquals(0xFD, bytes[8 + heartbeatV1(0).length + 8] & 0xFF);
    }

    @Test
    void shouldCountATruncatedLastRecordAndKeepTheOthers() throws IOException {
        Path file = record();
        byte[] whole = Files.readAllBytes(file);
        int cut = 5;
        Files.write(file, Arrays.copyOf(whole, whole.length - cut));
        TlogReader.Result read = TlogReader.read(file);
        assertEquals(3, read.records().size());
        assertEquals(8 + attitude(2).length - cut, read.truncatedTailBytes());
        assertEquals(0, read.corruptRecords());

        // Cut inside the timestamp of the last record too.
        Files.write(file, Arrays.copyOf(whole, whole.length - attitude(2).length - 3));
        read = TlogReader.read(file);
        assertEquals(3, read.records().size());
        assertEquals(5, read.truncatedTailBytes());
    }

    @Test
    void shouldSkipACorruptRecordAndReadTheNextGoodOne() throws IOException {
        Path file = record();
        byte[] bytes = Files.readAllBytes(file);
        int second = 8 + heartbeatV1(0).length;
        bytes[second + 8 + 12] ^= 0x55; // inside the attitude's payload: its CRC no longer holds
        Files.write(file, bytes);
        TlogReader.Result read = TlogReader.read(file);
        assertEquals(1, read.corruptRecords(), read.summary());
        assertEquals(3, read.records().size());
        assertArrayEquals(setpoint(0, 20), read.records().get(1).frame());
        assertEquals(8 + attitude(1).length, read.bytesSkipped());
        assertEquals(0, read.truncatedTailBytes());
    }

    @Test
    void shouldSkipGarbageBetweenRecordsAndABadCycleLine() throws IOException {
        Path file = record();
        byte[] bytes = Files.readAllBytes(file);
        byte[] withGarbage = new byte[bytes.length + 20];
        int second = 8 + heartbeatV1(0).length;
        System.arraycopy(bytes, 0, withGarbage, 0, second);
        Arrays.fill(withGarbage, second, second + 20, (byte) 0xFD);
        System.arraycopy(bytes, second, withGarbage, second + 20, bytes.length - second);
        Files.write(file, withGarbage);
        TlogReader.Result read = TlogReader.read(file);
        assertEquals(4, read.records().size(), read.summary());
        assertEquals(1, read.corruptRecords());
        assertEquals(20, read.bytesSkipped());

        Path cycles = Tlog.cyclesFileOf(file);
        Files.writeString(cycles, Files.readString(cycles) + "tick,3,4");
        CycleLog.Contents c = CycleLog.read(cycles);
        assertEquals(5, c.rows().size(), "start, two ticks, a ground station's frame and a cold start");
        assertEquals(1, c.badLines());
    }

    @Test
    void shouldCountWhatAFullQueueDropsAndNeverBlock() {
        Path file = dir.resolve("small.tlog");
        byte[] frame = attitude(1);
        int offered = 5_000;
        TlogRecorder r = new TlogRecorder(file, 1024, System::nanoTime, () -> EPOCH_NS, java.util.Map.of());
        for (int i = 0; i < offered; i++) {
            r.boardFrame(frame, 0, frame.length, System.nanoTime());
        }
        r.close();
        long dropped = r.dropped();
        long written = r.boardFramesWritten();
        assertEquals(offered, dropped + written);
        assertTrue(dropped > 0, "a 1 KiB queue cannot hold 5000 frames offered at once");
        assertEquals(written, TlogReader.read(file).records().size());
    }
}
