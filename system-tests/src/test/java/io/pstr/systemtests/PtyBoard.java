package io.pstr.systemtests;

import static org.awaitility.Awaitility.await;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.link.SocatPty;
import io.pstr.core.link.UartEmulator;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.HostManager;
import io.pstr.manager.ProcessSandboxLauncher;
import io.pstr.manager.RunningManager;
import io.pstr.manager.cli.Classpaths;
import io.pstr.manager.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted board on a real socat pty pair, sending telemetry at a real UART's 115200 bit/s, and the
 * host manager with its two replica processes on the other side as a 115200 bit/s serial port.
 */
final class PtyBoard implements AutoCloseable {

    static final int RATE = 115_200;

    final Path dir;
    final Journal journal;
    final RunningManager running;
    private final MavlinkCodec codec = new MavlinkCodec();
    private final AtomicLong hostBytes = new AtomicLong();
    private SocatPty pty;
    private ByteLink board;
    private UartEmulator uart;
    private int sequence;
    private long frame;
    private long bytesSubmitted;

    PtyBoard(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        dir = Path.of("target", "system-runs", name + "-" + stamp).toAbsolutePath();
        plug();
        journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        HostManager.Context ctx = new HostManager.Context();
        ctx.board = Endpoint.parse("serial:" + pty.pathB() + ":" + RATE);
        ctx.runDir = dir;
        ctx.periodMs = FlyingSystem.PERIOD_MS;
        ctx.launcher = new ProcessSandboxLauncher(Classpaths.replica(), List.of());
        ctx.journal = journal;
        RunningManager r;
        try {
            r = RunningManager.start(ctx, "127.0.0.1", 0, null);
        } catch (RuntimeException e) {
            unplug();
            throw e;
        }
        running = r;
    }

    /** Makes the pty pair (again, under the same names) and opens the board's side behind a UART. */
    void plug() {
        pty = SocatPty.create(dir.resolve("pty"));
        board = Links.open(Endpoint.parse("pty:" + pty.pathA()));
        board.start(new LinkListener() {
            @Override
            public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                hostBytes.addAndGet(length);
            }
        });
        uart = new UartEmulator(board, RATE, 10, TimeUnit.MILLISECONDS.toNanos(1), (id, length, s, e, w) -> { }).start();
    }

    /** Pulls the cable: socat dies and both ptys vanish. */
    void unplug() {
        uart.close();
        board.close();
        pty.close();
    }

    SystemStatus status() {
        return running.manager().status();
    }

    ReplicaStatus replica(String slot) {
        return status().replicas().stream().filter(r -> r.slot().equals(slot)).findFirst().orElseThrow();
    }

    void awaitBothReplicasRunning() {
        await("both replicas running").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> status().replicas().stream().allMatch(r -> "RUNNING".equals(r.health())));
        await().atMost(Duration.ofSeconds(10)).until(board::isUp);
    }

    /** Queues the next telemetry frame (a mix of what a PX4 streams) on the board's UART. */
    int sendTelemetry() {
        long n = frame++;
        Object payload = switch ((int) (n % 8)) {
            case 0 -> Heartbeat.builder().build();
            case 1 -> SysStatus.builder().voltageBattery(12_400).build();
            case 2, 4, 6 -> Attitude.builder().timeBootMs(n).roll(0.01f * (n % 100)).build();
            default -> LocalPositionNed.builder().timeBootMs(n).z(-0.001f * (n % 1000)).build();
        };
        byte[] bytes = codec.encodeV2(payload, 1, 1, sequence++);
        uart.submit(n, bytes);
        bytesSubmitted += bytes.length;
        return bytes.length;
    }

    /** Keeps at least {@code bytes} queued on the UART, so the wire never idles. */
    long topUp(int bytes) {
        long sent = 0;
        while (uart.backlogBytes() < bytes) {
            sent++;
            sendTelemetry();
        }
        return sent;
    }

    long framesSent() {
        return frame;
    }

    long bytesSubmitted() {
        return bytesSubmitted;
    }

    UartEmulator uart() {
        return uart;
    }

    long hostBytes() {
        return hostBytes.get();
    }

    @Override
    public void close() {
        try {
            running.close();
        } finally {
            unplug();
        }
    }
}
