package io.pstr.core.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pstr-core's JNI library: loaded wherever the build made it, from classes or a jar, and a call's result or -errno. */
class SyscallTest {

    private static final boolean X86_64 = "amd64".equals(System.getProperty("os.arch"));

    @Test
    void shouldLoadTheLibraryWhereTheBuildMadeIt() {
        assumeTrue(Syscall.class.getResource(Syscall.RESOURCE) != null,
                "this build has no JNI library (no C compiler): the calls go through JNA");
        assertTrue(Syscall.AVAILABLE, "the library the build made did not load");
    }

    @Test
    void shouldReturnTheCallsResultOrMinusErrno() {
        assumeTrue(Syscall.AVAILABLE, "no JNI library in this build");
        long getpid = X86_64 ? 39 : 172;
        assertEquals(ProcessHandle.current().pid(), Syscall.invoke(getpid, 0, 0, 0, 0, 0, 0));
        // FUTEX_WAIT on a word that does not hold the value expected: EAGAIN (11) at once, as minus errno.
        UnsafeBuffer word = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(8));
        word.putIntVolatile(0, 1);
        long futex = X86_64 ? 202 : 98;
        assertEquals(-11, Syscall.invoke(futex, word.addressOffset(), 0, 0, 0, 0, 0));
    }

    @Test
    void shouldLoadTheLibraryFromAJarAndLeaveNoCopyBehind(@TempDir Path dir) throws Exception {
        URL built = Syscall.class.getResource(Syscall.RESOURCE);
        assumeTrue(built != null, "this build has no JNI library (no C compiler)");
        byte[] library;
        try (InputStream in = built.openStream()) {
            library = in.readAllBytes();
        }
        Path jar = dir.resolve("core.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(Syscall.RESOURCE.substring(1)));
            j.write(library);
            j.closeEntry();
        }
        Path unpackInto = Files.createDirectory(dir.resolve("unpacked"));
        String before = System.getProperty("jna.tmpdir");
        System.setProperty("jna.tmpdir", unpackInto.toString());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            URL inJar = loader.getResource(Syscall.RESOURCE.substring(1));
            assertEquals("jar", inJar.getProtocol());
            Syscall.load(inJar, loader);
        } finally {
            if (before == null) {
                System.clearProperty("jna.tmpdir");
            } else {
                System.setProperty("jna.tmpdir", before);
            }
        }
        try (Stream<Path> left = Files.list(unpackInto)) {
            assertEquals(List.of(), left.collect(Collectors.toList()), "the unpacked copy is deleted once loaded");
        }
    }
}
