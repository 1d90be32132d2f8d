package io.pstr.hilrig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** BoardMain's options: refused before any link is opened, with a message that says what to give. */
class BoardMainTest {

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new BoardMain());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void shouldParseTheAutopilotInAnyCaseAndDefaultToPx4() {
        BoardMain main = new BoardMain();
        new CommandLine(main).parseArgs();
        assertEquals(Autopilot.PX4, main.autopilot);
        assertNull(main.guidOptions, "not given");
        main = new BoardMain();
        new CommandLine(main).parseArgs("--autopilot", "ArduPilot", "--guid-options", "0");
        assertEquals(Autopilot.ARDUPILOT, main.autopilot);
        assertEquals(0, main.guidOptions);
    }

    @Test
    void shouldRefuseAnUnknownAutopilotListingTheValidOnes() {
        assertEquals(2, run("--autopilot", "betaflight"));
        assertTrue(err.toString().contains("--autopilot"), err.toString());
        assertTrue(err.toString().contains("'betaflight'"), err.toString());
        assertTrue(err.toString().contains("px4, ardupilot"), err.toString());
    }

    @Test
    void shouldRefuseGuidOptionsWithPx4() {
        assertEquals(2, run("--guid-options", "8"));
        assertTrue(err.toString().contains("--guid-options is an ArduCopter parameter"), err.toString());
        assertEquals(2, run("--autopilot", "px4", "--guid-options", "8"));
    }

    @Test
    void shouldRefuseGuidOptionsOutOfRange() {
        assertEquals(2, run("--autopilot", "ardupilot", "--guid-options", "65536"));
        assertTrue(err.toString().contains("GUID_OPTIONS must be 0..65535, got 65536"), err.toString());
        assertEquals(2, run("--autopilot", "ardupilot", "--guid-options", "-1"));
    }

    @Test
    void shouldDescribeBothPersonalitiesInTheHelp() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        assertTrue(help.contains("--autopilot=px4|ardupilot"), help);
        assertTrue(help.contains("--guid-options=N"), help);
        assertTrue(help.contains("GUID_TIMEOUT"), help);
    }
}
