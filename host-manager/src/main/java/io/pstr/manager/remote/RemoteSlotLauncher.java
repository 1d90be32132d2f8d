package io.pstr.manager.remote;

import io.pstr.core.remote.RemoteLink;
import io.pstr.core.rt.Jvm;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.Slot;
import io.pstr.manager.sandbox.ReplicaCommand;
import io.pstr.manager.sandbox.SignalledProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas on this computer as {@code local} launches them, and for the slots given, a replica on another computer:
 * the slot gets a relay process ({@code io.pstr.flightctl.remote.ReplicaRelayMain}) that stands in for the replica in
 * the run directory and reaches {@code pstr replica-host} there over Aeron UDP. The host manager sees the relay as
 * the replica: its signals, its lifeline, its files. The relay runs as a plain process: it needs the network a jail
 * takes away.
 */
public final class RemoteSlotLauncher implements SandboxLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSlotLauncher.class);
    /** The relay's main class (in app-flightctl, beside the replica's). */
    static final String RELAY_MAIN = "io.pstr.flightctl.remote.ReplicaRelayMain";

    private final SandboxLauncher local;
    private final Map<Slot, String> remote;
    private final String classpath;
    private final java.nio.file.Path linkKey;

    /**
     * @param remote    the slots whose replica runs elsewhere, each with the {@code HOST:PORT} its replica host listens on
     * @param classpath the app-flightctl runtime classpath (the relay's)
     */
    public RemoteSlotLauncher(SandboxLauncher local, Map<Slot, String> remote, String classpath) {
        this(local, remote, classpath, null);
    }

    /**
     * @param linkKey the key file the relays sign the link with (the replica host's {@code --link-key}); null: not signed
     * @throws IllegalArgumentException when the key file cannot be read or holds no key
     */
    public RemoteSlotLauncher(SandboxLauncher local, Map<Slot, String> remote, String classpath, java.nio.file.Path linkKey) {
        if (linkKey != null) {
            RemoteLink.Key.load(linkKey); // read now: a bad file is an error of the options, not of every relay
        }
        this.linkKey = linkKey == null ? null : linkKey.toAbsolutePath();
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalArgumentException("no replica classpath: build the project (./pstr build) or set pstr.replica.classpath");
        }
        this.local = local;
        this.remote = new EnumMap<>(Slot.class);
        remote.forEach((slot, endpoint) -> this.remote.put(slot, RemoteLink.checkEndpoint(endpoint, false)));
        this.classpath = classpath;
    }

    /** The relay's command line for {@code slot}'s incarnation. */
    List<String> relayCommand(Slot slot, int incarnation, ReplicaFiles files) {
        List<String> command = new ArrayList<>();
        command.add(Jvm.javaBinary());
        // The replica's small-footprint options but its C1-only compiler: the relay runs the same loop for the whole flight.
        ReplicaCommand.JVM_OPTIONS.stream().filter(o -> !o.startsWith("-XX:TieredStopAtLevel")).forEach(command::add);
        command.addAll(List.of("-Dpstr.replica=relay-" + slot + "-" + incarnation, "-cp", classpath, RELAY_MAIN,
                "--dir", files.dir().toString(), "--slot", slot.name(), "--incarnation", Integer.toString(incarnation),
                "--remote", remote.get(slot), "--priority",
                ThreadPriority.processMode().name().toLowerCase(java.util.Locale.ROOT)));
        if (linkKey != null) {
            command.addAll(List.of("--link-key", linkKey.toString()));
        }
        command.add("--");
        command.addAll(local.replicaArgs());
        return command;
    }

    @Override
    public Sandbox launch(Slot slot, int incarnation, ReplicaFiles files) {
        if (!remote.containsKey(slot)) {
            return local.launch(slot, incarnation, files);
        }
        ProcessBuilder builder = new ProcessBuilder(relayCommand(slot, incarnation, files))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()));
        try {
            Process process = builder.start();
            LOG.info("replica {} incarnation {}: relay to the replica host at {} launched as pid {}", slot, incarnation,
                    remote.get(slot), process.pid());
            return new Relay(new SignalledProcess(process, process.pid(), () -> { }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch the relay of replica " + slot + ": " + e.getMessage(), e);
        }
    }

    /**
     * A relay process: signalled as a replica's, but started at normal priority with its Aeron driver's thread already
     * raised as a link's; when ready, its agent and VM threads are raised and nothing is put back.
     */
    private record Relay(SignalledProcess process) implements Sandbox {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public boolean dying() {
            return process.dying();
        }

        @Override
        public void kill() {
            process.kill();
        }

        @Override
        public void stop() {
            process.stop();
        }

        @Override
        public void resume() {
            process.resume();
        }

        @Override
        public void running(ThreadPriority.Mode mode, String agentThread) {
            ThreadPriority.applyToThread(mode, pid(), agentThread, ThreadPriority.REPLICA_NICE);
            ThreadPriority.applyToThread(mode, pid(), ThreadPriority.VM_THREAD, ThreadPriority.REPLICA_NICE);
        }
    }

    @Override
    public List<String> replicaArgs() {
        return local.replicaArgs();
    }

    @Override
    public String kind() {
        return local.kind();
    }

    /** {@code remote} for a slot whose replica runs on a replica host (its CPU and memory in the status are the relay's). */
    @Override
    public String kind(Slot slot) {
        return remote.containsKey(slot) ? "remote" : local.kind();
    }

    @Override
    public void hide(java.nio.file.Path dir) {
        local.hide(dir);
    }
}
