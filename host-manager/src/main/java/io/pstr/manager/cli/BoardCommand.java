package io.pstr.manager.cli;

import io.pstr.manager.BoardProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code pstr board}: the virtual board alone, in its own JVM (hil-rig), with its own options. */
@Command(name = "board", description = "Runs the virtual flight board (a quadcopter behaving like PX4, or like ArduCopter with --autopilot ardupilot) alone, so that any MAVLink ground station or './pstr manager' can connect to it. Try './pstr board --help'.")
public final class BoardCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // The same JVM and collector as the board the demo and the tests start: its record holds no pauses of its own.
        List<String> command = new ArrayList<>(BoardProcess.jvm());
        command.addAll(List.of("-cp", Classpaths.board(), "io.pstr.hilrig.BoardMain"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "board-stop"));
        return p.waitFor();
    }
}
