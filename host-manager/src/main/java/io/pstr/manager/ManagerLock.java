package io.pstr.manager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One host manager per run directory: an exclusive lock on {@value #FILE_NAME} that the kernel releases when
 * the process goes, however it goes (SIGKILL included). A manager re-attaching to surviving replicas takes it
 * first, so it can never run beside the manager it replaces, nor beside a second re-attaching one: two
 * managers would mean two holders.
 */
final class ManagerLock implements AutoCloseable {

    static final String FILE_NAME = "manager.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ManagerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws IllegalStateException when another live host manager holds the run directory */
    static ManagerLock acquire(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                throw new IllegalStateException(owned(ch, runDir));
            }
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new ManagerLock(ch, l);
        } catch (OverlappingFileLockException e) {
            close(ch);
            throw new IllegalStateException("a host manager in this process already runs in " + runDir, e);
        } catch (IOException e) {
            close(ch);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            close(ch);
            throw e;
        }
    }

    private static String owned(FileChannel ch, Path runDir) {
        String pid = "?";
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
            ch.read(b, 0);
            pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            pid = "? (" + e.getMessage() + ")";
        }
        return "another host manager (pid " + pid + ") still runs in " + runDir + ": stop it first; only one manager may "
                + "drive the replicas";
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing held
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close releases it too
        }
        close(channel);
    }
}
