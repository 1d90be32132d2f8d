package io.pstr.manager.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.rt.Jvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@link ReplicaClassArchive} puts an archive and when it makes a new one; a replica JVM mapping a real one
 * is {@code ReplicaClassArchiveSystemTest}'s (system-tests, where the replica's classpath is).
 */
class ReplicaClassArchiveTest {

    private static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx64m");

    @TempDir
    Path dir;

    private Path jar(Path in, String name) throws IOException {
        Path jar = Files.createDirectories(in).resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream empty = new JarOutputStream(out)) {
            empty.finish();
        }
        return jar;
    }

    @Test
    void shouldPutTheArchiveBesideTheFirstJarNamedByAHashOfWhatItDependsOn() throws IOException {
        Path app = jar(dir.resolve("target"), "app.jar");
        jar(dir.resolve("target/lib"), "a.jar");
        String classpath = app + ":" + dir.resolve("target/lib") + "/*";

        Path archive = ReplicaClassArchive.location("java", OPTIONS, classpath).orElseThrow();
        assertEquals(app.getParent().toAbsolutePath(), archive.getParent());
        assertTrue(archive.getFileName().toString().matches("replica-classes-[0-9a-f]{16}\\.jsa"), archive.toString());
        assertEquals(archive, ReplicaClassArchive.location("java", OPTIONS, classpath).orElseThrow(), "the same inputs, the same file");
        assertNotEquals(archive, ReplicaClassArchive.location("java", List.of("-XX:+UseSerialGC", "-Xmx96m"), classpath).orElseThrow(),
                "other JVM options");
        assertNotEquals(archive, ReplicaClassArchive.location("/other/java", OPTIONS, classpath).orElseThrow(), "another JVM");
    }

    @Test
    void shouldNameANewArchiveWhenAJarOfTheWildcardIsRebuilt() throws IOException {
        Path app = jar(dir.resolve("target"), "app.jar");
        Path lib = jar(dir.resolve("target/lib"), "a.jar");
        String classpath = app + ":" + dir.resolve("target/lib") + "/*";
        Path before = ReplicaClassArchive.location("java", OPTIONS, classpath).orElseThrow();

        Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis() + 5_000));
        assertNotEquals(before, ReplicaClassArchive.location("java", OPTIONS, classpath).orElseThrow(), "a jar's time changed");

        jar(dir.resolve("target/lib"), "b.jar");
        Path withMore = ReplicaClassArchive.location("java", OPTIONS, classpath).orElseThrow();
        assertNotEquals(before, withMore, "a jar was added to the wildcard's directory");
    }

    @Test
    void shouldMakeNoArchiveForAClasspathWithClassDirectoriesOrNoJar() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes/io"));
        Files.writeString(classes.resolve("A.class"), "x");
        Path app = jar(dir.resolve("target"), "app.jar");
        assertEquals(Optional.empty(), ReplicaClassArchive.location("java", OPTIONS, app + ":" + dir.resolve("classes")),
                "the JVM archives classes from jars only");
        assertEquals(Optional.empty(), ReplicaClassArchive.location("java", OPTIONS, dir.resolve("missing.jar").toString()));
        Files.createDirectories(dir.resolve("empty"));
        assertTrue(ReplicaClassArchive.location("java", OPTIONS, dir.resolve("empty") + ":" + app).isPresent(),
                "an empty directory does not stop the JVM from archiving");
    }

    @Test
    void shouldStartReplicasWithoutAnArchiveWhenTheTrainingFailsAndLeaveNothingBehind() throws IOException {
        Path app = jar(dir.resolve("target"), "app.jar");

        Optional<Path> archive = ReplicaClassArchive.prepare(Jvm.javaBinary(), OPTIONS, app.toString(), "no.such.TrainingMain");

        assertEquals(Optional.empty(), archive, "a training JVM that cannot start its class makes no archive");
        try (Stream<Path> left = Files.list(app.getParent())) {
            assertEquals(List.of(app), left.toList(), "no partial archive left beside the jar");
        }
    }

    @Test
    void shouldMakeNoArchiveWhenTurnedOff() throws IOException {
        Path app = jar(dir.resolve("target"), "app.jar");
        System.setProperty(ReplicaClassArchive.ENABLED, "false");
        try {
            assertEquals(Optional.empty(), ReplicaClassArchive.prepare(Jvm.javaBinary(), OPTIONS, app.toString(), "x.Y"));
        } finally {
            System.clearProperty(ReplicaClassArchive.ENABLED);
        }
    }
}
