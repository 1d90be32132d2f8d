package io.pstr.manager;

import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.manager.sandbox.ReplicaCommand;
import io.pstr.manager.sandbox.SignalledProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each replica as its own JVM process, with no isolation beyond the process boundary; its output
 * goes to a log file beside its rings. The fallback where a namespace jail is not possible.
 */
public final class ProcessSandboxLauncher implements SandboxLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandboxLauncher.class);

    private final ReplicaCommand command;
    private final List<String> replicaArgs;

    /**
     * @param classpath   the app-flightctl runtime classpath
     * @param replicaArgs mission options given to every replica (both must get the same)
     */
    public ProcessSandboxLauncher(String classpath, List<String> replicaArgs) {
        this(ReplicaCommand.replica(classpath, replicaArgs), replicaArgs);
    }

    /**
     * @param replicaArgs     mission options given to every replica (both must get the same)
     * @param outliveManager  true: the replicas keep running when the host manager's process exits, for a new
     *                        manager to re-attach to ({@code --survive-restart})
     */
    public ProcessSandboxLauncher(String classpath, List<String> replicaArgs, boolean outliveManager) {
        this(ReplicaCommand.replica(classpath, outliveManager ? withNoExitWithParent(replicaArgs) : replicaArgs), replicaArgs,
                outliveManager);
    }

    public ProcessSandboxLauncher(ReplicaCommand command) {
        this(command, List.of(), false);
    }

    private ProcessSandboxLauncher(ReplicaCommand command, List<String> replicaArgs) {
        this(command, replicaArgs, false);
    }

    private ProcessSandboxLauncher(ReplicaCommand command, List<String> replicaArgs, boolean outliveManager) {
        this.command = command;
        this.replicaArgs = List.copyOf(replicaArgs);
        this.outliveManager = outliveManager;
    }

    private final boolean outliveManager;

    private static List<String> withNoExitWithParent(List<String> args) {
        List<String> all = new java.util.ArrayList<>(args);
        all.add("--no-exit-with-parent");
        return all;
    }

    @Override
    public boolean outlivesManager() {
        return outliveManager;
    }

    @Override
    public List<String> replicaArgs() {
        return replicaArgs;
    }

    @Override
    public Sandbox launch(Slot slot, int incarnation, ReplicaFiles files) {
        // Started at low priority, settled by Sandbox.running once it is ready.
        List<String> cmd = new ArrayList<>(ThreadPriority.startingPrefix(ThreadPriority.processMode()));
        cmd.addAll(command.command(slot, incarnation, files));
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()));
        try {
            Process process = builder.start();
            LOG.info("replica {} incarnation {} launched as pid {}", slot, incarnation, process.pid());
            return new SignalledProcess(process, process.pid(), () -> { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch replica " + slot + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String kind() {
        return "process";
    }
}
