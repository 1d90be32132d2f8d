package io.pstr.core.link;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connected pty pair made by {@code socat}: what one side writes the other reads, like a null-modem
 * cable. {@link #close()} kills socat, which to either side looks like the cable being pulled.
 */
public final class SocatPty implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocatPty.class);
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Process process;
    private final Path a;
    private final Path b;

    private SocatPty(Process process, Path a, Path b) {
        this.process = process;
        this.a = a;
        this.b = b;
    }

    /** True if a {@code socat} executable is on the PATH. */
    public static boolean isSocatInstalled() {
        String pathVar = System.getenv("PATH");
        if (pathVar == null) {
            return false;
        }
        for (String dir : pathVar.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "socat"))) {
                return true;
            }
        }
        return false;
    }

    /** Makes the pair as links {@code dir/ptyA} and {@code dir/ptyB}, waiting up to 5 s for them. */
    public static SocatPty create(Path dir) {
        return create(dir, "ptyA", "ptyB", Duration.ofSeconds(5), System::nanoTime);
    }

    /**
     * @param nanoClock the clock the wait deadline is measured with
     * @throws IllegalStateException if socat is missing, exits, or the links do not appear in time
     */
    public static SocatPty create(Path dir, String nameA, String nameB, Duration timeout, LongSupplier nanoClock) {
        if (!isSocatInstalled()) {
            throw new IllegalStateException("socat is not installed (needed for pty links): install socat (./pstr setup, or apt-get install socat)");
        }
        Path a = dir.resolve(nameA).toAbsolutePath();
        Path b = dir.resolve(nameB).toAbsolutePath();
        Path log = dir.resolve("socat-" + nameA + "-" + nameB + ".log");
        Process process;
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
            process = new ProcessBuilder("socat", "-d", "-d",
                    "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start socat in " + dir, e);
        }
        long deadlineNs = nanoClock.getAsLong() + timeout.toNanos();
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("socat exited with " + process.exitValue() + " before making the pty pair; see " + log);
            }
            if (nanoClock.getAsLong() - deadlineNs > 0) {
                process.destroyForcibly();
                throw new IllegalStateException("socat made no pty pair within " + timeout.toMillis() + " ms; see " + log);
            }
            LockSupport.parkNanos(POLL_NS);
        }
        LOG.info("socat pty pair {} <-> {} (pid {})", a, b, process.pid());
        return new SocatPty(process, a, b);
    }

    public Path pathA() {
        return a;
    }

    public Path pathB() {
        return b;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills socat (the pair disappears). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
