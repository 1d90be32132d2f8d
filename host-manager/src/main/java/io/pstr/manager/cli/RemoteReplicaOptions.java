package io.pstr.manager.cli;

import io.pstr.core.remote.RemoteLink;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.Slot;
import io.pstr.manager.remote.RemoteSlotLauncher;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --remote-replica} and {@code --remote-key}: a replica on another computer, for every command that runs the
 * system ({@code manager}, {@code demo}, {@code soak}, {@code hil}, {@code bench failover}).
 */
public final class RemoteReplicaOptions {

    @Option(names = "--remote-replica", paramLabel = "SLOT=HOST:PORT",
            description = "Run the replica of SLOT (A or B) on another computer, where `pstr replica-host --listen HOST:PORT` "
                    + "runs: a relay process takes its place here and carries its input, output, status and direct-channel "
                    + "packets over Aeron UDP. Repeat for the other slot. Not with --survive-restart or --attach. Default: "
                    + "both replicas here.")
    Map<String, String> replicas = new LinkedHashMap<>();

    @Option(names = "--remote-key", paramLabel = "FILE",
            description = "With --remote-replica: sign the link to the replica host with this key, and take only what it "
                    + "signed (32 bytes, raw or 64 hex digits; the replica host's --link-key). Without it the link is not "
                    + "signed: use it on a network only the flight system's computers share.")
    Path key;

    /** Whether any replica runs on another computer. */
    public boolean any() {
        return !replicas.isEmpty();
    }

    /**
     * The launcher of the replicas: {@code local} for the slots run here, a relay for those on another computer.
     *
     * @throws IllegalArgumentException naming the bad option (an unknown slot, a bad endpoint, a key with no link)
     */
    public SandboxLauncher launcher(SandboxLauncher local, String replicaClasspath) {
        Map<Slot, String> slots = check();
        return slots.isEmpty() ? local : new RemoteSlotLauncher(local, slots, replicaClasspath, key);
    }

    /**
     * Checks the options before anything starts.
     *
     * @return the replica host of each slot run on another computer (empty: none)
     * @throws IllegalArgumentException naming the bad option (an unknown slot, a bad endpoint, a key with no link)
     */
    public Map<Slot, String> check() {
        if (key != null && replicas.isEmpty()) {
            throw new IllegalArgumentException("--remote-key without --remote-replica: there is no link to sign");
        }
        return slots(replicas);
    }

    /** Which replicas run where, for a report: "replica B on a replica host at HOST:PORT, link signed"; empty if none. */
    public String describe() {
        if (replicas.isEmpty()) {
            return "";
        }
        Map<Slot, String> slots = slots(replicas);
        return "replica " + slots.keySet().stream().map(Enum::name).collect(java.util.stream.Collectors.joining(", "))
                + " on a replica host at " + String.join(", ", slots.values()) + (key != null ? ", link signed" : ", link not signed");
    }

    /** {@code --remote-replica}'s values by slot, checked. */
    static Map<Slot, String> slots(Map<String, String> given) {
        Map<Slot, String> slots = new EnumMap<>(Slot.class);
        given.forEach((slot, endpoint) -> {
            Slot s;
            try {
                s = Slot.valueOf(slot.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--remote-replica: unknown slot '" + slot + "' (A or B)", e);
            }
            try {
                slots.put(s, RemoteLink.checkEndpoint(endpoint.trim(), false));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--remote-replica " + slot + ": " + e.getMessage(), e);
            }
        });
        return slots;
    }
}
