package io.pstr.core.rt;

import java.nio.file.Path;

/** The JVM this process runs on, for starting others on the same one (the board, the replicas, benchmark peers). */
public final class Jvm {

    private Jvm() {
    }

    /** This JVM's {@code java} launcher: a child runs on the same JDK as its parent, whatever is on the PATH. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
