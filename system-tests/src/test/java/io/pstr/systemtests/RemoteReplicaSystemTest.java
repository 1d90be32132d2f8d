package io.pstr.systemtests;

import static io.pstr.systemtests.FlyingSystem.PERIOD_MS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.link.FreePorts;
import io.pstr.core.mavlink.MavlinkSigning;
import io.pstr.core.rt.Jvm;
import io.pstr.core.status.Fault;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.manager.FailoverReport;
import io.pstr.manager.Slot;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.cli.ManagerOptions;
import io.pstr.manager.remote.RemoteSlotLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shadow on "another computer": {@code pstr replica-host} in a process of its own, reached over loopback UDP
 * (Aeron), the replica it runs in a process of its own again, a relay process in the slot here. Faults are real
 * signals; the board's record is the judge.
 */
@Timeout(300)
class RemoteReplicaSystemTest {

    @Test
    void shouldFlyWithOneReplicaOnAReplicaHostThroughAFailoverEachWay() throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path hostDir = Path.of("target", "system-runs", "replica-host-" + stamp).toAbsolutePath();
        int port = FreePorts.udp();
        // The link signed, as a drone team would run it: one key file, given to both ends.
        Files.createDirectories(hostDir);
        Path key = hostDir.resolve("link.key");
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        MavlinkSigning.writeKey(key, secret);
        Process replicaHost = startReplicaHost(hostDir, port, key);
        Map<String, Object> report;
        try {
            await("replica host listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> output(hostDir).contains("listening on"));
            assertTrue(output(hostDir).contains("signed)"), output(hostDir));
            try (FlyingSystem system = new FlyingSystem("remote", 1000, ctx -> {
                ctx.launcher = new RemoteSlotLauncher(ctx.launcher, Map.of(Slot.B, "127.0.0.1:" + port), Classpaths.replica(), key);
                ctx.graceNs = (long) (ManagerOptions.DEFAULT_REMOTE_GRACE_MS * 1_000_000);
            })) {
                system.awaitCruising();
                assertEquals("A", system.status().holder());
                await("the remote shadow in step").atMost(Duration.ofSeconds(30))
                        .until(() -> "RUNNING".equals(replica(system, "B").health()));
                assertEquals("remote", replica(system, "B").sandbox());
                assertEquals("process", replica(system, "A").sandbox());
                assertTrue(sessionLogs(hostDir).anyMatch(log -> log.contains("replica B: running, fresh mission")),
                        "the replica host ran the shadow itself");

                system.running.manager().injectFault(Fault.KILL_PRIMARY);
                await("the remote shadow holds the I/O").atMost(Duration.ofSeconds(20))
                        .until(() -> "B".equals(system.status().holder()));
                await("primary restarted here, in step, and holding again").atMost(Duration.ofSeconds(60))
                        .until(() -> "A".equals(system.status().holder()) && "PRIMARY_ACTIVE".equals(system.status().state()));

                long relay = replica(system, "B").pid();
                system.running.manager().injectFault(Fault.KILL_SHADOW);
                await("a new relay and a new remote shadow, in step").atMost(Duration.ofSeconds(60))
                        .until(() -> replica(system, "B").pid() != relay && "RUNNING".equals(replica(system, "B").health())
                                && "PRIMARY_ACTIVE".equals(system.status().state()));
                assertTrue(output(hostDir).contains("replica B incarnation 1: session ends"),
                        "the replica host ended the killed relay's replica: " + output(hostDir));
                assertTrue(system.status().aircraft().altitudeM() > 8, "the aircraft kept flying");
                report = system.stopAndReport();
            }
        } finally {
            replicaHost.destroy();
            replicaHost.waitFor(30, TimeUnit.SECONDS);
        }
        List<FailoverReport.Failover> changes = FlyingSystem.failovers(report);
        assertTrue(changes.size() >= 2, "a failover to the remote shadow and a failback: " + changes);
        assertEquals("PROCESS_EXIT", changes.get(0).cause());
        assertEquals("B", changes.get(0).to());
        assertTrue(changes.get(0).commandGapMs() <= 2 * PERIOD_MS, "command gap at the board " + changes.get(0).commandGapMs()
                + " ms must stay within 2 periods");
        assertEquals("FAILBACK", changes.get(1).type());
        assertEquals("A", changes.get(1).to());
        assertEquals(0L, report.get("fencedOutputsTotal"));
        assertEquals(0L, report.get("duplicateCyclesTotal"));
        assertEquals(0L, report.get("lostInputFramesTotal"));
    }

    private static ReplicaStatus replica(FlyingSystem system, String slot) {
        return system.status().replicas().stream().filter(r -> r.slot().equals(slot)).findFirst().orElseThrow();
    }

    /** {@code pstr replica-host} as a user starts it on the other computer; its output goes to replica-host.out. */
    private static Process startReplicaHost(Path dir, int port, Path key) throws IOException {
        List<String> command = List.of(Jvm.javaBinary(),
                Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-XX:+UseSerialGC", "-Xmx128m",
                "-D" + Classpaths.REPLICA + "=" + Classpaths.replica(),
                "-cp", System.getProperty("pstr.manager.classpath"), "io.pstr.manager.cli.PstrMain", "replica-host",
                "--listen", "127.0.0.1:" + port, "--dir", dir.resolve("sessions").toString(), "--sandbox", "process",
                "--link-key", key.toString());
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("replica-host.out").toFile())).start();
    }

    private static String output(Path dir) throws IOException {
        Path out = dir.resolve("replica-host.out");
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    /** The replica logs of the replica host's sessions. */
    private static Stream<String> sessionLogs(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("sessions"))) {
            return files.filter(f -> f.getFileName().toString().equals("replica.log")).map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            }).toList().stream();
        }
    }

}
