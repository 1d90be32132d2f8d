package io.pstr.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.pstr.core.link.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the endpoint syntax every command takes ({@code --board}, {@code --link}): mutations of valid
 * endpoints. Properties: the parser returns an endpoint or throws {@link IllegalArgumentException} with a
 * message, nothing else; what it returns prints as text that parses back to the same endpoint (the
 * status, the journal and the board process pass endpoints on as text).
 */
class EndpointFuzzTest {

    private static final List<String> SEEDS = List.of("tcp:127.0.0.1:5760", "tcp-listen:5760", "udp:10.0.0.2:14550",
            "udp-listen:14550", "serial:/dev/ttyUSB0:115200", "serial:/dev/ttyACM0", "pty:/dev/pts/3", "pty:",
            "tcp:[::1]:5760", "tcp:localhost:0");
    private static final List<String> TOKENS = List.of("tcp", "udp", "serial", "pty", "-listen", ":", "/dev/", "5760",
            "115200", "65535", "65536", "0", "localhost", "[::1]", "TCP", "Serial");

    static void exercise(String text) {
        try {
            Endpoint e;
            try {
                e = Endpoint.parse(text);
            } catch (IllegalArgumentException expected) {
                assertNotNull(expected.getMessage(), "an error says what is wrong");
                return;
            }
            assertEquals(e, Endpoint.parse(e.toString()), "'" + e + "' (from '" + text + "') parses back to the same endpoint");
        } catch (RuntimeException | AssertionError x) {
            Path kept = Mutator.keepCrasher("endpoint", text);
            fail("endpoint fuzz input '" + text + "' (kept in " + kept + ") broke a property: " + x, x);
        }
    }

    @Test
    void shouldParseOrExplainMutatedEndpoints() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0003L));
        int iterations = Mutator.iterations(10_000);
        for (int i = 0; i < iterations; i++) {
            exercise(m.mutateOneOf(SEEDS, TOKENS));
        }
    }

    @Test
    void shouldKeepAPtyRateAndRefuseBlanksFoundByTheFuzzer() {
        Endpoint pty = Endpoint.parse("pty:/dev/pts/3:9600");
        assertEquals("pty:/dev/pts/3:9600", pty.toString());
        assertEquals(pty, Endpoint.parse(pty.toString()));
        Endpoint colon = Endpoint.parse("pty:/tmp/a:b");
        assertEquals(colon, Endpoint.parse(colon.toString()));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Endpoint.parse("pty:ty\t:115200"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("control character"), e.getMessage());
    }

    @Test
    void shouldReplayTheKeptInputs() {
        for (Path file : Corpus.files(EndpointFuzzTest.class, "endpoint")) {
            exercise(new String(Corpus.bytes(file), StandardCharsets.UTF_8));
        }
    }
}
