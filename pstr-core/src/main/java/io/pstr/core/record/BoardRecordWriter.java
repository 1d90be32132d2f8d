package io.pstr.core.record;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@link BoardRecord}s as CSV, buffered, flushed at least every 200 ms of record time and on close.
 * <p>
 * Header: {@value #HEADER}. Empty cell = absent. Per {@code kind}:
 * <ul>
 * <li>{@code setpoint}: timeBootMs = the sender's time_boot_ms (its cycle time); msgId 82 or 84; seq, sysId,
 *     compId of the frame; mode = board mode when accepted; x,y,z for position targets; roll,pitch,yaw
 *     (from the quaternion, or the position target's yaw) and thrust for attitude targets.</li>
 * <li>{@code command}: msgId = the MAV_CMD number (the message is always COMMAND_LONG, 76); seq, sysId,
 *     compId of the frame; mode = the ACK result name (ACCEPTED, DENIED, UNSUPPORTED...);
 *     x,y,z = param1, param2, param7 (the parameters the board's commands use).</li>
 * <li>{@code state}: timeBootMs = board time since boot; mode, armed (0/1), x..vz (NED m, m/s),
 *     roll,pitch,yaw (rad), thrust (applied, 0..1), framesSent.</li>
 * <li>{@code mode}: timeBootMs, mode (the new mode), armed.</li>
 * </ul>
 * Thread-safe: the board thread writes, a shutdown hook may close.
 */
public final class BoardRecordWriter implements AutoCloseable {

    public static final String HEADER =
            "monoNs,kind,timeBootMs,msgId,seq,sysId,compId,mode,armed,x,y,z,vx,vy,vz,roll,pitch,yaw,thrust,framesSent";
    static final long FLUSH_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);
    private long lastFlushNs;
    private boolean flushedOnce;
    private boolean closed;

    public BoardRecordWriter(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
            this.out.write(HEADER);
            this.out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write board record " + file, e);
        }
    }

    public synchronized void write(BoardRecord r) {
        if (closed) {
            return;
        }
        line.setLength(0);
        if (r instanceof BoardRecord.Setpoint s) {
            row(s.monoNs(), "setpoint", s.timeBootMs(), s.msgId(), s.seq(), s.sysId(), s.compId(), s.mode(), "",
                    s.x(), s.y(), s.z(), Double.NaN, Double.NaN, Double.NaN, s.roll(), s.pitch(), s.yaw(), s.thrust(), "");
        } else if (r instanceof BoardRecord.Command c) {
            row(c.monoNs(), "command", null, c.command(), c.seq(), c.sysId(), c.compId(), c.result(), "",
                    c.param1(), c.param2(), c.param7(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, "");
        } else if (r instanceof BoardRecord.State s) {
            row(s.monoNs(), "state", s.timeBootMs(), null, null, null, null, s.mode(), s.armed() ? "1" : "0",
                    s.x(), s.y(), s.z(), s.vx(), s.vy(), s.vz(), s.roll(), s.pitch(), s.yaw(), s.thrust(),
                    Long.toString(s.framesSent()));
        } else if (r instanceof BoardRecord.ModeChange m) {
            row(m.monoNs(), "mode", m.timeBootMs(), null, null, null, null, m.mode(), m.armed() ? "1" : "0",
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, "");
        }
        try {
            out.append(line);
            flushIfDue(r.monoNs());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write board record", e);
        }
    }

    /** Flushes if the last flush is 200 ms or more before {@code nowNs}; the board calls it each cycle. */
    public synchronized void flushIfDue(long nowNs) {
        if (closed) {
            return;
        }
        if (!flushedOnce || nowNs - lastFlushNs >= FLUSH_PERIOD_NS) {
            flushedOnce = true;
            lastFlushNs = nowNs;
            flush();
        }
    }

    public synchronized void flush() {
        if (closed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush board record", e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close board record", e);
        }
    }

    private void row(long monoNs, String kind, Long timeBootMs, Integer msgId, Integer seq, Integer sysId, Integer compId,
                     String mode, String armed, double x, double y, double z, double vx, double vy, double vz,
                     double roll, double pitch, double yaw, double thrust, String framesSent) {
        line.append(monoNs).append(',').append(kind).append(',');
        cell(timeBootMs);
        cell(msgId);
        cell(seq);
        cell(sysId);
        cell(compId);
        line.append(mode == null ? "" : mode.replace(',', '_')).append(',');
        line.append(armed).append(',');
        for (double v : new double[] {x, y, z, vx, vy, vz, roll, pitch, yaw, thrust}) {
            if (!Double.isNaN(v)) {
                line.append(v);
            }
            line.append(',');
        }
        line.append(framesSent).append('\n');
    }

    private void cell(Number n) {
        if (n != null) {
            line.append(n);
        }
        line.append(',');
    }
}
