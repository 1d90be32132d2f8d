package io.pstr.core.channel;

import io.pstr.core.shm.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out channel endpoints on this host and decides who may talk to whom: the host manager holds it.
 * An endpoint is a file in the registry's directory; a task opens its own with
 * {@link ShmChannel#open} and can send only to the addresses granted to it here.
 * <p>
 * The check is in the channel's send path; keeping a task from mapping another's file by hand is the
 * sandbox's job (file permissions, mount namespaces). One thread.
 */
public final class ChannelRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelRegistry.class);
    /**
     * Phase records a reader can take from an endpoint's log: one fewer than the log holds, since the oldest
     * slot is the one the receiver overwrites next.
     */
    public static final int DELAY_WINDOW = ShmEndpointFile.LOG_ENTRIES - 1;

    private final Path dir;
    private final int fastBytes;
    private final int normalBytes;
    private final Map<ChannelAddress, ShmEndpointFile> endpoints = new LinkedHashMap<>();
    /** Reused by {@link #delays}: the paper's estimates over what the log holds. */
    private final DelayDatabase window = new DelayDatabase(DELAY_WINDOW);

    public ChannelRegistry(Path dir) {
        this(dir, ShmEndpointFile.DEFAULT_FAST_BYTES, ShmEndpointFile.DEFAULT_NORMAL_BYTES);
    }

    /**
     * @param fastBytes   size of each endpoint's fast queue (the packet pool), a power of two
     * @param normalBytes size of each endpoint's normal queue, a power of two
     */
    public ChannelRegistry(Path dir, int fastBytes, int normalBytes) {
        this.dir = SharedFiles.privateDirectory(dir);
        this.fastBytes = fastBytes;
        this.normalBytes = normalBytes;
    }

    public Path dir() {
        return dir;
    }

    /** Creates the endpoint of {@code address}; it may send nowhere until granted. */
    public void register(ChannelAddress address) {
        install(prepare(address));
    }

    /**
     * The file work of {@link #register}, on any thread: the endpoint file of {@code address} is created and mapped,
     * the registry itself is not touched (it reads only its own settings). The thread that owns the registry then
     * {@link #install}s it, or the endpoint is {@linkplain PreparedEndpoint#discard() discarded}.
     */
    public PreparedEndpoint prepare(ChannelAddress address) {
        return new PreparedEndpoint(address, ShmEndpointFile.create(dir, address, fastBytes, normalBytes));
    }

    /** Registers an endpoint {@link #prepare}d for this registry; it may send nowhere until granted. */
    public void install(PreparedEndpoint prepared) {
        if (endpoints.containsKey(prepared.address)) {
            throw new IllegalArgumentException("channel address " + prepared.address + " is already registered");
        }
        endpoints.put(prepared.address, prepared.file);
    }

    /** An endpoint whose file exists, not registered yet. */
    public static final class PreparedEndpoint {
        private final ChannelAddress address;
        private final ShmEndpointFile file;

        private PreparedEndpoint(ChannelAddress address, ShmEndpointFile file) {
            this.address = address;
            this.file = file;
        }

        /** For an endpoint that will not be installed: its file is unmapped and deleted. */
        public void discard() {
            release(file);
        }
    }

    /**
     * Takes over the existing endpoint of {@code address}, which a host manager that is gone registered (its
     * replica still runs and owns it): its grants and queues stay as they are.
     *
     * @throws IllegalStateException when there is no such endpoint file, or it belongs to another address
     */
    public void adopt(ChannelAddress address) {
        if (endpoints.containsKey(address)) {
            throw new IllegalArgumentException("channel address " + address + " is already registered");
        }
        ShmEndpointFile f = ShmEndpointFile.openIfExists(dir, address);
        if (f == null) {
            throw new IllegalStateException("no channel endpoint file for " + address + " in " + dir);
        }
        endpoints.put(address, f);
    }

    public boolean registered(ChannelAddress address) {
        return endpoints.containsKey(address);
    }

    /** Lets {@code from} send to {@code to}. */
    public void grant(ChannelAddress from, ChannelAddress to) {
        UnsafeBuffer h = endpoint(from).header;
        int count = h.getInt(ShmEndpointFile.GRANT_COUNT);
        for (int i = 0; i < count; i++) {
            int at = ShmEndpointFile.GRANT_ENTRIES + i * ShmEndpointFile.GRANT_BYTES;
            if (to.is(h.getLong(at), h.getLong(at + 8), h.getInt(at + 16))) {
                return;
            }
        }
        if (count == ShmEndpointFile.MAX_GRANTS) {
            throw new IllegalStateException(from + " already has " + count + " grants, the most an endpoint holds");
        }
        long v = beginWrite(h);
        int at = ShmEndpointFile.GRANT_ENTRIES + count * ShmEndpointFile.GRANT_BYTES;
        h.putLong(at, to.sandbox().getMostSignificantBits());
        h.putLong(at + 8, to.sandbox().getLeastSignificantBits());
        h.putInt(at + 16, to.taskId());
        h.putInt(ShmEndpointFile.GRANT_COUNT, count + 1);
        h.putLongVolatile(ShmEndpointFile.GRANT_VERSION, v + 2);
    }

    /** Withdraws every grant of {@code from}. */
    public void revokeAll(ChannelAddress from) {
        UnsafeBuffer h = endpoint(from).header;
        long v = beginWrite(h);
        h.putInt(ShmEndpointFile.GRANT_COUNT, 0);
        h.putLongVolatile(ShmEndpointFile.GRANT_VERSION, v + 2);
    }

    private static long beginWrite(UnsafeBuffer h) {
        long v = h.getLongVolatile(ShmEndpointFile.GRANT_VERSION);
        h.putLongVolatile(ShmEndpointFile.GRANT_VERSION, v + 1);
        return v;
    }

    /** Closes the endpoint for good: its senders get {@link SendResult#CLOSED}, its file goes. */
    public void withdraw(ChannelAddress address) {
        withdrawLeavingFile(address).run();
    }

    /**
     * Closes the endpoint for good at once (its senders get {@link SendResult#CLOSED}, the registry forgets it) and
     * returns the file work, to run on any thread: unmapping and deleting its file. A no-op for an unknown address.
     */
    public Runnable withdrawLeavingFile(ChannelAddress address) {
        ShmEndpointFile f = endpoints.remove(address);
        if (f == null) {
            return () -> { };
        }
        f.header.putIntVolatile(ShmEndpointFile.CLOSED, 1);
        return () -> release(f);
    }

    private static void release(ShmEndpointFile f) {
        f.close();
        try {
            Files.deleteIfExists(f.path);
        } catch (IOException e) {
            LOG.warn("cannot delete channel endpoint file {}: {}", f.path, e.getMessage());
        }
    }

    /** The endpoint's counters as its owner keeps them. */
    public ChannelCounters counters(ChannelAddress address) {
        ShmEndpointFile f = endpoints.get(address);
        return f == null ? ChannelCounters.ZERO : Channel.readCounters(f.header, ShmEndpointFile.COUNTERS);
    }

    /**
     * The delays of {@code sender}'s packets to {@code receiver}, from the phase log the receiver keeps in its
     * endpoint file (the one its senders read to fill their {@link DelayDatabase}): the same records, read the
     * same way, so the figures are the sender's own MIN_delay and AVG_delay over the packets the log still holds.
     * {@link ChannelDelay#NONE} when the receiver is not registered here or holds no packet of the sender.
     */
    public ChannelDelay delays(ChannelAddress sender, ChannelAddress receiver) {
        ShmEndpointFile f = receiver == null ? null : endpoints.get(receiver);
        if (f == null || sender == null) {
            return ChannelDelay.NONE;
        }
        UnsafeBuffer h = f.header;
        long newest = ShmEndpointFile.newestLogRecord(h);
        window.clear();
        long[] newestAndLast = {0, -1};
        ShmEndpointFile.readLogAfter(h, Math.max(0, newest - DELAY_WINDOW), (i, g, q, p, t, msb, lsb, taskLate) -> {
            if (sender.is(msb, lsb, (int) taskLate) && g >= 0 && q >= 0 && p >= 0 && t >= 0) {
                window.record(g, q, p, t);
                newestAndLast[0] = i;
                newestAndLast[1] = g + q + p + t;
            }
        });
        if (window.size() == 0) {
            return ChannelDelay.NONE;
        }
        return new ChannelDelay(window.size(), newestAndLast[1] / 1_000, window.avgDelayNs() / 1_000, window.minDelayNs() / 1_000,
                newestAndLast[0]);
    }

    private ShmEndpointFile endpoint(ChannelAddress address) {
        ShmEndpointFile f = endpoints.get(address);
        if (f == null) {
            throw new IllegalArgumentException("channel address " + address + " is not registered");
        }
        return f;
    }

    @Override
    public void close() {
        for (ChannelAddress a : java.util.List.copyOf(endpoints.keySet())) {
            withdraw(a);
        }
    }
}
