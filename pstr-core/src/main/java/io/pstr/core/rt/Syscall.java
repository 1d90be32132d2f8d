package io.pstr.core.rt;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux system call through pstr-core's own JNI library ({@code src/main/c/pstr_syscall.c}, built into the classes
 * when the build has a C compiler). The futex calls of the shared-memory doorbells go through it: a message to a
 * sleeping reader costs a wake in the sender and a return from a wait in the reader, and JNA's generic dispatch
 * (direct mapping) made each about a microsecond slower, cold, than this plain JNI call (measured with
 * {@code ./pstr bench channel}, docs/channel.md). Where the library is not in the build, or does not load,
 * {@link #AVAILABLE} is false and callers use JNA.
 */
public final class Syscall {

    private static final Logger LOG = LoggerFactory.getLogger(Syscall.class);
    /** Where the build puts the library for this platform ({@code os.arch} as the JVM names it). */
    static final String RESOURCE = "/io/pstr/core/rt/native/linux-" + System.getProperty("os.arch") + "/libpstrsyscall.so";
    /** Whether {@link #invoke} may be called. */
    public static final boolean AVAILABLE = tryLoad();

    private Syscall() {
    }

    /**
     * System call {@code number} with six arguments (unused ones 0): its result, or minus {@code errno} when it
     * failed (as the kernel itself returns it). Only when {@link #AVAILABLE}.
     */
    public static native long invoke(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    /**
     * Loads the library at {@code url} (the resource {@link #RESOURCE} of {@code loader}): where it is in a directory
     * of classes; from a jar, unpacked by JNA into its own temporary directory, as JNA does its own library, and that
     * copy deleted once loaded (the process keeps its mapping), so that no process leaves one behind.
     */
    static void load(URL url, ClassLoader loader) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) {
            System.load(Path.of(url.toURI()).toString());
            return;
        }
        File copy = Native.extractFromResourcePath(RESOURCE, loader);
        try {
            System.load(copy.getAbsolutePath());
        } finally {
            Files.deleteIfExists(copy.toPath());
        }
    }

    private static boolean tryLoad() {
        if (!Platform.isLinux()) {
            return false;
        }
        URL url = Syscall.class.getResource(RESOURCE);
        if (url == null) {
            LOG.info("no JNI system-call library in this build ({}): futex calls go through JNA", RESOURCE);
            return false;
        }
        try {
            load(url, Syscall.class.getClassLoader());
            return true;
        } catch (Exception | UnsatisfiedLinkError e) {
            LOG.warn("the JNI system-call library did not load ({}): futex calls go through JNA", e.toString());
            return false;
        }
    }
}
