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

    /** This JVM's java binary. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The replica JVM ({@code io.pstr.flightctl.ReplicaMain}) with small-footprint JVM options.
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
        return (slot, incarnation, files) -> {
            List<String> command = new ArrayList<>(List.of(java,
                    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                    "-XX:+UseSerialGC", "-Xms32m", "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-Xss512k",
                    "-XX:+PerfDisableSharedMem",
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
