package io.pstr.core.link;

import io.pstr.core.rt.ThreadPriority;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of a UART in front of a link that has no rate of its own (a pty carries megabytes a
 * second whatever its baud rate): frames leave one byte every {@code bitsPerByte / rate} seconds, byte by
 * byte as a wire would carry them, in writes every {@code tickNs} of the bytes whose time has come.
 * For benches and tests that need a board sending at a real port's speed. One thread of its own.
 */
public final class UartEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UartEmulator.class);

    /** Told when a frame's last byte is handed to the link, just before the write. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param idealStartNs when a real UART would have started sending the frame
         * @param idealEndNs   when its last stop bit would have left
         * @param writeNs      when the write holding its last byte is made (at or after idealEndNs)
         */
        void sent(long id, int length, long idealStartNs, long idealEndNs, long writeNs);
    }

    private record Submitted(long id, byte[] bytes, long submitNs) {
    }

    private final ByteLink link;
    private final double nsPerByte;
    private final long tickNs;
    private final Listener listener;
    private final ConcurrentLinkedQueue<Submitted> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong backlogBytes = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesRefused = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    public UartEmulator(ByteLink link, long rateBitsPerSec, int bitsPerByte, long tickNs, Listener listener) {
        if (rateBitsPerSec <= 0 || bitsPerByte < 7 || tickNs <= 0) {
            throw new IllegalArgumentException("rate, bits per byte and tick must be positive");
        }
        this.link = link;
        this.nsPerByte = bitsPerByte * 1e9 / rateBitsPerSec;
        this.tickNs = tickNs;
        this.listener = listener;
    }

    public UartEmulator start() {
        thread = new Thread(this::run, "uart-" + link);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Queues a frame; it starts on the wire when the wire is free. Any thread. */
    public void submit(long id, byte[] frame) {
        backlogBytes.addAndGet(frame.length);
        inbox.add(new Submitted(id, frame.clone(), System.nanoTime()));
    }

    /** Bytes queued and not yet written. */
    public long backlogBytes() {
        return backlogBytes.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Bytes the link refused (it was down). */
    public long bytesRefused() {
        return bytesRefused.get();
    }

    private void run() {
        ThreadPriority.raiseLinkThread(Thread.currentThread().getName());
        ArrayDeque<Submitted> queue = new ArrayDeque<>();
        ByteArrayOutputStream due = new ByteArrayOutputStream(4096);
        long[] doneIds = new long[256];
        long[][] doneTimes = new long[256][2];
        int[] doneLengths = new int[256];
        Submitted current = null;
        long currentStartNs = 0;
        int currentSent = 0;
        long wireFreeNs = Long.MIN_VALUE;
        while (running) {
            Submitted s;
            while ((s = inbox.poll()) != null) {
                queue.addLast(s);
            }
            long now = System.nanoTime();
            due.reset();
            int done = 0;
            while (true) {
                if (current == null) {
                    current = queue.pollFirst();
                    if (current == null) {
                        break;
                    }
                    currentStartNs = Math.max(current.submitNs(), wireFreeNs);
                    currentSent = 0;
                }
                long byTime = (long) ((now - currentStartNs) / nsPerByte);
                int sendable = (int) Math.min(current.bytes().length, Math.max(0, byTime));
                if (sendable > currentSent) {
                    due.write(current.bytes(), currentSent, sendable - currentSent);
                    currentSent = sendable;
                }
                if (currentSent < current.bytes().length) {
                    break;
                }
                long endNs = currentStartNs + (long) (current.bytes().length * nsPerByte);
                if (done == doneIds.length) {
                    break;
                }
                doneIds[done] = current.id();
                doneLengths[done] = current.bytes().length;
                doneTimes[done][0] = currentStartNs;
                doneTimes[done][1] = endNs;
                done++;
                wireFreeNs = endNs;
                current = null;
            }
            if (due.size() > 0) {
                byte[] bytes = due.toByteArray();
                long writeNs = System.nanoTime();
                for (int i = 0; i < done; i++) {
                    try {
                        listener.sent(doneIds[i], doneLengths[i], doneTimes[i][0], doneTimes[i][1], writeNs);
                    } catch (RuntimeException e) {
                        LOG.warn("UART listener failed: {}", e.toString());
                    }
                }
                if (link.write(bytes, 0, bytes.length)) {
                    bytesWritten.addAndGet(bytes.length);
                } else {
                    bytesRefused.addAndGet(bytes.length);
                }
                backlogBytes.addAndGet(-bytes.length);
            }
            LockSupport.parkNanos(tickNs);
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
