package io.pstr.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SoakCommandTest {

    @Test
    void shouldReplaceOnlyTheGeneratedPartOfAnExistingDocument() {
        String doc = "# Title\nprose\n" + SoakCommand.BEGIN + "\nold table\n" + SoakCommand.END + "\nafter\n";
        String out = SoakCommand.spliced(doc, "new table\n");
        assertEquals("# Title\nprose\n" + SoakCommand.BEGIN + "\nnew table\n" + SoakCommand.END + "\nafter\n", out);
        assertEquals(SoakCommand.BEGIN + "\nnew\n" + SoakCommand.END + "\n", SoakCommand.spliced(null, "new\n"));
        assertTrue(SoakCommand.spliced("no markers", "x\n").startsWith(SoakCommand.BEGIN), "a document without markers is replaced");
    }

    @Test
    void shouldRefuseBadOptionsWithAClearMessage() {
        String[][] cases = {
            {"--minutes", "0", "--minutes must be in (0, 1440]"},
            {"--faults", "kill,explode", "unknown fault 'explode'"},
            {"--board-autopilot", "inav", "--board-autopilot must be px4 or ardupilot, not 'inav'"},
            {"--failsafe-timeout-ms", "5", "--failsafe-timeout-ms must be 20..60000 ms, not 5"},
        };
        for (String[] c : cases) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new SoakCommand());
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(c[0], c[1]);
            assertEquals(2, code, c[0] + " " + c[1]);
            assertTrue(err.toString().contains(c[2]), err.toString());
        }
    }
}
