package io.pstr.fgfs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pstr fgfs}: the FlightGear bridge. */
@Command(name = "pstr fgfs", mixinStandardHelpOptions = true,
        description = "Connects FlightGear to the PSTR system.")
public final class FgfsMain implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FgfsMain()).execute(args));
    }
}
