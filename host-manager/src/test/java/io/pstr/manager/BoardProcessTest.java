package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoardProcessTest {

    @Test
    void shouldChooseACollectorThatThisJdkStartsAndNameItsHeap() throws IOException, InterruptedException {
        List<String> flags = BoardProcess.collector();
        assertTrue(flags.contains("-XX:+UseShenandoahGC") || flags.contains("-XX:+UseSerialGC"), flags.toString());
        assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags.toString());

        // The board's JVM is this JDK's: the command it starts with must start (an unknown collector makes java refuse to).
        List<String> command = new ArrayList<>(BoardProcess.jvm());
        assertTrue(command.containsAll(flags), command.toString());
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "java -version did not end");
        assertEquals(0, java.exitValue(), out);
    }
}
