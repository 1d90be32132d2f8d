package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.channel.ChannelAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagerStateTest {

    @TempDir
    Path dir;

    private static ManagerState state() {
        return new ManagerState(4242, 1234, "/dev/shm/pstr-test", 20, "process", List.of("--laps", "3"), 5, Slot.B, Slot.A, 900, true, 1_700_000_000_000L,
                List.of(new ManagerState.Replica(Slot.A, 2, 5001, 777, "A-2", new ChannelAddress(UUID.randomUUID(), 1)),
                        new ManagerState.Replica(Slot.B, 1, 5002, 778, "B-1", new ChannelAddress(UUID.randomUUID(), 1))));
    }

    @Test
    void shouldReadBackWhatItWrote() {
        ManagerState written = state();
        written.write(dir);
        assertEquals(written, ManagerState.read(dir));
        assertFalse(Files.exists(dir.resolve(ManagerState.FILE_NAME + ".tmp")), "the temporary file was renamed");
    }

    @Test
    void shouldSayThereIsNothingToAttachToWithoutAStateFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ManagerState.read(dir));
        assertTrue(e.getMessage().contains("nothing to attach to"), e.getMessage());
        state().write(dir);
        ManagerState.remove(dir);
        assertThrows(IllegalArgumentException.class, () -> ManagerState.read(dir));
    }

    @Test
    void shouldRefuseGarbageTruncationAndInconsistentStatesNamingTheFile() throws Exception {
        state().write(dir);
        String good = Files.readString(dir.resolve(ManagerState.FILE_NAME));
        List<String> bad = List.of(
                "",
                "\u0000\u0001garbage",
                good.substring(0, good.length() / 2),
                "[1,2,3]",
                good.replace("pstr-manager-state/1", "pstr-manager-state/9"),
                good.replace("\"A-2\"", "\"../../etc\""),
                good.replace("\"B-1\"", "\"A-1\""),
                good.replace("\"slot\" : \"B\"", "\"slot\" : \"A\""),
                good.replace("\"holder\" : \"B\"", "\"holder\" : \"C\""),
                good.replace("\"epoch\" : 5", "\"epoch\" : -5"),
                good.replace("\"pid\" : 5001", "\"pid\" : 1"),
                good.replace("\"pid\" : 5001", "\"pid\" : \"5001\""),
                good.replace("\"periodMs\" : 20", "\"periodMs\" : 0"),
                good.replace("/dev/shm/pstr-test", "relative/dir"),
                good.replace("/dev/shm/pstr-test", "/dev/shm/../etc"),
                good.replace("\"sandbox\" : \"process\"", "\"sandbox\" : \"vm\""),
                good.replace("\"started\" : true", "\"started\" : \"yes\""),
                good.replaceAll("\"channelAddress\" : \"[^\"]*\"", "\"channelAddress\" : \"not-an-address\""));
        for (String text : bad) {
            Files.writeString(dir.resolve(ManagerState.FILE_NAME), text, StandardCharsets.UTF_8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ManagerState.read(dir), text);
            assertTrue(e.getMessage().contains(ManagerState.FILE_NAME), e.getMessage());
        }
        Files.write(dir.resolve(ManagerState.FILE_NAME), new byte[100 * 1024]);
        assertThrows(IllegalArgumentException.class, () -> ManagerState.read(dir));
    }

    @Test
    void shouldTellThisProcessFromAReusedPid() {
        ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(self.alive());
        assertFalse(new ProcessIdentity(self.pid(), self.startTicks() + 1).alive(), "same pid, another start time");
        assertEquals(-1, ProcessIdentity.startTicks("garbage"));
        assertEquals(12345, ProcessIdentity.startTicks("77 (a b) c) S 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 1000 5"));
    }

    @Test
    void shouldKeepOneManagerPerRunDirectory() {
        ManagerLock first = ManagerLock.acquire(dir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ManagerLock.acquire(dir));
        assertTrue(e.getMessage().contains("already runs"), e.getMessage());
        first.close();
        ManagerLock again = ManagerLock.acquire(dir);
        assertTrue(Files.exists(dir.resolve(ManagerLock.FILE_NAME)));
        again.close();
    }
}
