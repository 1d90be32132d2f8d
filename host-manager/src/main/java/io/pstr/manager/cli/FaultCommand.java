package io.pstr.manager.cli;

import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.manager.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code pstr fault NAME}: injects a real fault through the host manager. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = {
                "Injects a fault into the running system through the host manager: the replica's process is "
                        + "really killed, stopped or corrupted. Prints the journal event of the injection; "
                        + "follow what happens next with 'pstr events --follow' or 'pstr status --watch'."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:injected", "1:the host manager could not be reached or refused the fault", "2:bad usage"})
public final class FaultCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(index = "0", paramLabel = "FAULT", completionCandidates = FaultNames.class,
            description = "The fault to inject, one of: ${COMPLETION-CANDIDATES} (see below).")
    String name;

    private CommandSpec spec;

    /** Picocli calls this while building the command, so the fault list is in the help footer. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.usageMessage().footerHeading("%nFaults:%n").footer(faultList());
    }

    /** One line per fault: its wire name and what it does. */
    static String faultList() {
        StringBuilder sb = new StringBuilder();
        for (Fault f : Fault.values()) {
            sb.append(String.format(Locale.ROOT, "  %-16s %s%n", f.wireName(), f.description()));
        }
        return sb.toString();
    }

    @Override
    public Integer call() {
        Fault fault;
        ApiClient client;
        try {
            fault = Fault.fromWireName(name.trim().toLowerCase(Locale.ROOT));
            client = api.client();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            JournalEvent event = client.injectFault(fault);
            PrintWriter out = spec.commandLine().getOut();
            out.println("injected " + fault.wireName() + ": " + StatusFormatter.formatEvent(event, ZoneId.systemDefault()));
            out.flush();
            return 0;
        } catch (ApiClient.ApiException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** Shell completion and help: the wire names of the faults. */
    static final class FaultNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Fault.values()).map(Fault::wireName).iterator();
        }
    }
}
