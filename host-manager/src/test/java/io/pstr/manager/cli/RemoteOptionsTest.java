package io.pstr.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.Endpoint;
import io.pstr.manager.Slot;
import io.pstr.manager.journal.Journal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of a replica on another computer: checked before anything starts, with what is wrong said. */
class RemoteOptionsTest {

    @Test
    void shouldTakeEachSlotWithItsReplicaHost() {
        assertEquals(Map.of(Slot.B, "10.0.0.2:40400", Slot.A, "companion-a:40401"),
                RemoteReplicaOptions.slots(Map.of("b", " 10.0.0.2:40400", "A", "companion-a:40401")));
    }

    @Test
    void shouldRefuseAnUnknownSlotOrABadEndpoint() {
        IllegalArgumentException slot = assertThrows(IllegalArgumentException.class,
                () -> RemoteReplicaOptions.slots(Map.of("C", "10.0.0.2:40400")));
        assertTrue(slot.getMessage().contains("unknown slot 'C'"), slot.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> RemoteReplicaOptions.slots(Map.of("B", "10.0.0.2")));
        assertTrue(port.getMessage().contains("--remote-replica B: expected HOST:PORT"), port.getMessage());
    }

    @Test
    void shouldRefuseABadListenEndpointOfTheReplicaHost() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReplicaHostCommand());
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--listen", "0.0.0.0:99999"));
        assertTrue(err.toString().contains("port 99999 out of range"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, cl.execute("--silence-ms", "0"));
        assertTrue(err.toString().contains("must be positive"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, cl.execute("--keep-sessions", "-3"));
        assertTrue(err.toString().contains("--keep-sessions must be 0 or more, not -3"), err.toString());
    }

    @Test
    void shouldRefuseALinkKeyWithoutARemoteReplica() {
        OptionsFuzzTest.Holder h = new OptionsFuzzTest.Holder();
        new CommandLine(h).parseArgs("--remote-key", "link.key", "--sandbox", "process");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.options.context(
                Endpoint.parse("tcp:127.0.0.1:5760"), Path.of("target", "remote-options-run"), Journal.inMemory()));
        assertTrue(e.getMessage().contains("--remote-key without --remote-replica"), e.getMessage());
    }

    @Test
    void shouldRefuseAnUnreadableLinkKeyOfTheReplicaHost() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReplicaHostCommand());
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--link-key", "target/no-such-link.key"));
        assertTrue(err.toString().contains("no-such-link.key"), err.toString());
    }
}
