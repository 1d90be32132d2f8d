package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pstr.core.record.BoardRecord;
import io.pstr.core.rt.Jvm;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.BoardProcess;
import io.pstr.manager.FailoverReport;
import io.pstr.manager.ManagerState;
import io.pstr.manager.api.ApiClient;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.journal.Journal;
import io.pstr.manager.sandbox.Cgroups;
import io.pstr.manager.sandbox.JailLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host manager itself killed and restarted: the first manager runs with {@code --survive-restart} in a JVM
 * of its own and gets a real SIGKILL in flight; the replica JVMs it started keep running; a second manager
 * process started with {@code --attach RUN_DIR} takes them over. The judge is the journal (one file, both
 * managers) and the board's own record.
 */
@Timeout(240)
class ManagerRestartSystemTest {

    private static final int PERIOD_MS = FlyingSystem.PERIOD_MS;
    private static final Pattern API = Pattern.compile("API http://([0-9.]+:[0-9]+)");

    @Test
    void shouldReattachToTheSurvivingReplicasWithOneHolderAndNoEpochGoingBackwards() throws Exception {
        killManagerAndReattach("process");
    }

    @Test
    void shouldReattachToSurvivingJailedReplicas() throws Exception {
        Optional<String> reason = JailLauncher.unavailableReason(Cgroups.detect());
        assumeTrue(reason.isEmpty(), () -> "namespace jails are not possible on this host: " + reason.orElse(""));
        killManagerAndReattach("jail");
    }

