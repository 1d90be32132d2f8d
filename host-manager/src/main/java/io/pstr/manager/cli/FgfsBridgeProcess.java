package io.pstr.manager.cli;

import io.pstr.core.rt.Jvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The FlightGear bridge ({@code io.pstr.fgfs.FgfsMain}, view mode) in its own JVM for {@code pstr demo --flightgear}:
 * it starts (or attaches to) FlightGear itself. Its "fgfs: ..." lines are echoed to the demo's output; if it or
 * FlightGear fails, the demo carries on without it.
 */
final class FgfsBridgeProcess implements AutoCloseable {
    private static final String READY = "fgfs: bridge (view) reads MAVLink on ";

    /** Lines after which FlightGear is up, or will not be: the demo takes off then. */
    private static final List<String> SETTLED = List.of("fgfs: FlightGear answers", "fgfs: attaching", "fgfs: FlightGear did not answer",
            "fgfs: FlightGear exited");

    private final Process process;
    private final String tapEndpoint;
    private final CompletableFuture<String> settled;

    private FgfsBridgeProcess(Process process, String tapEndpoint, CompletableFuture<String> settled) {
        this.process = process;
        this.tapEndpoint = tapEndpoint;
        this.settled = settled;
    }

    /**
     * Starts the bridge on a free UDP port and waits until it listens ({@code timeoutMs}); the bridge gives a FlightGear
     * it launches {@code flightGearStartupS} to answer.
     */
    static FgfsBridgeProcess start(String classpath, Path dir, PrintWriter out, long timeoutMs, long flightGearStartupS) {
        List<String> command = List.of(Jvm.javaBinary(), "-XX:+UseSerialGC", "-Xmx128m",
                "-Dpstr.home=" + System.getProperty("pstr.home", "."), "-Dpstr.log.file=" + dir.resolve("fgfs-bridge.log"),
                "-cp", classpath, "io.pstr.fgfs.FgfsMain", "--mavlink", "udp-listen:0",
                "--startup-timeout-s", Long.toString(flightGearStartupS));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("fgfs-bridge.err").toFile()))
                    .start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            CompletableFuture<String> settled = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith(READY)) {
                            ready.complete(line.substring(READY.length()).split(",")[0].trim());
                        }
                        String l = line;
                        if (SETTLED.stream().anyMatch(l::startsWith)) {
                            settled.complete(line);
                        }
                        if (line.startsWith("fgfs: ")) {
                            out.println("         " + line);
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    ready.completeExceptionally(e);
                }
                ready.completeExceptionally(new IllegalStateException("the FlightGear bridge exited before it listened"));
                settled.complete("the FlightGear bridge exited");
            }, "fgfs-bridge-stdout");
            reader.setDaemon(true);
            reader.start();
            String listening = ready.get(timeoutMs, TimeUnit.MILLISECONDS);
            return new FgfsBridgeProcess(p, "udp:127.0.0.1:" + listening.substring(listening.lastIndexOf(':') + 1), settled);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the FlightGear bridge", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the FlightGear bridge did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the FlightGear bridge", e);
        }
    }

    /** Where the board should send a copy of its telemetry ({@code --tap}). */
    String tapEndpoint() {
        return tapEndpoint;
    }

    /** Waits until FlightGear answers (or the bridge gave up on it), at most {@code timeoutMs}. @return false on timeout */
    boolean awaitFlightGear(long timeoutMs) {
        try {
            settled.get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM (the bridge stops the FlightGear it started); SIGKILL if it does not stop. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
