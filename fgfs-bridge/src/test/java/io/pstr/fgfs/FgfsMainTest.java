package io.pstr.fgfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FgfsMainTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new FgfsMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldExplainTheEndpointOptionsInItsHelp() {
        Run r = run("--help");
        assertEquals(0, r.code(), r.err());
        for (String o : new String[] {"--mavlink=ENDPOINT", "--board=ENDPOINT", "framing=mavlink|raw", "silence-ms=N", "keepalive-s=N"}) {
            assertTrue(r.out().contains(o), o + " in " + r.out());
        }
    }

    @Test
    void shouldPrintTheViewModeCommandForADataOnlyFlightGear() {
        Run r = run("--print-fg-command", "--display", "headless", "--fg-home", "/tmp/x/home");
        assertEquals(0, r.code(), r.err());
        String c = r.out();
        assertTrue(c.startsWith("dbus-run-session -- xvfb-run -a -s -screen 0 1024x768x24 "), c);
        for (String o : new String[] {"--fdm=null", "--native-fdm=socket,in,30,,5600,udp", "--native-ctrls=socket,out,10,127.0.0.1,5601,udp",
            "--prop:/sim/model/path=Models/Aircraft/H-60.xml", "--telnet=socket,bi,10,127.0.0.1,5401,tcp", "--compositor=Compositor/low-spec",
            "--prop:/sim/rendering/draw-mask/terrain=false", "--max-fps=30", "--airport=PHNL", "--data=/tmp/x/home-data"}) {
            assertTrue(c.contains(" " + o), o + " in " + c);
        }
        assertTrue(!c.contains("--disable-enhanced-lighting"), "that option makes this FlightGear exit");
    }

    @Test
    void shouldPrintTheFdmModeCommandWithTheProtocolPair() {
        Run r = run("--print-fg-command", "--mode", "fdm", "--display", "window", "--aircraft", "c172p", "--rate-hz", "50");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(" --generic=socket,out,50,127.0.0.1,5602,udp,pstr-state"), r.out());
        assertTrue(r.out().contains(" --generic=socket,in,50,,5603,udp,pstr-controls"), r.out());
        assertTrue(r.out().contains(" --aircraft=c172p"), r.out());
        assertTrue(!r.out().contains("xvfb-run") && !r.out().contains("--fdm=null"), r.out());
    }

    @Test
    void shouldRefuseBadOptionsClearly() {
        Run origin = run("--origin", "21.3,x,4", "--print-fg-command");
        assertEquals(2, origin.code());
        assertTrue(origin.err().contains("origin '21.3,x,4'"), origin.err());
        Run endpoint = run("--mavlink", "carrier-pigeon:1", "--print-fg-command");
        assertEquals(2, endpoint.code());
        assertTrue(endpoint.err().contains("unknown kind"), endpoint.err());
        Run mode = run("--mode", "fly");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--mode"), mode.err());
    }
}