    private static void killManagerAndReattach(String sandbox) throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path dir = Path.of("target", "system-runs", "manager-restart-" + sandbox + "-" + stamp).toAbsolutePath();
        // A board whose offboard-loss failsafe (PX4's COM_OF_LOSS_T) outlasts the manager's restart: the aircraft
        // holds its last setpoint meanwhile. With the default 0.5 s the board's failsafe would fly the gap.
        BoardProcess board = BoardProcess.start(Classpaths.board(), dir, List.of("--failsafe-timeout-ms", "30000"), 60_000);
        try {
            List<String> common = List.of("--board", board.endpoint(), "--api-port", "0", "--period-ms", Integer.toString(PERIOD_MS),
                    "--holdoff-ms", "1000", "--hang-timeout-ms", "2000", "--sandbox", sandbox, "--laps", "30");

            Process first = startManager(dir, "manager-1", common, List.of("--run-dir", dir.toString(), "--survive-restart"));
            SystemStatus before;
            Map<String, Long> pids;
            try {
                ApiClient api = awaitApi(dir.resolve("manager-1.out"), first);
                await("aircraft cruising the square with both replicas in step").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(200)).until(() -> {
                            SystemStatus s = api.status();
                            return "PRIMARY_ACTIVE".equals(s.state()) && s.aircraft().altitudeM() > 9.0 && s.aircraft().northM() > 2.0;
                        });
                before = api.status();
                pids = pids(before);
                long epoch = before.epoch();
                await("the re-attach state names both replicas").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            ManagerState st = ManagerState.read(dir);
                            return st.replicas().size() == 2 && st.epoch() == epoch;
                        });
            } catch (RuntimeException | Error e) {
                first.destroyForcibly();
                throw e;
            }

            // SIGKILL: no shutdown hook, no close; the kernel closes the board link.
            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS), "the first manager is gone");
            assertEquals(128 + 9, first.exitValue(), "killed by SIGKILL");

            List<ReplicaStatusFile> statusFiles = new ArrayList<>();
            Map<String, Long> heartbeats = new TreeMap<>();
            // The replicas' shared-memory files: on tmpfs, linked from the run directory as 'shm', where there is one.
            Path shm = Files.isDirectory(dir.resolve("shm")) ? dir.resolve("shm") : dir;
            for (ReplicaStatus r : before.replicas()) {
                ReplicaStatusFile f = ReplicaStatusFile.open(shm.resolve(r.slot() + "-" + r.incarnation()).resolve("status.dat"));
                statusFiles.add(f);
                heartbeats.put(r.slot(), f.get(Field.HEARTBEAT_NS));
            }
            try {
                // With no manager, no ticks and no frames: the replicas idle, beat, and do not fail themselves.
                await("both replicas keep beating without a manager").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> statusFiles.stream().allMatch(f -> f.get(Field.HEARTBEAT_NS)
                                > heartbeats.get(slotOf(before, f, statusFiles)) + TimeUnit.MILLISECONDS.toNanos(300)));
                pids.values().forEach(pid -> assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "replica pid " + pid + " outlived the manager"));
            } finally {
                statusFiles.forEach(ReplicaStatusFile::close);
            }

            Process second = startManager(dir, "manager-2", common, List.of("--attach", dir.toString()));
            SystemStatus after;
            long attachedCycle;
            try {
                ApiClient api = awaitApi(dir.resolve("manager-2.out"), second);
                await("back to full redundancy under the new manager").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).until(() -> {
                            SystemStatus s = api.status();
                            return "PRIMARY_ACTIVE".equals(s.state()) && s.replicas().stream().allMatch(r -> "RUNNING".equals(r.health()));
                        });
                after = api.status();
                attachedCycle = after.cycle();
                await("flying on under the new manager").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> api.status().cycle() > attachedCycle + 50);
            } finally {
                second.destroy();
                if (!second.waitFor(20, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
            assertEquals(pids, pids(after), "the same replica processes fly on");
            assertEquals(before.holder(), after.holder(), "the same holder");
            assertTrue(after.epoch() > before.epoch(), "a new epoch: " + before.epoch() + " -> " + after.epoch());
            // A clean stop of the second manager stops the replicas (Ctrl-C stops everything) and leaves nothing to attach to.
            await("replicas stopped with the manager").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pids.values().stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
            assertFalse(Files.exists(ManagerState.fileIn(dir)), "state file removed on a clean stop");

            // SIGTERM: the board flushes its record.
            board.close();
            List<JournalEvent> events = Journal.read(dir.resolve("journal.jsonl"));
            String journal = events.stream().map(Journal::describe).collect(Collectors.joining("\n"));
            for (int i = 0; i < events.size(); i++) {
                assertEquals(i + 1, events.get(i).seq(), "event numbers continue across the restart\n" + journal);
                if (i > 0) {
                    assertTrue(events.get(i).epoch() >= events.get(i - 1).epoch(), "epoch never goes backwards\n" + journal);
                }
            }
            JournalEvent attach = events.stream().filter(e -> "ATTACH".equals(e.type())).findFirst().orElseThrow();
            assertEquals(after.epoch(), attach.epoch(), journal);
            assertEquals(before.holder(), attach.slot(), journal);
            assertEquals(2, events.stream().filter(e -> "START".equals(e.type()) && e.slot() == null).count(), "two managers\n" + journal);

            List<BoardRecord> record = new io.pstr.core.record.BoardRecordReader().read(board.record());
            List<BoardRecord.Setpoint> setpoints = record.stream().filter(BoardRecord.Setpoint.class::isInstance)
                    .map(BoardRecord.Setpoint.class::cast).toList();
            assertEquals(0, FailoverReport.stale(setpoints, Long.MIN_VALUE, Long.MAX_VALUE, PERIOD_MS, false),
                    "no setpoint for a cycle older than one already accepted: nothing stale, no second holder");
            assertEquals(0, FailoverReport.stale(setpoints, Long.MIN_VALUE, Long.MAX_VALUE, PERIOD_MS, true),
                    "no cycle accepted twice: one source per cycle");
            assertTrue(setpoints.stream().anyMatch(s -> s.monoNs() > attach.monoNs()), "setpoints reached the board after the attach");
            assertTrue(record.stream().filter(BoardRecord.ModeChange.class::isInstance).map(BoardRecord.ModeChange.class::cast)
                    .noneMatch(m -> m.mode().contains("FAILSAFE")), "the board never fell back on its failsafe");
        } finally {
            board.close();
        }
    }

    private static String slotOf(SystemStatus status, ReplicaStatusFile f, List<ReplicaStatusFile> files) {
        return status.replicas().get(files.indexOf(f)).slot();
    }

    private static Map<String, Long> pids(SystemStatus s) {
        Map<String, Long> pids = new TreeMap<>();
        s.replicas().forEach(r -> pids.put(r.slot(), r.pid()));
        return pids;
    }

    /** A host manager in a JVM of its own, as ./pstr runs it; its standard output and error go to NAME.out. */
    private static Process startManager(Path dir, String name, List<String> common, List<String> extra) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(Jvm.javaBinary(),
                Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-XX:+UseSerialGC", "-Xmx256m",
                "-D" + Classpaths.REPLICA + "=" + Classpaths.replica(),
                "-cp", System.getProperty("pstr.manager.classpath"), "io.pstr.manager.cli.PstrMain", "manager"));
        command.addAll(common);
        command.addAll(extra);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".out").toFile())).start();
    }

    /** The API of a manager, once it has printed where it listens. */
    private static ApiClient awaitApi(Path out, Process manager) {
        String[] address = new String[1];
        await("host manager up (" + out + ")").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!manager.isAlive()) {
                throw new AssertionError("the host manager exited (" + manager.exitValue() + "): "
                        + (Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : ""));
            }
            if (!Files.exists(out)) {
                return false;
            }
            Matcher m = API.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                address[0] = m.group(1);
                return true;
            }
            return false;
        });
        return new ApiClient(address[0], null);
    }
}
