package io.pstr.bench.jmh;

import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.channel.DeadlineKind;
import io.pstr.core.channel.PacketHandler;
import io.pstr.core.channel.SendResult;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.rt.Jvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The channel's own cost, in one thread of one process: a send into a shared-memory endpoint and the poll
 * that delivers it (stamping, the delay database, counters), with no wake-up and no second core involved.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.EXPORTS_OPTION, Jvm.EXPORTS_VALUE, "-XX:+UseSerialGC"})
public class ChannelJmh {

    @Param({"32", "64", "1024", "4096"})
    public int sizeBytes;

    private Path dir;
    private ChannelRegistry registry;
    private ShmChannel sender;
    private ShmChannel receiver;
    private ChannelAddress to;
    private UnsafeBuffer payload;
    private long received;
    private final PacketHandler handler = p -> received += p.payloadLength();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")), "pstr-jmh");
        registry = new ChannelRegistry(dir.resolve("channel"));
        ChannelAddress from = new ChannelAddress(UUID.randomUUID(), 1);
        to = new ChannelAddress(UUID.randomUUID(), 2);
        registry.register(from);
        registry.register(to);
        registry.grant(from, to);
        sender = ShmChannel.open(registry.dir(), from, System::nanoTime);
        receiver = ShmChannel.open(registry.dir(), to, System::nanoTime);
        payload = new UnsafeBuffer(new byte[sizeBytes]);
    }

    /** Normal path: requested time far above AVG_delay. */
    @Benchmark
    public int sendAndReceiveNormal() {
        return roundTrip(Long.MAX_VALUE, SendResult.SENT);
    }

    /** Fast path: 1 ns is below AVG_delay (and MIN_delay: SOFT sends it, reported late). */
    @Benchmark
    public int sendAndReceiveFast() {
        return roundTrip(1, SendResult.SENT_LATE);
    }

    private int roundTrip(long requestedNs, SendResult expected) {
        SendResult r = sender.send(to, 1, payload, 0, sizeBytes, requestedNs, DeadlineKind.SOFT);
        // The first send has no delay estimate yet and takes the normal path.
        if (r != expected && r != SendResult.SENT) {
            throw new IllegalStateException("send gave " + r);
        }
        return receiver.poll(handler, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sender.close();
        receiver.close();
        registry.close();
        io.pstr.core.shm.SharedFiles.deleteTree(dir);
    }
}
