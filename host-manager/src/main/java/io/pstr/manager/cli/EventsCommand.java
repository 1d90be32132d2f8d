package io.pstr.manager.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pstr.core.status.JournalEvent;
import io.pstr.manager.api.ApiClient;
import io.pstr.manager.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pstr events}: the host manager's event journal, once or followed. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {
                "Prints the host manager's event journal, oldest first: state changes, failovers and failbacks, "
                        + "faults, replica starts and exits, link events, each with its cause, epoch, cycle and "
                        + "measured figures.",
                "The host manager keeps the last 100000 events in memory; the whole run is in its journal file."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "1:the host manager could not be reached or refused", "2:bad usage"})
public final class EventsCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Option(names = "--after", paramLabel = "SEQ", defaultValue = "0",
            description = "Only events with a sequence number above SEQ (default: ${DEFAULT-VALUE}, all).")
    long after;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events as they come, until Ctrl-C.")
    boolean follow;

    @Option(names = "--json", description = "Print each event as one JSON line, as in the journal file.")
    boolean json;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "500",
            description = "How often --follow asks for new events, 100..60000 ms (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Spec
    CommandSpec spec;

    private static final int PAGE = 1_000;

    private long cursor;
    private boolean errorShown;

    @Override
    public Integer call() throws InterruptedException {
        if (after < 0) {
            throw new ParameterException(spec.commandLine(), "--after must be >= 0, was " + after);
        }
        if (intervalMs < 100 || intervalMs > 60_000) {
            throw new ParameterException(spec.commandLine(), "--interval-ms must be 100..60000, was " + intervalMs);
        }
        ApiClient client;
        try {
            client = api.client();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        cursor = after;
        if (!follow) {
            return printNew(client) ? 0 : 1;
        }
        Repeater.repeat(intervalMs, 0, () -> printNew(client));
        return 0;
    }

    /** Prints every event after the cursor, page by page; false when the API failed. */
    private boolean printNew(ApiClient client) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            while (true) {
                List<JournalEvent> page = client.events(cursor, PAGE);
                for (JournalEvent e : page) {
                    if (e.seq() > cursor + 1) {
                        out.println("(events " + (cursor + 1) + ".." + (e.seq() - 1)
                                + " are no longer in the host manager's memory; see its journal file)");
                    }
                    out.println(json ? ApiJson.MAPPER.writeValueAsString(e)
                            : StatusFormatter.formatEvent(e, ZoneId.systemDefault()));
                    cursor = e.seq();
                }
                out.flush();
                if (page.size() < PAGE) {
                    errorShown = false;
                    return true;
                }
            }
        } catch (ApiClient.ApiException | JsonProcessingException e) {
            if (!errorShown) { // with --follow, say it once, not every tick, until it answers again
                errorShown = follow;
                PrintWriter err = spec.commandLine().getErr();
                err.println(e.getMessage());
                err.flush();
            }
            return false;
        }
    }
}
