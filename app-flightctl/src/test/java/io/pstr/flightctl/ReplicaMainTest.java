package io.pstr.flightctl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplicaMainTest {

    private static ReplicaMain parse(String... extra) {
        ReplicaMain main = new ReplicaMain();
        String[] args = new String[4 + extra.length];
        args[0] = "--dir";
        args[1] = "/nonexistent";
        args[2] = "--slot";
        args[3] = "A";
        System.arraycopy(extra, 0, args, 4, extra.length);
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void shouldExitWithTheHostManagerUnlessToldNotTo() {
        assertTrue(parse().exitWithParent, "default");
        assertTrue(parse("--exit-with-parent").exitWithParent);
        assertFalse(parse("--no-exit-with-parent").exitWithParent, "a replica meant to outlive its manager");
    }
}
