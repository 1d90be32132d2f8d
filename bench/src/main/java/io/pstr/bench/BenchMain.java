package io.pstr.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pstr bench}: the benchmarks. Each writes CSV and a PNG chart, with the machine, under {@code docs/bench/}. */
@Command(name = "pstr bench", mixinStandardHelpOptions = true, version = "pstr bench 0.1.0",
        description = "Measures the system and writes CSV and PNG figures (with the machine they ran on) under docs/bench/ or --out DIR.",
        subcommands = {CommandLine.HelpCommand.class, SerialBench.class, FailoverBench.class, io.pstr.bench.channel.ChannelBench.class,
                io.pstr.bench.jmh.JmhChannelCommand.class})
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }
}
