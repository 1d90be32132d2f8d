package io.pstr.manager.sandbox;

import io.pstr.core.shm.SharedFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas' class-data archive (the JVM's application class-data sharing, JDK 13+ dynamic archives): made
 * once per build by a training JVM that does what a replica's start does ({@code io.pstr.flightctl.ReplicaTraining})
 * under {@code -XX:ArchiveClassesAtExit}, then mapped by every replica JVM ({@code -XX:SharedArchiveFile}) instead
 * of loading, verifying and linking its classes again. A failover's successor starts with a third less CPU
 * (measured here: 1.65 → 1.15 s of CPU, 1.22 → 0.87 s to the end of its warm-up), CPU that the flying replica and
 * the host would otherwise share with it on a small machine.
 *
 * <p>The archive lies beside the classpath's first jar (the build's output, visible inside a jail) under a name
 * that hashes the java binary, the JVM options and every classpath jar's path, size and time: a rebuild or
 * another JDK makes a new one, and the JVM checks the classpath again when it maps it ({@code -Xshare:auto}: a
 * mismatch means a normal start, never a failed one). Where no archive can be made — a directory on the
 * classpath, a read-only build, a training that fails — replicas start as before, with a warning.
 */
public final class ReplicaClassArchive {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaClassArchive.class);

    /** System property: {@code false} starts replicas without an archive. */
    public static final String ENABLED = "pstr.replica.classArchive";
    static final String PREFIX = "replica-classes-";
    static final String SUFFIX = ".jsa";
    private static final long TRAINING_TIMEOUT_S = 120;

    /** Archives made or looked up in this JVM, by their file name: a classpath is hashed and trained once. */
    private static final Map<Path, Optional<Path>> KNOWN = new ConcurrentHashMap<>();

    private ReplicaClassArchive() {
    }

    /**
     * The archive for this classpath, made now if there is none (a training JVM: seconds, once per build).
     *
     * @param java         the java binary replicas run with
     * @param jvmOptions   the replicas' JVM options (the archive is made with the same)
     * @param classpath    the replicas' classpath ({@code dir/*} wildcards allowed)
     * @param trainingMain the class that does a replica's start and exits
     * @return the archive, or empty (replicas start without one; said once, at WARN)
     */
    public static Optional<Path> prepare(String java, List<String> jvmOptions, String classpath, String trainingMain) {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED, "true"))) {
            return Optional.empty();
        }
        Optional<Path> archive;
        try {
            archive = location(java, jvmOptions, classpath);
        } catch (IOException e) {
            LOG.warn("replica class-data archive: cannot read the replicas' classpath ({}); replicas start without one", e.toString());
            return Optional.empty();
        }
        if (archive.isEmpty()) {
            return Optional.empty();
        }
        return KNOWN.computeIfAbsent(archive.get(), a -> Files.isRegularFile(a) ? Optional.of(a)
                : train(java, jvmOptions, classpath, trainingMain, a));
    }

    /**
     * Where this classpath's archive lies, or empty (with the reason logged) where the JVM could not archive it:
     * it archives classes from jars only.
     */
    static Optional<Path> location(String java, List<String> jvmOptions, String classpath) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (entry.endsWith("*")) {
                Path dir = Path.of(entry.substring(0, entry.length() - 1));
                if (Files.isDirectory(dir)) {
                    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
                        List<Path> sorted = new ArrayList<>();
                        found.forEach(sorted::add);
                        sorted.sort(null);
                        jars.addAll(sorted);
                    }
                }
                continue;
            }
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                try (Stream<Path> inside = Files.list(p)) {
                    if (inside.findAny().isPresent()) {
                        LOG.info("replica class-data archive: none, the classpath holds a directory ({}); only jars can be archived", p);
                        return Optional.empty();
                    }
                }
            } else if (Files.isRegularFile(p)) {
                jars.add(p);
            }
        }
        if (jars.isEmpty()) {
            LOG.warn("replica class-data archive: no jar on the replicas' classpath {}; replicas start without one", classpath);
            return Optional.empty();
        }
        return Optional.of(jars.get(0).toAbsolutePath().getParent().resolve(PREFIX + key(java, jvmOptions, classpath, jars) + SUFFIX));
    }

    /** A hash of everything the archive depends on: the JVM, its options, the classpath as written and each jar. */
    static String key(String java, List<String> jvmOptions, String classpath, List<Path> jars) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
        StringBuilder text = new StringBuilder()
                .append(java).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n')
                .append(String.join(" ", jvmOptions)).append('\n')
                .append(classpath).append('\n');
        for (Path jar : jars) {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            text.append(jar.toAbsolutePath()).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append('\n');
        }
        return HexFormat.of().formatHex(sha.digest(text.toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** Runs the training JVM into a private file and moves it into place: a concurrent host makes its own and one wins. */
    private static Optional<Path> train(String java, List<String> jvmOptions, String classpath, String trainingMain, Path archive) {
        Path dir = archive.getParent();
        Path partial = null;
        Path scratch = null;
        Path output = null;
        long startNs = System.nanoTime();
        LOG.info("replica class-data archive: making {} (once per build: a replica's start, a few seconds)", archive);
        try {
            partial = Files.createTempFile(dir, PREFIX, ".partial");
            Files.delete(partial);
            scratch = Files.createTempDirectory(PREFIX + "training-");
            output = Files.createTempFile(PREFIX, ".log");
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmOptions);
            command.add("-XX:ArchiveClassesAtExit=" + partial);
            command.addAll(List.of("-cp", classpath, trainingMain, scratch.resolve("run").toString()));
            Process training = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!training.waitFor(TRAINING_TIMEOUT_S, TimeUnit.SECONDS)) {
                training.destroyForcibly();
                throw new IOException("the training JVM did not finish in " + TRAINING_TIMEOUT_S + " s");
            }
            if (training.exitValue() != 0 || !Files.isRegularFile(partial)) {
                throw new IOException("the training JVM exited with " + training.exitValue() + (Files.isRegularFile(partial) ? "" : ", no archive")
                        + ": " + tail(output));
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            removeStale(dir, archive);
            LOG.info("replica class-data archive: {} made in {} ms ({} KiB)", archive.getFileName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), Files.size(archive) / 1024);
            return Optional.of(archive);
        } catch (IOException e) {
            LOG.warn("replica class-data archive: cannot make {} ({}); replicas start without one", archive, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            deleteQuietly(partial);
            deleteQuietly(output);
            if (scratch != null) {
                deleteTree(scratch);
            }
        }
    }

    /** Archives of this directory older than its newest jar: made for jars a rebuild has replaced. */
    private static void removeStale(Path dir, Path kept) throws IOException {
        long newestJar = 0;
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".jar")) {
                    newestJar = Math.max(newestJar, Files.getLastModifiedTime(f).toMillis());
                } else if (name.startsWith(PREFIX) && name.endsWith(SUFFIX) && !f.equals(kept)) {
                    archives.add(f);
                }
            }
        }
        for (Path a : archives) {
            if (Files.getLastModifiedTime(a).toMillis() < newestJar) {
                deleteQuietly(a);
            }
        }
    }

    private static String tail(Path output) {
        try {
            String text = Files.readString(output, StandardCharsets.UTF_8).strip();
            return text.length() <= 600 ? text : "…" + text.substring(text.length() - 600);
        } catch (IOException e) {
            return "(its output could not be read: " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.toString());
        }
    }

    private static void deleteTree(Path root) {
        try {
            SharedFiles.deleteTree(root);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", root, e.toString());
        }
    }
}
