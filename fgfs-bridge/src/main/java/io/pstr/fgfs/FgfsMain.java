package io.pstr.fgfs;

import io.pstr.core.link.Endpoint;
import io.pstr.fgfs.bridge.FdmBridge;
import io.pstr.fgfs.bridge.GeoOrigin;
import io.pstr.fgfs.bridge.ViewBridge;
import io.pstr.fgfs.launch.FgTelnet;
import io.pstr.fgfs.launch.FlightGear;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./pstr fgfs}: the FlightGear bridge, and FlightGear itself when none is running. */
@Command(name = "pstr fgfs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Shows the PSTR aircraft in FlightGear, or lets FlightGear's flight model be the board.",
            "view (default): the board's MAVLink telemetry (e.g. './pstr board --tap udp:127.0.0.1:14560') drives FlightGear's view "
                    + "through --native-fdm (FGNetFDM v24) at --rate-hz, shown as the H-60 helicopter; FlightGear's controls come back "
                    + "through --native-ctrls (FGNetCtrls v27) and tell the bridge FlightGear is alive.",
            "fdm: FlightGear's aircraft flies; the bridge serves it as a MAVLink board on --board (state from the generic protocol "
                    + "pstr-state, the replicas' attitude targets sent back as pstr-controls).",
            "FlightGear is started with the right options (data-only under Xvfb when there is no display) unless one already answers "
                    + "on --telnet-port (--fg auto), and stopped on exit. Prints one line per event; exits on Ctrl-C or after --duration-s."})
public final class FgfsMain implements Callable<Integer> {

    enum Mode { view, fdm }

    enum Fg { auto, launch, attach }

    enum Display { auto, window, headless }

    @Option(names = "--mode", defaultValue = "view", description = "view or fdm (default ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--fg", defaultValue = "auto", description = "auto: attach to a FlightGear answering on --telnet-port, else launch one; "
            + "launch; attach: never launch (start FlightGear yourself with the options --print-fg-command prints). Default ${DEFAULT-VALUE}.")
    Fg fg;

    @Option(names = "--display", defaultValue = "auto", description = "auto (a window when $DISPLAY is set, else headless), window, "
            + "or headless: FlightGear's data-only mode under Xvfb (nothing drawn; for machines without a GPU). Default ${DEFAULT-VALUE}.")
    Display display;

    @Option(names = "--mavlink", defaultValue = "udp-listen:14560", paramLabel = "ENDPOINT",
            description = "view: where the board's telemetry comes from (udp-listen:PORT for a board's --tap, or tcp:, udp:, serial:): "
                    + Endpoint.SYNTAX + " (see docs/links.md). Default ${DEFAULT-VALUE}.")
    String mavlink;

    @Option(names = "--board", defaultValue = "tcp-listen:5760", paramLabel = "ENDPOINT",
            description = "fdm: the MAVLink endpoint the bridge serves as the board (connect ./pstr manager --board tcp:127.0.0.1:5760): "
                    + Endpoint.SYNTAX + ". Default ${DEFAULT-VALUE}.")
    String board;

    @Option(names = "--fg-host", defaultValue = "127.0.0.1", description = "Where FlightGear runs (default ${DEFAULT-VALUE}).")
    String fgHost;

    @Option(names = "--fdm-port", defaultValue = "5600", description = "view: FlightGear's --native-fdm input port (default ${DEFAULT-VALUE}).")
    int fdmPort;

    @Option(names = "--ctrls-port", defaultValue = "5601", description = "view: local port for FlightGear's --native-ctrls output (default ${DEFAULT-VALUE}).")
    int ctrlsPort;

    @Option(names = "--state-port", defaultValue = "5602", description = "fdm: local port for FlightGear's pstr-state output (default ${DEFAULT-VALUE}).")
    int statePort;

    @Option(names = "--controls-port", defaultValue = "5603", description = "fdm: FlightGear's pstr-controls input port (default ${DEFAULT-VALUE}).")
    int controlsPort;

