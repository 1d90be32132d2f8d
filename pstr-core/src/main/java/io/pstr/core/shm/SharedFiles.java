package io.pstr.core.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Creates and maps the shared-memory files of a run directory, readable by their owner only. */
public final class SharedFiles {

    private SharedFiles() {
    }

    /** Creates a directory (and parents) with mode 0700; an existing one is tightened to 0700. */
    public static Path privateDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create private directory " + dir, e);
        }
    }

    /**
     * Where a run's shared-memory files (rings, status files, channel endpoints) belong: a private directory on
     * the tmpfs at {@code /dev/shm}, named after {@code runDir}, or {@code runDir} itself where there is no such
     * tmpfs. Files mapped and written every control cycle must not live on a journalling disk file system: a
     * write to a mapped page that writeback has just cleaned waits there for the file system's journal (tens of
     * milliseconds on a busy disk), in the middle of a replica's cycle.
     */
    public static Path tmpfsDirectoryFor(Path runDir) {
        Path shm = Path.of("/dev/shm");
        try {
            if (!Files.isDirectory(shm) || !Files.isWritable(shm) || !"tmpfs".equals(Files.getFileStore(shm).type())) {
                return runDir;
            }
        } catch (IOException e) {
            return runDir;
        }
        Path absolute = runDir.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? "root" : absolute.getFileName().toString();
        return shm.resolve("pstr-" + System.getProperty("user.name", "user") + "-" + name + "-"
                + Integer.toHexString(absolute.toString().hashCode()));
    }

    /** Deletes {@code dir} and everything under it (symbolic links themselves, not what they point to); no-op if absent. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Creates a new zero-filled file of {@code lengthBytes} with mode 0600 and maps it read-write, every page in
     * memory and in this process's page table (see {@link #resident}).
     */
    public static MappedByteBuffer createMapped(Path file, int lengthBytes) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("shared file " + file + " appeared while being created", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared file " + file, e);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return resident(channel.map(FileChannel.MapMode.READ_WRITE, 0, lengthBytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map shared file " + file, e);
        }
    }

    /** Maps an existing shared file read-write, whole, every page in memory and in this process's page table. */
    public static MappedByteBuffer mapExisting(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0 || size > Integer.MAX_VALUE) {
                throw new IllegalStateException("shared file " + file + " has an unusable size " + size);
            }
            return resident(channel.map(FileChannel.MapMode.READ_WRITE, 0, size));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map shared file " + file, e);
        }
    }

    /**
     * Touches every page of a fresh mapping, so that the page faults happen here, once, when the file is opened, and
     * not in a control cycle. A ring is written and read at an advancing position: without this, its first lap takes
     * page faults in the writer (each page allocated as it is first written, a page holding a few dozen small
     * packets) and in the reader (mapped into its process). A perf trace of one peer of a paced 64-byte channel
     * ping-pong in its first lap counted 132 faults in 8 s, on its two endpoint files' pages in order; 2 with the
     * pages brought in at open. Costs the file's size in memory from the start (a few MB for a run).
     */
    private static MappedByteBuffer resident(MappedByteBuffer mapped) {
        return mapped.load();
    }
}
