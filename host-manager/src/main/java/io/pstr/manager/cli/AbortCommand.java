package io.pstr.manager.cli;

import io.pstr.core.status.JournalEvent;
import io.pstr.manager.api.ApiClient;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pstr abort}: the running system stops its outputs and commands the board to land. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"Aborts the flight: the host manager stops forwarding the replicas' outputs and sends the board "
                + "MAV_CMD_NAV_LAND (COMMAND_LONG), resending until the board's COMMAND_ACK comes (3 tries, 1 s apart). "
                + "The board lands where it is under its own control."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the board accepted the land command", "1:the board refused or did not answer (land it by RC "
                + "or the ground station), or the host manager could not be reached", "2:bad usage"})
public final class AbortCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ApiClient client;
        try {
            client = api.client();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            JournalEvent event = client.abort();
            boolean accepted = "ACCEPTED".equals(String.valueOf(event.figures().get("result")));
            (accepted ? out : err).println("abort: " + StatusFormatter.formatEvent(event, ZoneId.systemDefault()));
            out.flush();
            err.flush();
            return accepted ? 0 : 1;
        } catch (ApiClient.ApiException e) {
            err.println("abort failed: " + e.getMessage() + " — land the aircraft by RC or the ground station");
            err.flush();
            return 1;
        }
    }
}
