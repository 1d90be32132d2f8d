package io.pstr.manager;

import io.pstr.core.shm.ReplicaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs each replica as its own JVM process; its output goes to a log file beside its rings. */
public final class ProcessSandboxLauncher implements SandboxLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandboxLauncher.class);

    private final String javaBinary;
    private final String classpath;
    private final List<String> replicaArgs;

    /**
     * @param classpath   the app-flightctl runtime classpath
     * @param replicaArgs mission options given to every replica (both must get the same)
     */
    public ProcessSandboxLauncher(String classpath, List<String> replicaArgs) {
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalArgumentException("no replica classpath: build the project (./pstr build) or set pstr.replica.classpath");
        }
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = classpath;
        this.replicaArgs = List.copyOf(replicaArgs);
    }

    @Override
    public List<String> replicaArgs() {
        return replicaArgs;
    }

    @Override
    public Sandbox launch(Slot slot, int incarnation, ReplicaFiles files) {
        List<String> command = new ArrayList<>(List.of(javaBinary,
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xms32m", "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:+PerfDisableSharedMem",
                "-Dpstr.replica=" + slot + "-" + incarnation,
                "-cp", classpath, "io.pstr.flightctl.ReplicaMain",
                "--dir", files.dir().toString(), "--slot", slot.name()));
        command.addAll(replicaArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()));
        try {
            Process process = builder.start();
            LOG.info("replica {} incarnation {} launched as pid {}", slot, incarnation, process.pid());
            return new ProcessSandbox(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch replica " + slot + ": " + e.getMessage(), e);
        }
    }

    private static final class ProcessSandbox implements Sandbox {
        private final Process process;
        private volatile boolean exited;

        ProcessSandbox(Process process) {
            this.process = process;
            // The JDK's process reaper tells us of the exit as soon as waitpid returns.
            process.onExit().thenRun(() -> exited = true);
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return !exited && process.isAlive();
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }

        @Override
        public boolean dying() {
            return !isAlive() || ProcessExit.dying(process.pid());
        }

        @Override
        public void stop() {
            signal("STOP");
        }

        @Override
        public void resume() {
            signal("CONT");
        }

        private void signal(String name) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
                if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                    throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while signalling " + process.pid(), e);
            }
        }
    }
}
