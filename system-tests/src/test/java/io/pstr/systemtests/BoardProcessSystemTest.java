package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.record.BoardRecordWriter;
import io.pstr.core.rt.Jvm;
import io.pstr.manager.cli.Classpaths;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A virtual board started by a tool goes when the tool goes, even when the tool is killed with SIGKILL. */
@Timeout(180)
class BoardProcessSystemTest {

    @TempDir
    Path dir;

    @Test
    void shouldStopTheBoardWhenTheProcessThatStartedItIsKilled() throws Exception {
        Process parent = new ProcessBuilder(Jvm.javaBinary(), "-Xmx64m",
                "-D" + Classpaths.BOARD + "=" + System.getProperty(Classpaths.BOARD),
                "-cp", System.getProperty("java.class.path"), BoardParent.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long boardPid = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("BOARD "), "the parent did not start its board: " + line);
            boardPid = Long.parseLong(line.substring("BOARD ".length()).trim());
            ProcessHandle board = ProcessHandle.of(boardPid).orElseThrow(() -> new AssertionError("no board process"));

            parent.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs
            assertEquals(137, parent.waitFor(), "the parent was killed by SIGKILL");

            await("the orphaned board exits").atMost(Duration.ofSeconds(60)).until(() -> !board.isAlive());
            assertTrue(Files.readString(dir.resolve("board.csv")).startsWith(BoardRecordWriter.HEADER), "the board's record is there");
        } finally {
            parent.destroyForcibly();
            if (boardPid > 0) {
                ProcessHandle.of(boardPid).ifPresent(ProcessHandle::destroyForcibly); // not left behind when the test fails
            }
        }
    }
}
