package io.pstr.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pstr.manager.cli.DemoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The README's demo, as a user runs it, judged by its JSON report. */
@Timeout(300)
class DemoSystemTest {

    @Test
    void shouldFlyTheDemoThroughAKillAndAHangWithBothFailbacksAndLand() throws Exception {
        Path report = Path.of("target", "system-runs", "demo-report.json").toAbsolutePath();
        StringWriter output = new StringWriter();
        CommandLine cl = new CommandLine(new DemoCommand());
        cl.setOut(new PrintWriter(output, true));
        int code = cl.execute("--report", report.toString(), "--api-port", "0", "--period-ms", "40",
                "--run-dir", Path.of("target", "system-runs", "demo").toAbsolutePath().toString(), "--print-every-ms", "2000");
        String printed = output.toString();
        assertEquals(0, code, "the demo's own checks passed:\n" + printed);

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(40, json.get("controlPeriodMs").asInt());
        assertTrue(json.get("landed").asBoolean(), printed);
        List<String> changes = new ArrayList<>();
        for (JsonNode f : json.get("failovers")) {
            changes.add(f.get("type").asText() + ":" + f.get("to").asText());
            double bound = "PROCESS_EXIT".equals(f.get("cause").asText()) ? 2 * 40 : 4 * 40;
            assertTrue(f.get("commandGapMs").asDouble() <= bound, f.toString());
        }
        assertEquals(List.of("FAILOVER:B", "FAILBACK:A", "FAILOVER:B", "FAILBACK:A"), changes, printed);
        assertEquals(0, json.get("fencedOutputsTotal").asLong());
        assertEquals(0, json.get("duplicateCyclesTotal").asLong());
        assertEquals(0, json.get("lostInputFramesTotal").asLong());
        assertEquals(1, json.get("requestsExecuted").asLong(), "the demo's new-waypoint request: " + printed);
        assertEquals(0, json.get("requestsLost").asLong());
        assertEquals(0, json.get("requestsDuplicated").asLong());
        assertTrue(printed.contains("MISSION_ACK MAV_MISSION_ACCEPTED"), "the ground station's ack printed");
        assertTrue(printed.contains(">> FAILOVER") && printed.contains(">> FAILBACK"), "failover events printed as they happen");
    }
}
