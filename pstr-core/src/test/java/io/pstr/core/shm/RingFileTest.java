package io.pstr.core.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldCarryMessagesInOrderBetweenTwoMappingsOfTheSameFile() {
        Path file = dir.resolve("input.ring");
        try (RingFile writer = RingFile.create(file, 1 << 12); RingFile reader = RingFile.open(file)) {
            Messages messages = new Messages();
            byte[] frame = {(byte) 0xFD, 1, 2, 3};
            assertTrue(messages.frame(writer.ring(), 7, 100, 200, new UnsafeBuffer(frame), 0, frame.length));
            assertTrue(messages.tick(writer.ring(), 42, 300, 20));
            assertTrue(messages.role(writer.ring(), 3, true, 2, "6f1c2f7e-0c43-4e6a-9d0e-2b1f3c4d5e6f/1"));

            List<String> seen = new ArrayList<>();
            int read = reader.ring().read((type, buffer, index, length) -> {
                switch (type) {
                    case MessageTypes.FRAME -> {
                        byte[] copy = new byte[length - Messages.FRAME_BYTES];
                        buffer.getBytes(index + Messages.FRAME_BYTES, copy);
                        assertArrayEquals(frame, copy);
                        seen.add("frame" + buffer.getLong(index + Messages.FRAME_HOST_SEQ));
                    }
                    case MessageTypes.TICK -> seen.add("tick" + buffer.getLong(index + Messages.TICK_CYCLE));
                    case MessageTypes.ROLE -> seen.add("role" + buffer.getLong(index + Messages.ROLE_EPOCH)
                            + buffer.getStringUtf8(index + Messages.ROLE_PEER_ADDRESS));
                    default -> seen.add("?" + type);
                }
            });
            assertEquals(3, read);
            assertEquals(List.of("frame7", "tick42", "role36f1c2f7e-0c43-4e6a-9d0e-2b1f3c4d5e6f/1"), seen);
        }
    }

    @Test
    void shouldRefuseWritesWhenFullInsteadOfOverwriting() {
        try (RingFile ring = RingFile.create(dir.resolve("small.ring"), 1 << 10)) {
            Messages messages = new Messages();
            int written = 0;
            while (messages.tick(ring.ring(), written, 0, 20)) {
                written++;
            }
            assertTrue(written > 10);
            assertFalse(messages.tick(ring.ring(), written, 0, 20), "a full ring says no, it never overwrites");
            assertEquals(written, ring.ring().read((t, b, i, l) -> { }, Integer.MAX_VALUE));
        }
    }

    @Test
    void shouldCreateFilesReadableByTheOwnerOnly() throws Exception {
        Path run = SharedFiles.privateDirectory(dir.resolve("run"));
        try (RingFile ring = RingFile.create(run.resolve("x.ring"), 1 << 10)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ring.path())));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
    }

    @Test
    void shouldRejectARingCapacityThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> RingFile.create(dir.resolve("bad.ring"), 1000));
    }

    @Test
    void shouldShareStatusCountersBetweenMappings() {
        Path file = dir.resolve("status.dat");
        try (ReplicaStatusFile writer = ReplicaStatusFile.create(file); ReplicaStatusFile reader = ReplicaStatusFile.open(file)) {
            writer.set(ReplicaStatusFile.Field.PID, 1234);
            writer.increment(ReplicaStatusFile.Field.CYCLES_RUN);
            writer.increment(ReplicaStatusFile.Field.CYCLES_RUN);
            writer.max(ReplicaStatusFile.Field.STEP_NS_MAX, 50);
            writer.max(ReplicaStatusFile.Field.STEP_NS_MAX, 10);
            assertEquals(1234, reader.get(ReplicaStatusFile.Field.PID));
            assertEquals(2, reader.get(ReplicaStatusFile.Field.CYCLES_RUN));
            assertEquals(50, reader.get(ReplicaStatusFile.Field.STEP_NS_MAX));
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotAStatusFile() throws Exception {
        Path file = dir.resolve("junk.dat");
        Files.write(file, new byte[4096]);
        assertThrows(IllegalStateException.class, () -> ReplicaStatusFile.open(file));
    }
}
