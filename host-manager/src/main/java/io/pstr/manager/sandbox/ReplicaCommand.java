package io.pstr.manager.sandbox;

import io.pstr.core.shm.ReplicaFiles;
import io.pstr.manager.Slot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of one replica incarnation: what a sandbox launcher runs, inside whatever sandbox it makes. */
@FunctionalInterface
public interface ReplicaCommand {

    List<String> command(Slot slot, int incarnation, ReplicaFiles files);

    /** Every replica JVM's options (a small footprint), the class-data archive's training JVM's too. */
    List<String> JVM_OPTIONS = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-XX:+UseSerialGC", "-Xms32m", "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:+PerfDisableSharedMem");

    /** What a replica's start does, for the class-data archive ({@link ReplicaClassArchive}). */
    String TRAINING_MAIN = "io.pstr.flightctl.ReplicaTraining";

    /** This JVM's java binary. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The replica JVM ({@code io.pstr.flightctl.ReplicaMain}) with small-footprint JVM options, mapping the
     * replicas' class-data archive (made here if this build has none yet).
     *
     * @param classpath   the app-flightctl runtime classpath
     * @param replicaArgs options given to every replica after {@code --dir} and {@code --slot} (both must get the same mission)
     */
    static ReplicaCommand replica(String classpath, List<String> replicaArgs) {
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalArgumentException("no replica classpath: build the project (./pstr build) or set pstr.replica.classpath");
        }
        String java = javaBinary();
        List<String> args = List.copyOf(replicaArgs);
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        ReplicaClassArchive.prepare(java, JVM_OPTIONS, classpath, TRAINING_MAIN)
                .ifPresent(archive -> jvm.add("-XX:SharedArchiveFile=" + archive));
        return (slot, incarnation, files) -> {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvm);
            command.addAll(List.of(
                    // Its collections and safepoints, beside its log: a replica that went quiet says why.
                    "-Xlog:gc,safepoint:file=" + files.dir().resolve("jvm.log") + ":time,uptime",
                    "-Dpstr.replica=" + slot + "-" + incarnation,
                    "-cp", classpath, "io.pstr.flightctl.ReplicaMain",
                    "--dir", files.dir().toString(), "--slot", slot.name()));
            command.addAll(args);
            return command;
        };
    }
}
