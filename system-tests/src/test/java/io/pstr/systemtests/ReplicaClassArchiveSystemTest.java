package io.pstr.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.rt.Jvm;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.sandbox.ReplicaClassArchive;
import io.pstr.manager.sandbox.ReplicaCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The replicas' class-data archive is made from the real replica code and a replica JVM really maps it. */
@Timeout(300)
class ReplicaClassArchiveSystemTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeAnArchiveThatAReplicaJvmMapsItsOwnClassesFrom() throws Exception {
        String classpath = Classpaths.replica();
        Path archive = ReplicaClassArchive.prepare(Jvm.javaBinary(), ReplicaCommand.JVM_OPTIONS, classpath,
                ReplicaCommand.TRAINING_MAIN).orElseThrow(() -> new AssertionError("no archive for the replicas' classpath"));
        assertTrue(Files.size(archive) > 1_000_000, "an archive of the replica's classes: " + Files.size(archive) + " bytes");
        assertEquals(archive, ReplicaClassArchive.prepare(Jvm.javaBinary(), ReplicaCommand.JVM_OPTIONS, classpath,
                ReplicaCommand.TRAINING_MAIN).orElseThrow(), "asked again, the same archive");

        // -Xshare:on: the JVM refuses to start at all when it cannot map the archive (a normal start would hide that).
        List<String> command = new ArrayList<>();
        command.add(Jvm.javaBinary());
        command.addAll(ReplicaCommand.JVM_OPTIONS);
        command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info:file=" + dir.resolve("classes.log"),
                "-cp", classpath, ReplicaCommand.TRAINING_MAIN, dir.resolve("scratch").toString()));
        Process replica = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        assertTrue(replica.waitFor(240, TimeUnit.SECONDS), "the replica's start finished");
        assertEquals(0, replica.exitValue(), () -> "the replica's start with the archive failed: " + read(dir.resolve("out.log")));

        String loaded = read(dir.resolve("classes.log"));
        assertTrue(loaded.contains("io.pstr.flightctl.ReplicaAgent source: shared objects file (top)"),
                "the replica's own agent came from the archive");
        assertTrue(loaded.contains("io.dronefleet.mavlink.common.Attitude source: shared objects file (top)"),
                "a library class came from the archive");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }
}
