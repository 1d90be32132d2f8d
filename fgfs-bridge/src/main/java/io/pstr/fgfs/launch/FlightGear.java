package io.pstr.fgfs.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts FlightGear ({@code fgfs}) as a child process with the options a bridge mode needs, and stops it with
 * everything it started. Without a display ({@link Options#headless()}) it runs FlightGear's stable data-only mode:
 * a virtual X server ({@code xvfb-run}), its own D-Bus session ({@code dbus-run-session}), the low-spec compositor
 * and nothing drawn, which holds 30 frames a second without a GPU. {@code FG_HOME} and {@code XDG_RUNTIME_DIR} are
 * private folders; keeping {@code FG_HOME} between runs keeps FlightGear's navigation cache (first start ~17 s,
 * later ones ~3 s).
 */
public final class FlightGear implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlightGear.class);
    /** Where Debian's package puts the binary (not on a normal user's PATH). */
    public static final Path DEBIAN_FGFS = Path.of("/usr/games/fgfs");
    public static final List<String> PROTOCOLS = List.of("pstr-state", "pstr-controls");

    /**
     * @param fgfs the binary
     * @param home private FG_HOME (kept between runs); the runtime dir, data dir and log live beside it
     * @param headless data-only mode under Xvfb; else a normal window on $DISPLAY
     * @param aircraft {@code --aircraft}
     * @param airport {@code --airport}
     * @param telnetPort property server port on 127.0.0.1
     * @param io the bridge's I/O options ({@code --native-fdm=...}, {@code --generic=...}, {@code --fdm=...})
     * @param extra more options from the user, passed last
     */
    public record Options(Path fgfs, Path home, boolean headless, String aircraft, String airport, int telnetPort, List<String> io,
                          List<String> extra) {
        public Options {
            io = List.copyOf(io);
            extra = List.copyOf(extra);
        }

        public Path runtimeDir() {
            return home.resolveSibling(home.getFileName() + "-runtime");
        }

        /** The {@code --data} directory holding {@code Protocol/pstr-*.xml}. */
        public Path dataDir() {
            return home.resolveSibling(home.getFileName() + "-data");
        }

        public Path logFile() {
            return home.resolveSibling("fgfs.log");
        }
    }

    /** Options of the data-only mode: nothing drawn, cheapest compositor, small window, 30 fps. */
    static final List<String> DATA_ONLY = List.of(
            "--prop:/sim/rendering/draw-mask/terrain=false", "--prop:/sim/rendering/draw-mask/models=false",
            "--prop:/sim/rendering/draw-mask/aircraft=false", "--prop:/sim/rendering/draw-mask/clouds=false",
            "--compositor=Compositor/low-spec", "--max-fps=30", "--geometry=320x240");
    /** Nothing from the network, no sound, no AI traffic, no splash: fast and quiet starts. */
    static final List<String> QUIET = List.of("--disable-splash-screen", "--disable-sound", "--disable-ai-traffic",
            "--disable-real-weather-fetch", "--disable-terrasync");

    private final Process process;
    private final Options options;

    private FlightGear(Process process, Options options) {
        this.process = process;
        this.options = options;
    }

    /** The binary: on PATH, else Debian's; null when FlightGear is not installed. */
    public static Path findFgfs() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, "fgfs");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return Files.isExecutable(DEBIAN_FGFS) ? DEBIAN_FGFS : null;
    }

    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The whole command line. */
    public static List<String> command(Options o) {
        List<String> c = new ArrayList<>();
        if (o.headless()) {
            c.addAll(List.of("dbus-run-session", "--", "xvfb-run", "-a", "-s", "-screen 0 1024x768x24"));
        } else if (System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
            c.addAll(List.of("dbus-run-session", "--"));
        }
        c.add(o.fgfs().toString());
        c.addAll(fgfsOptions(o));
        return c;
    }

    /** FlightGear's own options (what a user who starts FlightGear by hand must pass for {@code --fg attach}). */
    public static List<String> fgfsOptions(Options o) {
        List<String> c = new ArrayList<>();
        c.add("--aircraft=" + o.aircraft());
        c.add("--airport=" + o.airport());
        c.add("--data=" + o.dataDir().toAbsolutePath());
        c.add("--telnet=socket,bi,10,127.0.0.1," + o.telnetPort() + ",tcp");
        c.addAll(o.io());
        c.addAll(QUIET);
        if (o.headless()) {
            c.addAll(DATA_ONLY);
        } else {
            c.add("--timeofday=noon");
        }
        c.addAll(o.extra());
        return c;
    }

    /** Writes the protocol files into the data directory and starts FlightGear; returns at once. */
    public static FlightGear launch(Options o) {
        if (!Files.isExecutable(o.fgfs())) {
            throw new IllegalStateException("FlightGear is not installed (no " + o.fgfs() + "): run scripts/install-flightgear.sh");
        }
        if (o.headless()) {
            for (String tool : List.of("xvfb-run", "dbus-run-session")) {
                if (!onPath(tool)) {
                    throw new IllegalStateException(tool + " is missing (data-only mode needs it): run scripts/install-flightgear.sh");
                }
            }
        }
        try {
            Files.createDirectories(o.home());
            Files.createDirectories(o.runtimeDir());
            Files.setPosixFilePermissions(o.runtimeDir(), PosixFilePermissions.fromString("rwx------"));
            writeProtocols(o.dataDir());
            List<String> command = command(o);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(o.logFile().toFile()));
            Map<String, String> env = pb.environment();
            env.put("FG_HOME", o.home().toAbsolutePath().toString());
            env.put("XDG_RUNTIME_DIR", o.runtimeDir().toAbsolutePath().toString());
            if (o.headless()) {
                env.remove("DISPLAY");
            }
            LOG.info("starting FlightGear: {}", String.join(" ", command));
            return new FlightGear(pb.start(), o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FlightGear", e);
        }
    }

    /** Copies {@code Protocol/pstr-*.xml} from the classpath into {@code dataDir/Protocol}. */
    public static void writeProtocols(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("Protocol");
        Files.createDirectories(dir);
        for (String name : PROTOCOLS) {
            try (InputStream in = FlightGear.class.getResourceAsStream("/io/pstr/fgfs/Protocol/" + name + ".xml")) {
                if (in == null) {
                    throw new IOException("protocol " + name + " is missing from the classpath");
                }
                Files.copy(in, dir.resolve(name + ".xml"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Options options() {
        return options;
    }

    /** Exit code once ended, else -1. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * SIGTERM to FlightGear, the X server and the D-Bus daemon (the wrappers do not pass it on), SIGKILL to whatever
     * is left after 10 s.
     */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle p : all) {
            p.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : all) {
            try {
                long left = deadline - System.nanoTime();
                p.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                LOG.warn("FlightGear process {} did not stop on SIGTERM: killing it", p.pid());
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        LOG.info("FlightGear stopped (log {})", options.logFile());
    }
}
