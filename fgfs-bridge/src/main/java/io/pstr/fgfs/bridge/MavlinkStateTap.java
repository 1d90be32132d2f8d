package io.pstr.fgfs.bridge;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.pstr.core.link.LinkListener;
import io.pstr.core.mavlink.FrameCounters;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a board's MAVLink telemetry (ATTITUDE, LOCAL_POSITION_NED, HEARTBEAT of one system) and keeps the latest
 * {@link VehicleState}. A {@link LinkListener}: the link's I/O thread feeds it; anyone reads {@link #latest()}.
 * Frames with non-finite values, or older than what it already has (by the board's boot time), are counted and
 * skipped.
 */
public final class MavlinkStateTap implements LinkListener {
    private static final Logger LOG = LoggerFactory.getLogger(MavlinkStateTap.class);
    static final int MAV_MODE_FLAG_SAFETY_ARMED = 128;
    /** A boot time this far behind the one held means the board restarted, not that a frame came late. */
    static final long BOARD_RESTART_MS = 2_000;

    private final int systemId;
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    private final MavlinkCodec codec = new MavlinkCodec();
    private final AtomicReference<VehicleState> latest = new AtomicReference<>();
    private final AtomicLong framesUsed = new AtomicLong();
    private final AtomicLong framesSkipped = new AtomicLong();
    private final AtomicLong lastFrameNs = new AtomicLong(Long.MIN_VALUE);
    private VehicleState state = new VehicleState(-1, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, false);
    private boolean haveAttitude;
    private boolean havePosition;

    public MavlinkStateTap(int systemId) {
        this.systemId = systemId;
    }

    @Override
    public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
        splitter.feed(buffer, offset, length, (frame, off, len, messageId) -> onFrame(frame, off, len, rxNs));
    }

    private void onFrame(byte[] frame, int off, int len, long rxNs) {
        boolean v2 = (frame[off] & 0xFF) == MavlinkCodec.STX_V2;
        int sysId = frame[off + (v2 ? 5 : 3)] & 0xFF;
        if (sysId != systemId) {
            framesSkipped.incrementAndGet();
            return;
        }
        Object payload;
        try {
            payload = codec.decodePayload(Arrays.copyOfRange(frame, off, off + len));
        } catch (RuntimeException e) {
            framesSkipped.incrementAndGet();
            LOG.debug("cannot decode a MAVLink frame: {}", e.toString());
            return;
        }
        VehicleState s = state;
        VehicleState next = null;
        if (payload instanceof Attitude a) {
            if (finite(a.roll(), a.pitch(), a.yaw(), a.rollspeed(), a.pitchspeed(), a.yawspeed()) && fresh(a.timeBootMs(), s.attitudeBootMs())) {
                next = new VehicleState(a.timeBootMs(), a.roll(), a.pitch(), a.yaw(), a.rollspeed(), a.pitchspeed(), a.yawspeed(),
                        s.positionBootMs(), s.x(), s.y(), s.z(), s.vx(), s.vy(), s.vz(), s.armed());
                haveAttitude = true;
            }
        } else if (payload instanceof LocalPositionNed p) {
            if (finite(p.x(), p.y(), p.z(), p.vx(), p.vy(), p.vz()) && fresh(p.timeBootMs(), s.positionBootMs())) {
                next = new VehicleState(s.attitudeBootMs(), s.roll(), s.pitch(), s.yaw(), s.rollRate(), s.pitchRate(), s.yawRate(),
                        p.timeBootMs(), p.x(), p.y(), p.z(), p.vx(), p.vy(), p.vz(), s.armed());
                havePosition = true;
            }
        } else if (payload instanceof Heartbeat h) {
            boolean armed = h.baseMode() != null && (h.baseMode().value() & MAV_MODE_FLAG_SAFETY_ARMED) != 0;
            next = new VehicleState(s.attitudeBootMs(), s.roll(), s.pitch(), s.yaw(), s.rollRate(), s.pitchRate(), s.yawRate(),
                    s.positionBootMs(), s.x(), s.y(), s.z(), s.vx(), s.vy(), s.vz(), armed);
        } else {
            return;
        }
        if (next == null) {
            framesSkipped.incrementAndGet();
            return;
        }
        state = next;
        framesUsed.incrementAndGet();
        lastFrameNs.set(rxNs);
        if (haveAttitude && havePosition) {
            latest.set(next);
        }
    }

    /** Newer than what is held, or so much older that the board must have restarted. */
    private static boolean fresh(long bootMs, long heldBootMs) {
        return bootMs >= heldBootMs || heldBootMs - bootMs > BOARD_RESTART_MS;
    }

    private static boolean finite(float... values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The latest state, once both an attitude and a position have come; else null. */
    public VehicleState latest() {
        return latest.get();
    }

    /** {@link System#nanoTime()} of the last frame used, or {@link Long#MIN_VALUE}. */
    public long lastFrameNs() {
        return lastFrameNs.get();
    }

    public long framesUsed() {
        return framesUsed.get();
    }

    /** Frames of another system, undecodable, non-finite or older than the state already held. */
    public long framesSkipped() {
        return framesSkipped.get();
    }

    public FrameCounters frameCounters() {
        return splitter.counters();
    }
}
