package io.pstr.core.rt;

import java.nio.file.Path;

/** The JVM this process runs on, for starting others on the same one (the board, the replicas, benchmark peers). */
public final class Jvm {

    /** The option every JVM of the project starts with: Agrona reaches {@code jdk.internal.misc} on Java 17. */
    public static final String EXPORTS_OPTION = "--add-exports";
    /** Its value (constants both, for annotations such as JMH's {@code @Fork}). */
    public static final String EXPORTS_VALUE = "java.base/jdk.internal.misc=ALL-UNNAMED";

    private Jvm() {
    }

    /** This JVM's {@code java} launcher: a child runs on the same JDK as its parent, whatever is on the PATH. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
