package io.pstr.core.channel;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * An embedded Aeron media driver and client for this process's {@link AeronChannel} endpoints. The driver
 * runs one shared thread that backs off to 1 ms sleeps when idle, so an idle link costs little CPU on a
 * small machine.
 */
public final class AeronTransport implements AutoCloseable {

    private final MediaDriver driver;
    private final Aeron aeron;

    private AeronTransport(MediaDriver driver, Aeron aeron) {
        this.driver = driver;
        this.aeron = aeron;
    }

    /** Launches a media driver in {@code aeronDir} (created, and deleted on close). */
    public static AeronTransport launch(Path aeronDir) {
        return launch(aeronDir, new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)),
                Thread::new);
    }

    /**
     * Launches a media driver in {@code aeronDir} whose thread sleeps at most {@code maxIdleNs} when idle: what a
     * message arriving at an idle driver may wait, and a wake-up every {@code maxIdleNs} for its CPU. It hardly spins
     * after work (ten spins, one yield): for links that carry a message every millisecond or so, where spinning after
     * each one cost a remote replica's relay 29 % of a core on the 2-core VM (2026-11-27), its driver thread alone.
     */
    public static AeronTransport launch(Path aeronDir, long maxIdleNs) {
        return launch(aeronDir, new BackoffIdleStrategy(10, 1, TimeUnit.MICROSECONDS.toNanos(1), maxIdleNs),
                // It moves every message of the control cycle: a link's thread, raised as one where the process's policy says so.
                io.pstr.core.rt.ThreadPriority.linkThreads("aeron-driver"));
    }

    private static AeronTransport launch(Path aeronDir, org.agrona.concurrent.IdleStrategy idle,
            java.util.concurrent.ThreadFactory threads) {
        MediaDriver.Context ctx = new MediaDriver.Context()
                .sharedThreadFactory(threads)
                .aeronDirectoryName(aeronDir.toString())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idle)
                .termBufferSparseFile(true)
                .publicationTermBufferLength(1 << 20)
                .ipcTermBufferLength(1 << 20)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
        MediaDriver driver = MediaDriver.launch(ctx);
        try {
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return new AeronTransport(driver, aeron);
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    /** The Aeron client of this process's media driver, for streams of its own (a remote replica's link). */
    public Aeron aeron() {
        return aeron;
    }

    public AeronChannel open(ChannelAddress self, String listenEndpoint, RemoteGrants grants,
            org.agrona.concurrent.NanoClock clock) {
        return AeronChannel.open(aeron, self, listenEndpoint, grants, clock);
    }

    @Override
    public void close() {
        aeron.close();
        driver.close();
    }
}
