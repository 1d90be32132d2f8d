package io.pstr.core.link;

import com.fazecast.jSerialComm.SerialPort;
import io.pstr.core.rt.ThreadPriority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serial:/dev/x:baud} and {@code pty:/dev/pts/N} through jSerialComm, in the endpoint's format and flow
 * control (default 8N1, none), one reading thread.
 * When the device vanishes or {@code readBytes} returns -1 (jSerialComm reports a gone pty peer that way
 * while {@code isOpen()} stays true) the link is down: the port is closed and reopened with back-off.
 * An {@link #unplug} closes the port at the reader's next read and keeps it closed until its time is up.
 * No byte for the endpoint's {@code silence-ms} (checked at every 100 ms read timeout, on the link's clock) is a
 * link down too: the port is closed and reopened the same way, and the back-off starts again from 100 ms only once
 * the reopened port has brought a byte.
 */
final class SerialLink implements ByteLink {
    private static final Logger LOG = LoggerFactory.getLogger(SerialLink.class);
    /**
     * Read timeout: bounds how long close() waits for the reader and how late a vanished device is seen. termios counts
     * it in tenths of a second ({@code VTIME}), and jSerialComm rounds anything shorter up to 100 ms on Linux.
     */
    private static final int READ_TIMEOUT_MS = 100;

    private final String path;
    private final int baudRate;
    private final LinkOptions options;
    private final LongSupplier nanoClock;
    private final LinkCounters counters = new LinkCounters();
    // Counted down by close(): wakes the reader out of a back-off wait at once.
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Object writeLock = new Object();
    private volatile SerialPort port;
    private final OpenFailure failure = new OpenFailure(LOG);
    // Set by unplug(), read by the reader thread (the deadline before the flag).
    private volatile boolean unplugged;
    private volatile long unpluggedUntilNs;
    private volatile long unplugDurationNs;
    // Reader thread only.
    private boolean flushOnOpen;
    private boolean heardSinceOpen;
    private Thread reader;

    /** @param nanoClock monotonic ns for the silence bound ({@code System::nanoTime}; tests pass their own) */
    SerialLink(String path, int baudRate, LinkOptions options, LongSupplier nanoClock) {
        this.path = path;
        this.baudRate = baudRate;
        this.options = options;
        this.nanoClock = nanoClock;
    }

    @Override
    public String lastOpenFailure() {
        return failure.last();
    }

    /**
     * What a failed open's error code means to whoever wires the board. jSerialComm gives the errno of the call that
     * failed (open, flock, tcsetattr), except 1 and 2, which it also uses for "unknown port" and "already open in this
     * process". Seen here: 13 for a device the user may not open, 25 for a file that is not a terminal.
     */
    static String openFailure(String path, int errno) {
        String why = switch (errno) {
            case 13, 1 -> "permission denied (is the user in the group owning it, usually dialout?)";
            case 11, 16 -> "busy (another program has it open: a ground station, ModemManager?)";
            case 2 -> "already open in this program, or gone";
            case 6, 19 -> "no such device (board unplugged?)";
            case 25 -> "not a serial device";
            default -> "error " + errno;
        };
        return path + " cannot be opened: " + why;
    }

    @Override
    public void start(LinkListener listener) {
        reader = new Thread(() -> run(listener), "serial-" + path);
        reader.setDaemon(true);
        reader.start();
    }

    private void run(LinkListener listener) {
        ThreadPriority.raiseLinkThread(Thread.currentThread().getName());
        long backoffMs = Links.FIRST_BACKOFF_MS;
        byte[] buffer = new byte[4096];
        SilenceWatchdog silence = new SilenceWatchdog(options.effectiveSilenceMs());
        while (closing.getCount() > 0) {
            long unpluggedNs = unpluggedLeftNs();
            if (unpluggedNs > 0) {
                if (waitClosing(Math.max(1, TimeUnit.NANOSECONDS.toMillis(unpluggedNs)))) {
                    return;
                }
                continue;
            }
            SerialPort p = openPort();
            if (p == null) {
                if (waitClosing(backoffMs)) {
                    return;
                }
                backoffMs = Links.nextBackoffMs(backoffMs);
                continue;
            }
            if (flushOnOpen) {
                // What the far end sent while unplugged would have been lost on a pulled cable; a pty keeps it.
                flushOnOpen = false;
                p.flushIOBuffers();
            }
            synchronized (writeLock) {
                port = p;
            }
            counters.connects.incrementAndGet();
            LOG.info("{} open at {} bit/s {}", this, baudRate, options.format());
            listener.onUp(toString());
            silence.heard(nanoClock.getAsLong());
            heardSinceOpen = false;
            String reason = readUntilDown(p, buffer, listener, silence);
            if (heardSinceOpen) {
                backoffMs = Links.FIRST_BACKOFF_MS;
            } else {
                backoffMs = Links.nextBackoffMs(backoffMs);
            }
            synchronized (writeLock) {
                port = null;
                p.closePort();
            }
            if (closing.getCount() == 0) {
                return;
            }
            counters.disconnects.incrementAndGet();
            LOG.warn("{} down: {}", this, reason);
            listener.onDown(reason);
            if (waitClosing(backoffMs)) {
                return;
            }
        }
    }

