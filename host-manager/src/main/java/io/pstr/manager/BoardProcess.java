package io.pstr.manager;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.pstr.core.rt.Jvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The virtual board (hil-rig) in its own JVM, as the demo and the system tests run it. */
public final class BoardProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BoardProcess.class);
    private static final String READY = "board listening on ";
    private static final String PTY = "board pty: ";

    private final Process process;
    private final String endpoint;
    private final Path record;

    private BoardProcess(Process process, String endpoint, Path record) {
        this.process = process;
        this.endpoint = endpoint;
        this.record = record;
    }

    /**
     * Starts the board on an ephemeral TCP port and waits until it listens.
     * @param extraArgs more BoardMain options (e.g. {@code --failsafe-timeout-ms})
     */
    public static BoardProcess start(String classpath, Path dir, List<String> extraArgs, long timeoutMs) {
        return start(classpath, dir, false, extraArgs, timeoutMs);
    }

    /**
     * Starts the board and waits until it serves its link.
     * @param pty true: the board makes a socat pty pair and {@link #endpoint()} is {@code serial:PATH:115200} of
     *            the host's side, a real serial device; false: an ephemeral TCP port
     */
    public static BoardProcess start(String classpath, Path dir, boolean pty, List<String> extraArgs, long timeoutMs) {
        Path record = dir.resolve("board.csv");
        List<String> command = new ArrayList<>(jvm());
        command.addAll(List.of("-Xlog:gc,safepoint:file=" + dir.resolve("board-jvm.log") + ":time,uptime",
                "-cp", classpath, "io.pstr.hilrig.BoardMain", "--link", pty ? "pty:" : "tcp-listen:0", "--record", record.toString(),
                // Its input is a pipe from this process: when this process goes, killed or not, the board goes too.
                "--exit-with-parent"));
        command.addAll(extraArgs);
        Path log = dir.resolve("board.log");
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            CompletableFuture<String> ptyPath = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith(PTY)) {
                            ptyPath.complete(line.substring(PTY.length()).trim());
                        }
                        if (line.startsWith(READY)) {
                            ready.complete(line.substring(READY.length()).trim());
                        }
                        LOG.debug("board: {}", line);
                    }
                } catch (IOException e) {
                    ready.completeExceptionally(e);
                }
                ready.completeExceptionally(new IllegalStateException("the board exited before it listened; see " + log));
            }, "board-stdout");
            reader.setDaemon(true);
            reader.start();
            String listening = ready.get(timeoutMs, TimeUnit.MILLISECONDS);
            if (pty) {
                return new BoardProcess(p, "serial:" + ptyPath.getNow("") + ":115200", record);
            }
            String port = listening.substring(listening.lastIndexOf(':') + 1);
            return new BoardProcess(p, "tcp:127.0.0.1:" + port, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the virtual board", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the virtual board did not start: " + e.getMessage() + " (log: " + log + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the board", e);
        }
    }

    /**
     * The board's garbage collector. Its record is the judge of every gap, so its own pauses must not show in it: the
     * serial collector's young collections stopped it for 1-5 ms, the first two for 15-27 ms (a 39 ms setpoint
     * interval in a traced failover run was one of them); Shenandoah collects beside it, pausing under 1 ms. It
     * touches its whole heap in time (128 MB took the whole system over 600 MB RSS in a full failover benchmark); the
     * board keeps about 6 MB live. A JDK built without Shenandoah (the board runs on this JVM's) gets the serial
     * collector, and a warning that the gaps it records then hold its pauses.
     */
    static List<String> collector() {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("UseShenandoahGC");
            return List.of("-XX:+UseShenandoahGC", "-Xmx48m");
        } catch (IllegalArgumentException e) {
            LOG.warn("this JDK has no Shenandoah collector: the virtual board runs the serial one, and the gaps it "
                    + "records include its own pauses (1-5 ms, up to about 25 ms in its first collections)");
            return List.of("-XX:+UseSerialGC", "-Xmx128m");
        }
    }

    /**
     * The board's JVM, up to its class path: this JDK's {@code java} with the board's {@link #collector}. The demo's and
     * the tests' board and {@code pstr board} start with it.
     */
    public static List<String> jvm() {
        List<String> jvm = new ArrayList<>(List.of(Jvm.javaBinary(), Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE));
        jvm.addAll(collector());
        return jvm;
    }

    /** The endpoint the host manager should connect to. */
    public String endpoint() {
        return endpoint;
    }

    public Path record() {
        return record;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, so the board flushes its record; SIGKILL if it does not stop. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
