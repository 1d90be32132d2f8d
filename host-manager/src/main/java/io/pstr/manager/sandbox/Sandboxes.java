package io.pstr.manager.sandbox;

import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.SandboxLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the replicas' sandbox from the {@code --sandbox} option and what the host allows. */
public final class Sandboxes {

    private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

    /** The {@code --sandbox} choices. */
    public enum Mode {
        /** A jail where the host allows it, else a plain process with a warning. */
        AUTO,
        /** A jail, or an error. */
        JAIL,
        /** A plain process. */
        PROCESS;

        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown sandbox '" + text + "': auto, jail or process", e);
            }
        }
    }

    private Sandboxes() {
    }

    /**
     * The launcher for the replica JVMs.
     *
     * @param classpath   app-flightctl's runtime classpath
     * @param replicaArgs mission options every replica gets
     */
    public static SandboxLauncher forReplicas(Mode mode, String classpath, List<String> replicaArgs, Cgroups.Limits limits) {
        return forReplicas(mode, classpath, replicaArgs, limits, false);
    }

    /**
     * The launcher for the replica JVMs.
     *
     * @param outliveManager true: the replicas keep running when the host manager's process goes (no exit with
     *                       the parent, no parent-death signal for a jail), for a new manager to re-attach to
     */
    public static SandboxLauncher forReplicas(Mode mode, String classpath, List<String> replicaArgs, Cgroups.Limits limits,
            boolean outliveManager) {
        if (mode == Mode.PROCESS) {
            return new ProcessSandboxLauncher(classpath, replicaArgs, outliveManager);
        }
        List<String> jailed = new ArrayList<>(replicaArgs);
        // In its PID namespace a replica cannot see the host manager's process: its wrapper gets SIGKILL
        // when the host manager goes (parent-death signal) and takes the replica with it.
        jailed.add("--no-exit-with-parent");
        SandboxLauncher chosen = choose(mode, ReplicaCommand.replica(classpath, jailed),
                new ProcessSandboxLauncher(classpath, replicaArgs, outliveManager), limits);
        return chosen instanceof JailLauncher jail ? jail.withReplicaArgs(replicaArgs).outliveManager(outliveManager) : chosen;
    }

    /** A jail running {@code jailed}, or {@code fallback} (AUTO only) where the host does not allow jails. */
    public static SandboxLauncher choose(Mode mode, ReplicaCommand jailed, SandboxLauncher fallback, Cgroups.Limits limits) {
        if (mode == Mode.PROCESS) {
            return fallback;
        }
        Cgroups.Result cgroups = Cgroups.detect();
        Optional<String> reason = JailLauncher.unavailableReason(cgroups);
        if (reason.isPresent()) {
            if (mode == Mode.JAIL) {
                throw new IllegalArgumentException("--sandbox jail is not possible on this host: " + reason.get());
            }
            LOG.warn("replica sandbox: namespace jail not possible here ({}); replicas run as plain processes "
                    + "without network, file-system or cgroup isolation", reason.get());
            return fallback;
        }
        JailLauncher jail = new JailLauncher(jailed, cgroups.cgroups().orElseThrow(), limits);
        LOG.info("replica sandbox: namespace jail, {} each, {}", limits, jail.cgroups().describe());
        return jail;
    }
}