    private SerialPort openPort() {
        if (!Files.exists(Path.of(path))) {
            failure.failed(path + " does not exist (board unplugged, or another device name)");
            return null;
        }
        SerialPort p = SerialPort.getCommPort(path);
        p.setComPortParameters(baudRate, options.dataBits(), stopBits(options.stopBits()), parity(options.parity()));
        p.setFlowControl(flow(options.flow()));
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MS, 0);
        if (!p.openPort()) {
            failure.failed(openFailure(path, p.getLastErrorCode()));
            return null;
        }
        failure.opened();
        return p;
    }

    private static int stopBits(LinkOptions.StopBits s) {
        return switch (s) {
            case ONE -> SerialPort.ONE_STOP_BIT;
            case ONE_POINT_FIVE -> SerialPort.ONE_POINT_FIVE_STOP_BITS;
            case TWO -> SerialPort.TWO_STOP_BITS;
        };
    }

    private static int parity(LinkOptions.Parity p) {
        return switch (p) {
            case NONE -> SerialPort.NO_PARITY;
            case EVEN -> SerialPort.EVEN_PARITY;
            case ODD -> SerialPort.ODD_PARITY;
            case MARK -> SerialPort.MARK_PARITY;
            case SPACE -> SerialPort.SPACE_PARITY;
        };
    }

    private static int flow(LinkOptions.Flow f) {
        return switch (f) {
            case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
            case RTSCTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
            case XONXOFF -> SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
        };
    }

    private String readUntilDown(SerialPort p, byte[] buffer, LinkListener listener, SilenceWatchdog silence) {
        while (closing.getCount() > 0) {
            if (unpluggedLeftNs() > 0) {
                flushOnOpen = true;
                return Links.unpluggedReason(unplugDurationNs);
            }
            int n = p.readBytes(buffer, buffer.length);
            if (n < 0) {
                return "read failed (peer gone)";
            }
            if (n == 0) {
                // A timeout: check the device is still there, since a pty can vanish without a read error.
                if (!Files.exists(Path.of(path))) {
                    return "device vanished";
                }
                long nowNs = nanoClock.getAsLong();
                if (silence.expired(nowNs)) {
                    counters.silences.incrementAndGet();
                    return silence.reasonAt(nowNs);
                }
                continue;
            }
            long rxNs = System.nanoTime();
            silence.heard(nanoClock.getAsLong());
            heardSinceOpen = true;
            counters.bytesIn.addAndGet(n);
            listener.onBytes(buffer, 0, n, rxNs);
        }
        return "closed";
    }

    private boolean waitClosing(long ms) {
        try {
            return closing.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The reader closes the port within one read timeout (100 ms) and reopens it once the time is up. */
    @Override
    public void unplug(long durationNs) {
        LOG.warn("{} unplugged for {} ms", this, TimeUnit.NANOSECONDS.toMillis(durationNs));
        unplugDurationNs = durationNs;
        unpluggedUntilNs = System.nanoTime() + durationNs;
        unplugged = true;
    }

    /** How long the current unplug still lasts; 0 when there is none. */
    private long unpluggedLeftNs() {
        if (!unplugged) {
            return 0;
        }
        long leftNs = unpluggedUntilNs - System.nanoTime();
        if (leftNs <= 0) {
            unplugged = false;
            return 0;
        }
        return leftNs;
    }

    @Override
    public boolean write(byte[] buffer, int offset, int length) {
        synchronized (writeLock) {
            SerialPort p = port;
            if (p == null) {
                counters.refused(length);
                return false;
            }
            int written = p.writeBytes(buffer, length, offset);
            if (written < 0) {
                counters.refused(length);
                return false;
            }
            counters.bytesOut.addAndGet(written);
            if (written < length) {
                counters.bytesUnwritable.addAndGet(length - written);
                return false;
            }
            return true;
        }
    }

    @Override
    public boolean isUp() {
        return port != null;
    }

    @Override
    public LinkCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        closing.countDown();
        Thread t = reader;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (writeLock) {
            SerialPort p = port;
            if (p != null) {
                p.closePort();
                port = null;
            }
        }
    }

    @Override
    public String toString() {
        return "serial:" + path;
    }
}