    @Option(names = "--telnet-port", defaultValue = "5401", description = "FlightGear's property server on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int telnetPort;

    @Option(names = "--rate-hz", defaultValue = "30", description = "Packets a second to FlightGear, 1..120 (default ${DEFAULT-VALUE}; FlightGear draws at 30-60).")
    int rateHz;

    @Option(names = "--origin", defaultValue = "21.325247,-157.9431848,4", paramLabel = "LAT,LON,ALT",
            description = "view: where the board's local NED origin is (default ${DEFAULT-VALUE}: Honolulu, where Debian's scenery is).")
    String origin;

    @Option(names = "--aircraft", description = "FlightGear aircraft (default: ufo; in view mode it is only the cockpit, the H-60 is shown).")
    String aircraft;

    @Option(names = "--airport", defaultValue = "PHNL", description = "Start airport (default ${DEFAULT-VALUE}).")
    String airport;

    @Option(names = "--fg-home", paramLabel = "DIR", description = "FlightGear's private FG_HOME, kept between runs (default: .pstr/fgfs/home).")
    Path fgHome;

    @Option(names = "--fg-option", paramLabel = "OPT", description = "Another fgfs option, passed last (repeatable), e.g. --fg-option=--fg-aircraft=DIR.")
    List<String> fgOptions = new ArrayList<>();

    @Option(names = "--peer-timeout-ms", defaultValue = "3000", description = "Report FlightGear gone after this much silence (default ${DEFAULT-VALUE}).")
    long peerTimeoutMs;

    @Option(names = "--startup-timeout-s", defaultValue = "120", description = "Give up waiting for a launched FlightGear after this long (default ${DEFAULT-VALUE}).")
    long startupTimeoutS;

    @Option(names = "--duration-s", defaultValue = "0", description = "Stop after this long; 0 runs until killed (default ${DEFAULT-VALUE}).")
    double durationS;

    @Option(names = "--print-fg-command", description = "Print the FlightGear command line this would run, and exit.")
    boolean printFgCommand;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (!(durationS >= 0) || Double.isInfinite(durationS)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration-s must be 0 or positive");
        }
        Endpoint mavlinkEndpoint;
        Endpoint boardEndpoint;
        GeoOrigin geoOrigin;
        try {
            mavlinkEndpoint = Endpoint.parse(mavlink);
            boardEndpoint = Endpoint.parse(board);
            geoOrigin = GeoOrigin.parse(origin);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        boolean headless = display == Display.headless || (display == Display.auto && System.getenv("DISPLAY") == null);
        if (printFgCommand) {
            out.println(String.join(" ", FlightGear.command(fgOptions(headless, ctrlsPort, statePort))));
            out.flush();
            return 0;
        }
        AutoCloseable bridge;
        int ctrlsBound;
        int stateBound;
        try {
            if (mode == Mode.view) {
                ViewBridge v = ViewBridge.start(new ViewBridge.Config(fgHost, fdmPort, ctrlsPort, rateHz, mavlinkEndpoint, geoOrigin,
                        peerTimeoutMs), this::event);
                bridge = v;
                ctrlsBound = v.ctrlsPort();
                stateBound = statePort;
                say("bridge (view) reads MAVLink on %s, sends FGNetFDM to %s:%d at %d Hz", v.mavlinkEndpoint(), fgHost, fdmPort, rateHz);
            } else {
                FdmBridge f = FdmBridge.start(new FdmBridge.Config(fgHost, statePort, controlsPort, rateHz, boardEndpoint, peerTimeoutMs),
                        this::event);
                bridge = f;
                ctrlsBound = ctrlsPort;
                stateBound = f.statePort();
                say("bridge (fdm) serves the board on %s; FlightGear state on UDP %d, controls to %s:%d", f.boardEndpoint(), stateBound,
                        fgHost, controlsPort);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        FlightGear launched = null;
        CountDownLatch stop = new CountDownLatch(1);
        try {
            boolean running = FgTelnet.answers("127.0.0.1", telnetPort);
            if (running && fg != Fg.launch) {
                say("attaching to the FlightGear already answering on telnet port %d (it must run with the options --print-fg-command shows)",
                        telnetPort);
            } else if (fg == Fg.attach) {
                say("waiting for a FlightGear on telnet port %d (start it with the options --print-fg-command shows)", telnetPort);
            } else {
                FlightGear.Options o = fgOptions(headless, ctrlsBound, stateBound);
                launched = FlightGear.launch(o);
                say("starting FlightGear (pid %d, %s, log %s)", launched.pid(), headless ? "data-only under Xvfb" : "window",
                        o.logFile());
                awaitReady(launched);
            }
            FlightGear fgProcess = launched;
            Thread hook = new Thread(() -> {
                stop.countDown();
                closeQuietly(bridge);
                if (fgProcess != null) {
                    fgProcess.close();
                }
            }, "fgfs-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            long endNs = durationS > 0 ? System.nanoTime() + (long) (durationS * 1e9) : Long.MAX_VALUE;
            boolean reportedExit = false;
            while (System.nanoTime() < endNs) {
                if (stop.await(Math.min(500, Math.max(1, (endNs - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
                    break;
                }
                if (fgProcess != null && !fgProcess.isAlive() && !reportedExit) {
                    reportedExit = true;
                    say("FlightGear exited (code %d, log %s); the bridge carries on without it", fgProcess.exitCode(),
                            fgProcess.options().logFile());
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        } finally {
            closeQuietly(bridge);
            if (launched != null) {
                launched.close();
            }
        }
        say("stopped");
        return 0;
    }

    private void awaitReady(FlightGear launched) {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(startupTimeoutS);
        long nextProgress = t0 + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && launched.isAlive()) {
            if (FgTelnet.answers("127.0.0.1", telnetPort)) {
                say("FlightGear answers after %.1f s", (System.nanoTime() - t0) / 1e9);
                return;
            }
            if (System.nanoTime() > nextProgress) {
                nextProgress += TimeUnit.SECONDS.toNanos(5);
                say("still waiting for FlightGear (%.0f s; the first start builds its navigation cache, ~20 s)", (System.nanoTime() - t0) / 1e9);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        say(launched.isAlive() ? "FlightGear did not answer within %d s; the bridge carries on"
                : "FlightGear exited during start-up (see its log); the bridge carries on", startupTimeoutS);
    }

    FlightGear.Options fgOptions(boolean headless, int ctrls, int state) {
        List<String> io = new ArrayList<>();
        String ac = aircraft == null ? "ufo" : aircraft;
        if (mode == Mode.view) {
            io.add("--fdm=null");
            io.add("--native-fdm=socket,in," + rateHz + ",," + fdmPort + ",udp");
            io.add("--native-ctrls=socket,out,10," + fgHostForFg() + "," + ctrls + ",udp");
            io.add("--prop:/sim/model/path=Models/Aircraft/H-60.xml");
        } else {
            io.add("--generic=socket,out," + rateHz + "," + fgHostForFg() + "," + state + ",udp," + FdmBridge.STATE_PROTOCOL);
            io.add("--generic=socket,in," + rateHz + ",," + controlsPort + ",udp," + FdmBridge.CONTROLS_PROTOCOL);
        }
        Path home = fgHome != null ? fgHome : Path.of(System.getProperty("pstr.home", "."), ".pstr", "fgfs", "home");
        Path fgfs = FlightGear.findFgfs();
        return new FlightGear.Options(fgfs == null ? FlightGear.DEBIAN_FGFS : fgfs, home.toAbsolutePath(), headless, ac, airport,
                telnetPort, io, fgOptions);
    }

    /** Where FlightGear sends to: this machine (a launched FlightGear runs here; for another machine, edit the printed command). */
    private String fgHostForFg() {
        return "127.0.0.1";
    }

    private void event(String message) {
        say("%s", message);
    }

    private synchronized void say(String format, Object... args) {
        out.printf(Locale.ROOT, "fgfs: " + format + "%n", args);
        out.flush();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // shutting down: nothing more to do with it
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FgfsMain()).execute(args));
    }
}
