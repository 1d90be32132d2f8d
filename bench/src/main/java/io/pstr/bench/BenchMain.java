package io.pstr.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pstr bench}: the benchmarks. */
@Command(name = "pstr bench", mixinStandardHelpOptions = true,
        description = "Measures the system and writes CSV and PNG figures.")
public final class BenchMain implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
