package io.pstr.manager.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pstr.core.fuzz.Corpus;
import io.pstr.core.fuzz.Mutator;
import io.pstr.core.link.Endpoint;
import io.pstr.manager.HostManager;
import io.pstr.manager.journal.Journal;
import io.pstr.manager.sandbox.ByteSize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Fuzzes the manager's configuration: mutated command lines of {@code manager}/{@code demo} options
 * through picocli and {@link ManagerOptions#context}, and sizes through {@link ByteSize}. Properties: bad
 * input ends in a picocli {@link CommandLine.ParameterException} or an {@link IllegalArgumentException}
 * with a message, never another exception; no value that is not a finite number is accepted for a number.
 */
class OptionsFuzzTest {

    @Command(name = "fuzz")
    static final class Holder {
        @Mixin
        ManagerOptions options = new ManagerOptions();
    }

    private static final List<String> SEEDS = List.of(
            "--period-ms 20 --grace-ms 3 --policy revertive --holdoff-ms 2000",
            "--period-ms 40 --grace-ms 1.5 --policy non-revertive --hang-timeout-ms 300 --link-rate 57600",
            "--takeoff-alt-m 10 --square-m 20 --cruise-mps 4 --sandbox process --replica-cpu 0.5 --replica-memory 128m",
            "--api-port 0 --api-host 127.0.0.1 --sandbox process");
    private static final List<String> TOKENS = List.of(" ", "--period-ms ", "--grace-ms ", "--holdoff-ms ", "--hang-timeout-ms ",
            "--link-rate ", "--replica-cpu ", "--replica-memory ", "--takeoff-alt-m ", "--cruise-mps ", "--policy ",
            "--sandbox ", "NaN", "Infinity", "-Infinity", "-1", "0", "1e9", "0x10", "1.5", "9223372036854775807", "revertive",
            "process", "256m", "=");

    private static final java.util.Set<String> NUMERIC = java.util.Set.of("--period-ms", "--grace-ms", "--holdoff-ms",
            "--hang-timeout-ms", "--link-rate", "--api-port", "--replica-cpu", "--takeoff-alt-m", "--square-m", "--cruise-mps");

    static void exercise(String line) {
        String[] args = line.trim().isEmpty() ? new String[0] : line.trim().split("\\s+");
        try {
            Holder h = new Holder();
            try {
                new CommandLine(h).parseArgs(args);
                // Never a jail here: a fuzz test must not start sandboxes; process is what it validates.
                List<String> safe = new ArrayList<>(Arrays.asList(args));
                h.options.sandbox = "process";
                HostManager.Context ctx = h.options.context(Endpoint.parse("tcp:127.0.0.1:5760"), Path.of("target", "fuzz-run"),
                        Journal.inMemory());
                for (int i = 0; i < safe.size(); i++) {
                    String a = safe.get(i);
                    int eq = a.indexOf('=');
                    String name = eq > 0 ? a.substring(0, eq) : a;
                    String value = eq > 0 ? a.substring(eq + 1) : i + 1 < safe.size() ? safe.get(i + 1) : "";
                    if (NUMERIC.contains(name)) {
                        String v = value.toLowerCase(Locale.ROOT);
                        assertTrue(!v.contains("nan") && !v.contains("infinity"),
                                "a number that is not finite was accepted for " + name + ": " + line + " -> grace " + ctx.graceNs);
                    }
                }
            } catch (CommandLine.ParameterException | IllegalArgumentException expected) {
                assertNotNull(expected.getMessage(), "an error says what is wrong");
            }
        } catch (RuntimeException | AssertionError e) {
            Path kept = Mutator.keepCrasher("options", line);
            fail("options fuzz input '" + line + "' (kept in " + kept + ") broke a property: " + e, e);
        }
    }

    @Test
    void shouldAcceptOrExplainMutatedCommandLines() {
        System.setProperty("pstr.replica.classpath", "unused-by-this-test");
        Mutator m = new Mutator(Mutator.seed(0x5EED_0005L));
        int iterations = Mutator.iterations(300);
        for (int i = 0; i < iterations; i++) {
            exercise(m.mutateOneOf(SEEDS, TOKENS));
        }
    }

    @Test
    void shouldParseOrExplainMutatedSizes() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0006L));
        List<String> seeds = List.of("256m", "1g", "512k", "268435456", "64MiB", "100b");
        for (int i = 0; i < Mutator.iterations(5_000); i++) {
            String text = m.mutate(m.pick(seeds), List.of("k", "m", "g", "t", "i", "b", "9", " ", "-", "."));
            try {
                long bytes = ByteSize.parse(text);
                assertTrue(bytes >= 0, text);
            } catch (IllegalArgumentException expected) {
                assertNotNull(expected.getMessage());
            } catch (RuntimeException e) {
                fail("size '" + text + "' (kept in " + Mutator.keepCrasher("size", text) + "): " + e, e);
            }
        }
    }

    @Test
    void shouldReplayTheKeptInputs() {
        System.setProperty("pstr.replica.classpath", "unused-by-this-test");
        for (Path file : Corpus.files(OptionsFuzzTest.class, "options")) {
            exercise(new String(Corpus.bytes(file), StandardCharsets.UTF_8));
        }
    }
}
