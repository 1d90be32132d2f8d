package io.pstr.manager.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldUseHugePagesWhereTheKernelOffersThemOnRequestOrToAll() throws IOException {
        assertTrue(ReplicaCommand.HugePages.transparentAvailable(write("always [madvise] never\n")));
        assertTrue(ReplicaCommand.HugePages.transparentAvailable(write("[always] madvise never\n")));
        assertFalse(ReplicaCommand.HugePages.transparentAvailable(write("always madvise [never]\n")));
        assertFalse(ReplicaCommand.HugePages.transparentAvailable(dir.resolve("absent")), "no such file: a kernel without them");
    }

    @Test
    void shouldAskForHugePagesOnlyWhenTold() {
        assertTrue(ReplicaCommand.jvmOptions(true).contains("-XX:+UseTransparentHugePages"));
        assertFalse(ReplicaCommand.jvmOptions(false).contains("-XX:+UseTransparentHugePages"));
        assertEquals(ReplicaCommand.jvmOptions(false), ReplicaCommand.jvmOptions(true).subList(0, ReplicaCommand.jvmOptions(false).size()));
        assertEquals(ReplicaCommand.JVM_OPTIONS.contains("-XX:+UseTransparentHugePages"), ReplicaCommand.onHugePages());
    }

    private Path write(String content) throws IOException {
        Path f = Files.createTempFile(dir, "enabled", "");
        Files.writeString(f, content);
        return f;
    }
}
