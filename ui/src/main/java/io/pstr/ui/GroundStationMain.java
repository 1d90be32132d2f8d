package io.pstr.ui;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pstr ui}: the JavaFX ground station. */
@Command(name = "pstr ui", mixinStandardHelpOptions = true,
        description = "Shows the PSTR system live.")
public final class GroundStationMain implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GroundStationMain()).execute(args));
    }
}
