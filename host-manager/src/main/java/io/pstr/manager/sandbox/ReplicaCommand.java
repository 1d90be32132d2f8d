package io.pstr.manager.sandbox;

import io.pstr.core.rt.Jvm;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.manager.Slot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of one replica incarnation: what a sandbox launcher runs, inside whatever sandbox it makes. */
@FunctionalInterface
public interface ReplicaCommand {

    List<String> command(Slot slot, int incarnation, ReplicaFiles files);

    /** The option that puts a replica JVM's heap and code cache on transparent huge pages. */
    String HUGE_PAGES_OPTION = "-XX:+UseTransparentHugePages";

    /** Every replica JVM's options (a small footprint), the class-data archive's training JVM's too. */
    List<String> JVM_OPTIONS = jvmOptions(Boolean.parseBoolean(System.getProperty(HugePages.ENABLED_PROPERTY, "true"))
            && HugePages.transparentAvailable(HugePages.SYSFS));

    /**
     * The replica JVM's options; with {@code hugePages}, its Java heap and code cache on transparent huge pages.
     * Why: a replica killed with SIGKILL cannot free anything itself; the kernel frees its whole address space
     * on one CPU, in kernel mode, right after the lifeline woke the conductor, while the successor must fly
     * its first cycles on the other. Measured on the 2-core VM (a 109 MB JVM of these options, 12 kills
     * each, twice): 12-13 ms from SIGKILL to the reaped process with 4 KiB pages, 4.7 ms with huge pages.
     */
    static List<String> jvmOptions(boolean hugePages) {
        List<String> options = new ArrayList<>(List.of(Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE,
                "-XX:+UseSerialGC", "-Xms32m", "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:+PerfDisableSharedMem"));
        if (hugePages) {
            options.add(HUGE_PAGES_OPTION);
        }
        return List.copyOf(options);
    }

    /** Whether replica JVMs run on transparent huge pages here (said beside benchmark figures). */
    static boolean onHugePages() {
        return JVM_OPTIONS.contains(HUGE_PAGES_OPTION);
    }

    /** Whether the kernel offers transparent huge pages to a process that asks (madvise) or to all. */
    final class HugePages {
        /** {@code -Dpstr.replica.hugePages=false}: replicas on 4 KiB pages even where huge pages are offered. */
        public static final String ENABLED_PROPERTY = "pstr.replica.hugePages";
        static final Path SYSFS = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

        private HugePages() {
        }

        /** True when {@code enabled} (the sysfs file, e.g. "always [madvise] never") selects always or madvise. */
        static boolean transparentAvailable(Path enabled) {
            try {
                String s = Files.readString(enabled);
                return s.contains("[always]") || s.contains("[madvise]");
            } catch (IOException | SecurityException e) {
                return false;
            }
        }
    }

    /** What a replica's start does, for the class-data archive ({@link ReplicaClassArchive}). */
    String TRAINING_MAIN = "io.pstr.flightctl.ReplicaTraining";

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
        String java = Jvm.javaBinary();
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
