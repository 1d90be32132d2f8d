package io.pstr.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        for (String[] args : new String[][] {{"--minutes", "0"}, {"--faults", "kill,explode"}}) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new SoakCommand());
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            assertNotEquals(0, code, String.join(" ", args));
            assertTrue(err.toString().contains("--minutes") || err.toString().contains("unknown fault 'explode'"), err.toString());
        }
    }
}
