package io.pstr.ui;

import io.pstr.manager.api.ApiClient;
import io.pstr.manager.cli.ApiOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javafx.application.Application;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./pstr ui}: the JavaFX ground station. */
@Command(name = "pstr ui", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Opens the ground station: a window that shows both replicas (which one holds the I/O, with the epoch; "
                        + "state, heartbeat, counters, process CPU and memory), the aircraft (attitude, altitude, speed, "
                        + "track, mode, battery), live plots with failovers marked, the event timeline (filter, CSV/JSON "
                        + "export), the board link's counters, fault injection buttons for every fault (each confirmed; "
                        + "Ctrl+1..0, Ctrl+Shift+1..4), the failback policy switch, and a Record button that writes "
                        + "everything received to a file.",
                "It connects to a running host manager (./pstr demo or ./pstr manager) through its status/control API "
                        + "and its push stream, shows a red banner while it cannot reach it, and reconnects by itself.",
                "Needs a display (on a server: xvfb-run, see scripts/install-ui.sh)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:window closed", "1:error", "2:bad usage"})
public final class GroundStationMain implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "1280x800",
            description = "Initial window size (default: ${DEFAULT-VALUE}); the window is resizable.")
    String size;

    @Option(names = "--screenshots", paramLabel = "DIR",
            description = "Photograph the window into DIR while a demo flies — flying.png at cruise, failover.png "
                    + "just after the first failover, failback.png after the failback — then quit. "
                    + "scripts/screenshots.sh runs a demo and this under Xvfb.")
    Path screenshots;

    @Option(names = "--record-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where the Record button writes (default: the current directory): one file per recording, "
                    + "pstr-station-YYYYMMDD-HHMMSS.jsonl, a JSON line for every status and event received, with the "
                    + "time it was received.")
    Path recordDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            ApiClient.parseAddress(api.address());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
        int width;
        int height;
        try {
            if (wh.length != 2) {
                throw new NumberFormatException();
            }
            width = Integer.parseInt(wh[0].trim());
            height = Integer.parseInt(wh[1].trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--size must be WIDTHxHEIGHT, e.g. 1280x800, was '" + size + "'");
        }
        if (width < 640 || height < 480 || width > 10_000 || height > 10_000) {
            throw new ParameterException(spec.commandLine(), "--size must be at least 640x480, was " + size);
        }
        if (java.nio.file.Files.exists(recordDir) && !java.nio.file.Files.isDirectory(recordDir)) {
            throw new ParameterException(spec.commandLine(), "--record-dir must be a directory, " + recordDir + " is a file");
        }
        GroundStationApp.configure(new GroundStationApp.Settings(api.address(), api.token(),
                screenshots == null ? null : screenshots.toAbsolutePath(), width, height, recordDir.toAbsolutePath().normalize()));
        try {
            Application.launch(GroundStationApp.class);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            spec.commandLine().getErr().println("pstr ui: cannot open a window: " + e.getMessage()
                    + " — needs a display and GTK 3 (on a server: scripts/install-ui.sh, then xvfb-run ./pstr ui)");
            return 1;
        }
        return GroundStationApp.exitCode();
    }

    public static void main(String[] args) {
        // host-manager's jar carries a logback.xml too: name ours, so that logback does not have to choose
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "ui-logback.xml");
        }
        System.exit(new CommandLine(new GroundStationMain()).execute(args));
    }
}
