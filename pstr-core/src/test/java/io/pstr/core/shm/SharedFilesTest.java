package io.pstr.core.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory and every shared-memory file are private to their owner, whatever the umask. */
class SharedFilesTest {

    @TempDir
    Path temp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void shouldCreateEveryReplicaFileOwnerOnly() throws IOException {
        ReplicaFiles files = new ReplicaFiles(SharedFiles.privateDirectory(temp.resolve("run").resolve("A-1")));
        RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES).close();
        RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES).close();
        ReplicaStatusFile.create(files.status()).close();
        assertEquals("rwx------", mode(files.dir()));
        for (Path p : new Path[] {files.input(), files.output(), files.status()}) {
            assertEquals("rw-------", mode(p), p.toString());
        }
        // The direct channel's endpoint files, in the run directory's channel directory.
        try (io.pstr.core.channel.ChannelRegistry channels = new io.pstr.core.channel.ChannelRegistry(files.channelDir())) {
            channels.register(new io.pstr.core.channel.ChannelAddress(java.util.UUID.randomUUID(), 1));
            assertEquals("rwx------", mode(files.channelDir()));
            try (var listing = Files.list(files.channelDir())) {
                List<Path> endpoints = listing.toList();
                assertFalse(endpoints.isEmpty(), "an endpoint file was made");
                for (Path p : endpoints) {
                    assertEquals("rw-------", mode(p), p.toString());
                }
            }
        }
    }

    @Test
    void shouldTightenAnExistingDirectoryAndReplaceAWorldReadableFile() throws IOException {
        Path dir = Files.createDirectory(temp.resolve("open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        SharedFiles.privateDirectory(dir);
        assertEquals("rwx------", mode(dir));

        Path stale = Files.writeString(dir.resolve("status.dat"), "left by someone");
        Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-rw-rw-"));
        ReplicaStatusFile.create(stale).close();
        assertEquals("rw-------", mode(stale), "a fresh private file, not the old one reused");
        assertEquals(ReplicaStatusFile.LENGTH_BYTES, Files.size(stale));
    }

    @Test
    void shouldBringEveryPageOfAMappedFileIntoMemoryWhenItIsOpened() throws IOException {
        MappedByteBuffer created = SharedFiles.createMapped(temp.resolve("created.ring"), 1 << 20);
        assertTrue(created.isLoaded(), "every page of a created file is in memory before its first write");
        Path sparse = temp.resolve("sparse.ring");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        MappedByteBuffer plain;
        try (FileChannel c = FileChannel.open(sparse, StandardOpenOption.READ)) {
            plain = c.map(FileChannel.MapMode.READ_ONLY, 0, 1 << 20);
        }
        assertFalse(plain.isLoaded(), "a file of holes is not in memory until touched (else this test proves nothing)");
        assertTrue(SharedFiles.mapExisting(sparse).isLoaded(), "every page of an opened file is in memory");
    }

    @Test
    void shouldRefuseToMapAnEmptyFile() throws IOException {
        Path empty = Files.createFile(temp.resolve("empty.ring"));
        assertThrows(IllegalStateException.class, () -> SharedFiles.mapExisting(empty));
    }

    @Test
    void shouldPutTheSharedMemoryFilesOfARunOnTheTmpfsAndNameThemAfterTheRun() throws IOException {
        Path run = temp.resolve("demo-1");
        Path shm = SharedFiles.tmpfsDirectoryFor(run);
        Path devShm = Path.of("/dev/shm");
        if (Files.isDirectory(devShm) && "tmpfs".equals(Files.getFileStore(devShm).type())) {
            assertEquals(devShm, shm.getParent());
            assertTrue(shm.getFileName().toString().contains("demo-1"), shm.toString());
            assertEquals(shm, SharedFiles.tmpfsDirectoryFor(run), "the same run, the same directory");
            assertNotEquals(shm, SharedFiles.tmpfsDirectoryFor(temp.resolve("other").resolve("demo-1")),
                    "two runs of one name in different places do not share one");
        } else {
            assertEquals(run, shm, "no tmpfs: the run directory itself");
        }
    }

    @Test
    void shouldDeleteATreeButNotWhatItsLinksPointTo() throws IOException {
        Path kept = Files.writeString(temp.resolve("kept.txt"), "x");
        Path tree = SharedFiles.privateDirectory(temp.resolve("tree").resolve("A-1"));
        Files.writeString(tree.resolve("replica.log"), "log");
        Files.createSymbolicLink(tree.resolve("link"), kept);
        SharedFiles.deleteTree(temp.resolve("tree"));
        assertFalse(Files.exists(temp.resolve("tree")));
        assertTrue(Files.exists(kept));
        SharedFiles.deleteTree(temp.resolve("tree"));
    }
}
