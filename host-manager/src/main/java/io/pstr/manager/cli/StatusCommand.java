package io.pstr.manager.cli;

import io.pstr.manager.api.ApiClient;
import io.pstr.manager.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/** {@code pstr status}: what the host manager sees, as a table or JSON, once or refreshed. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
                "Shows the failover state, the epoch and which replica holds the I/O, each replica's role, "
                        + "health, pid, heartbeat age, cycles and misses, the output gate's counters, the board "
                        + "link's counters and the aircraft's altitude and mode.",
                "Asks the host manager started by ./pstr manager or ./pstr demo."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:the host manager could not be reached or refused", "2:bad usage"})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "Print the status as the API serves it (JSON) instead of a table.")
    boolean json;

    @Option(names = {"-w", "--watch"}, description = "Refresh until Ctrl-C (every --interval-ms).")
    boolean watch;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "500",
            description = "Refresh period of --watch in milliseconds, 100..60000 (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "With --watch, stop after N refreshes (default: until Ctrl-C).")
    long count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (intervalMs < 100 || intervalMs > 60_000) {
            throw new ParameterException(spec.commandLine(), "--interval-ms must be 100..60000, was " + intervalMs);
        }
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "--count must be >= 0, was " + count);
        }
        ApiClient client;
        try {
            client = api.client();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!watch) {
            return printOnce(client, out) ? 0 : 1;
        }
        boolean clearScreen = System.console() != null && !json;
        Repeater.repeat(intervalMs, count, () -> {
            if (clearScreen) {
                out.print("\033[H\033[2J");
            }
            if (!json) {
                out.println("pstr status  " + client.baseUri() + "  "
                        + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS")));
            }
            printOnce(client, out);
        });
        return 0;
    }

    private boolean printOnce(ApiClient client, PrintWriter out) {
        try {
            if (json) {
                out.println(ApiJson.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(ApiJson.MAPPER.readTree(client.statusJson())));
            } else {
                out.print(StatusFormatter.format(client.status()));
            }
            out.flush();
            return true;
        } catch (ApiClient.ApiException | IOException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(e.getMessage());
            err.flush();
            return false;
        }
    }
}
