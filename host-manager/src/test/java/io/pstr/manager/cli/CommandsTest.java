package io.pstr.manager.cli;

import io.pstr.core.status.Fault;
import io.pstr.manager.api.ApiJson;
import io.pstr.manager.api.ApiServer;
import io.pstr.manager.api.FakeControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandsTest {

    private final FakeControlPlane controlPlane = new FakeControlPlane();
    private ApiServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        server = ApiServer.start(new ApiServer.Context().host("127.0.0.1").port(0).token(null).controlPlane(controlPlane));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String api() {
        return server.address();
    }

    @Test
    void statusShouldPrintTheTable() {
        assertEquals(0, run(new StatusCommand(), "--api", api(), "--token", ""));
        assertEquals(StatusFormatter.format(FakeControlPlane.sampleStatus()), out.toString());
    }

    @Test
    void statusShouldPrintJson() throws Exception {
        assertEquals(0, run(new StatusCommand(), "--api", api(), "--json"));
        assertEquals("PRIMARY_ACTIVE", ApiJson.MAPPER.readTree(out.toString()).get("state").asText());
    }

    @Test
    void statusWatchShouldRefreshUntilCount() {
        assertEquals(0, run(new StatusCommand(), "--api", api(), "--watch", "--interval-ms", "100", "--count", "3"));
        assertEquals(3, out.toString().split("state PRIMARY_ACTIVE", -1).length - 1, out.toString());
    }

    @Test
    void statusShouldExplainWhenNoManagerRuns() {
        int port = server.boundPort();
        server.close();
        server = ApiServer.start(new ApiServer.Context().host("127.0.0.1").port(0).token(null).controlPlane(controlPlane));
        assertEquals(1, run(new StatusCommand(), "--api", "127.0.0.1:" + port));
        assertTrue(err.toString().contains("no host manager at http://127.0.0.1:" + port
                + " — is ./pstr manager or ./pstr demo running?"), err.toString());
    }

    @Test
    void commandsShouldRefuseABadAddress() {
        assertEquals(2, run(new StatusCommand(), "--api", "nowhere"));
        assertTrue(err.toString().contains("expected HOST:PORT"), err.toString());
    }

    @Test
    void faultShouldInjectAndPrintTheEvent() {
        assertEquals(0, run(new FaultCommand(), "--api", api(), "kill-primary"));
        assertTrue(out.toString().startsWith("injected kill-primary: "), out.toString());
        assertTrue(out.toString().contains("#1 FAULT INJECTED"), out.toString());
        assertEquals(1, controlPlane.journal.lastSeq());
    }

    @Test
    void faultShouldRefuseUnknownNamesAndReportRefusals() {
        assertEquals(2, run(new FaultCommand(), "--api", api(), "kill-everyone"));
        assertTrue(err.toString().contains("unknown fault 'kill-everyone'"), err.toString());
        assertEquals(1, run(new FaultCommand(), "--api", api(), "resume-primary"));
        assertTrue(err.toString().contains("the primary is not stopped"), err.toString());
        assertEquals(0, controlPlane.journal.lastSeq());
    }

    @Test
    void faultHelpShouldListEveryFaultWithItsDescription() {
        assertEquals(0, run(new FaultCommand(), "--help"));
        String help = out.toString().replaceAll("\\s+", " "); // help wraps long lines
        for (Fault f : Fault.values()) {
            assertTrue(help.contains(f.wireName() + " " + f.description()), help);
        }
    }

    @Test
    void eventsShouldPrintTheJournalAcrossPages() {
        for (int i = 0; i < 2_500; i++) {
            controlPlane.append("E");
        }
        assertEquals(0, run(new EventsCommand(), "--api", api(), "--after", "10"));
        String[] lines = out.toString().split("\n");
        assertEquals(2_490, lines.length);
        assertTrue(lines[0].contains("#11 E TEST"), lines[0]);
        assertTrue(lines[2_489].contains("#2500 E TEST"), lines[2_489]);
    }

    @Test
    void eventsShouldPrintJsonLines() throws Exception {
        controlPlane.append("FAILOVER");
        assertEquals(0, run(new EventsCommand(), "--api", api(), "--json"));
        assertEquals("FAILOVER", ApiJson.MAPPER.readTree(out.toString().trim()).get("type").asText());
    }
}
