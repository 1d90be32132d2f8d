package io.pstr.manager.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the virtual board a command starts (demo, soak): how long it goes without setpoints before it reacts,
 * and which autopilot it behaves as. The board checks them again; these are checked first so that a bad one is refused
 * before anything starts.
 */
final class VirtualBoardOptions {

    @Option(names = "--failsafe-timeout-ms", defaultValue = "500", paramLabel = "MS",
            description = "The virtual board's setpoint-loss timeout, 20..60000 ms: then PX4 descends in a failsafe, "
                    + "ArduCopter levels out and holds (default ${DEFAULT-VALUE} ms).")
    long failsafeTimeoutMs;

    @Option(names = "--board-autopilot", defaultValue = "px4", paramLabel = "px4|ardupilot",
            description = "What the virtual board behaves like: px4 (OFFBOARD, failsafe descent when setpoints stop) or "
                    + "ardupilot (ArduCopter in GUIDED: it levels out and holds when they stop); the flight task asks for "
                    + "the mode of whichever the board's heartbeat names. Default ${DEFAULT-VALUE}.")
    String autopilot;

    /**
     * The board's command-line options for these settings.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    List<String> boardArgs() {
        if (failsafeTimeoutMs < 20 || failsafeTimeoutMs > 60_000) {
            throw new IllegalArgumentException("--failsafe-timeout-ms must be 20..60000 ms, not " + failsafeTimeoutMs);
        }
        if (!autopilot.equals("px4") && !autopilot.equals("ardupilot")) {
            throw new IllegalArgumentException("--board-autopilot must be px4 or ardupilot, not '" + autopilot + "'");
        }
        return List.of("--failsafe-timeout-ms", Long.toString(failsafeTimeoutMs), "--autopilot", autopilot);
    }
}
