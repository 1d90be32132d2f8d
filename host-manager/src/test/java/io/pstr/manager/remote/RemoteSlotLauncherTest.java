package io.pstr.manager.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.mavlink.MavlinkSigning;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.Slot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's command line: the slot's replica host, and the link key when one is given. */
class RemoteSlotLauncherTest {

    @TempDir
    Path dir;

    private final ProcessSandboxLauncher local = new ProcessSandboxLauncher("replica.jar", List.of("--laps", "2"));

    @Test
    void shouldGiveTheRelayTheKeyFileAndTheMissionOptions() {
        Path key = dir.resolve("link.key");
        MavlinkSigning.writeKey(key, new byte[32]);
        RemoteSlotLauncher launcher = new RemoteSlotLauncher(local, Map.of(Slot.B, "10.0.0.2:40400"), "replica.jar", key);
        List<String> command = launcher.relayCommand(Slot.B, 4, new ReplicaFiles(dir.resolve("b")));
        int at = command.indexOf("--link-key");
        assertTrue(at > 0, command.toString());
        assertEquals(key.toAbsolutePath().toString(), command.get(at + 1));
        assertTrue(at < command.indexOf("--"), "an option of the relay, not of the replica: " + command);
        assertEquals(List.of("--laps", "2"), command.subList(command.indexOf("--") + 1, command.size()));
        assertEquals("10.0.0.2:40400", command.get(command.indexOf("--remote") + 1));
        assertEquals("remote", launcher.kind(Slot.B));
        assertEquals(local.kind(), launcher.kind(Slot.A));
    }

    @Test
    void shouldGiveNoKeyWhenTheLinkIsNotSigned() {
        RemoteSlotLauncher launcher = new RemoteSlotLauncher(local, Map.of(Slot.A, "10.0.0.2:40400"), "replica.jar");
        assertFalse(launcher.relayCommand(Slot.A, 1, new ReplicaFiles(dir.resolve("a"))).contains("--link-key"));
    }

    @Test
    void shouldRefuseAKeyFileThatHoldsNoKeyBeforeAnyRelayStarts() throws Exception {
        Path missing = dir.resolve("none.key");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RemoteSlotLauncher(local, Map.of(Slot.B, "10.0.0.2:40400"), "replica.jar", missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path shortKey = Files.writeString(dir.resolve("short.key"), "abcd\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> new RemoteSlotLauncher(local, Map.of(Slot.B, "10.0.0.2:40400"), "replica.jar", shortKey));
        assertTrue(e.getMessage().contains("64 hexadecimal digits"), e.getMessage());
    }
}
