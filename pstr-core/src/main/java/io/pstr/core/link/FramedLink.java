package io.pstr.core.link;

import io.pstr.core.mavlink.FrameCounters;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.mavlink.MavlinkSigning;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ByteLink} with its endpoint's framing and signing: what the host manager and the virtual
 * board talk through. Inbound bytes are cut into frames ({@code framing=mavlink}: whole CRC-checked
 * MAVLink 1/2 frames; {@code framing=raw}: each read as one chunk of at most {@link #RAW_CHUNK_MAX}
 * bytes), stamped with the monotonic time their first and last byte were read, checked against the
 * signing key if there is one, counted, and handed to the listener. Outbound frames are signed if
 * there is a key, written and counted.
 */
public final class FramedLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FramedLink.class);
    /** Largest raw chunk handed on as one frame. */
    public static final int RAW_CHUNK_MAX = 1024;

    /** Receives the accepted inbound frames, on the link's own thread, one call at a time. */
    public interface FrameListener {
        /**
         * @param messageId MAVLink message id, or -1 for a raw chunk
         * @param firstNs   {@link System#nanoTime()} when the read that brought the frame's first byte returned
         * @param lastNs    the same for its last byte
         */
        void onFrame(byte[] frame, int offset, int length, int messageId, long firstNs, long lastNs);

        default void onUp(String description) {
        }

        default void onDown(String reason) {
        }
    }

    /** Sees what crosses the link (e.g. to record a flight log). Must return quickly; arrays are reused after return. */
    public interface Tap {
        /** An accepted inbound frame, as given to the listener. */
        default void inbound(byte[] frame, int offset, int length, long firstNs, long lastNs) {
        }

        /** Bytes written to the link (signed if the link signs). */
        default void outbound(byte[] bytes, int offset, int length, long nowNs) {
        }
    }

    private final Endpoint endpoint;
    private final ByteLink link;
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    /** Set when the link comes up; the reading thread then starts the splitter on a new stream. */
    private volatile boolean restartStream;
    private final MavlinkSigning.Signer signer;
    private final MavlinkSigning.Verifier verifier;
    private final Object writeLock = new Object();
    private final List<Tap> taps = new CopyOnWriteArrayList<>();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong unsignedRefused = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong replayedRefused = new AtomicLong();
    private final AtomicLong unsignableOut = new AtomicLong();
    private volatile boolean up;
    private volatile String lastDownReason;

    private FramedLink(Endpoint endpoint, ByteLink link, byte[] key, LongSupplier unixMicros) {
        this.endpoint = endpoint;
        this.link = link;
        if (key == null) {
            signer = null;
            verifier = null;
        } else {
            signer = new MavlinkSigning.Signer(key, endpoint.options().signingLinkId(), unixMicros);
            verifier = new MavlinkSigning.Verifier(key, unixMicros);
        }
    }

    /** Opens the endpoint (loading its signing key, if any) with the wall clock for signature timestamps. */
    public static FramedLink open(Endpoint endpoint) {
        return open(endpoint, MavlinkSigning::wallMicros);
    }

    /** @param unixMicros wall clock in Unix microseconds, for signature timestamps */
    public static FramedLink open(Endpoint endpoint, LongSupplier unixMicros) {
        byte[] key = endpoint.options().signingKey() == null ? null : MavlinkSigning.loadKey(endpoint.options().signingKey());
        return new FramedLink(endpoint, Links.open(endpoint), key, unixMicros);
    }

    /** Wraps an already opened byte link (the caller keeps the endpoint's options consistent with it). */
    public static FramedLink wrap(Endpoint endpoint, ByteLink link, LongSupplier unixMicros) {
        byte[] key = endpoint.options().signingKey() == null ? null : MavlinkSigning.loadKey(endpoint.options().signingKey());
        return new FramedLink(endpoint, link, key, unixMicros);
    }

    private volatile byte[] pendingNoise;

    public void addTap(Tap tap) {
        taps.add(tap);
    }

    public void removeTap(Tap tap) {
        taps.remove(tap);
    }

    /**
     * Fault injection: these bytes go through the link's framing just before the next bytes it reads, as line
     * noise on the wire would.
     */
    public void injectNoise(byte[] noise) {
        this.pendingNoise = noise.clone();
    }

    /**
     * Fault injection: pulls the cable for {@code durationNs} (see {@link ByteLink#unplug}); the listener hears
     * the link go down, and up again once the link has reconnected after that time.
     */
    public void unplug(long durationNs) {
        if (durationNs <= 0) {
            throw new IllegalArgumentException("unplug duration must be positive");
        }
        link.unplug(durationNs);
    }

    public void start(FrameListener listener) {
        boolean raw = endpoint.options().framing() == LinkOptions.Framing.RAW;
        link.start(new LinkListener() {
            @Override
            public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                byte[] noise = pendingNoise;
                if (noise != null) {
                    pendingNoise = null;
                    feed(noise, 0, noise.length, rxNs);
                }
                feed(buffer, offset, length, rxNs);
            }

            private void feed(byte[] buffer, int offset, int length, long rxNs) {
                if (restartStream) {
                    restartStream = false;
                    splitter.restart();
                }
                if (raw) {
                    for (int at = 0; at < length; at += RAW_CHUNK_MAX) {
                        accept(listener, buffer, offset + at, Math.min(RAW_CHUNK_MAX, length - at), -1, rxNs, rxNs);
                    }
                } else {
                    splitter.feed(buffer, offset, length, rxNs, (frame, off, len, messageId) ->
                            onMavlinkFrame(listener, frame, off, len, messageId));
                }
            }

            @Override
            public void onUp(String description) {
                restartStream = true;
                up = true;
                listener.onUp(description);
            }

            @Override
            public void onDown(String reason) {
                up = false;
                lastDownReason = reason;
                listener.onDown(reason);
            }
        });
    }

    private void onMavlinkFrame(FrameListener listener, byte[] frame, int offset, int length, int messageId) {
        if (verifier != null) {
            MavlinkSigning.Verdict v = verifier.verify(frame, offset, length);
            if (v != MavlinkSigning.Verdict.ACCEPTED) {
                long n = switch (v) {
                    case UNSIGNED -> unsignedRefused.incrementAndGet();
                    case BAD_SIGNATURE -> badSignatures.incrementAndGet();
                    default -> replayedRefused.incrementAndGet();
                };
                if (n == 1 || n % 1000 == 0) {
                    LOG.warn("{}: {} frame refused (message {}, {} so far)", endpoint, v, messageId, n);
                }
                return;
            }
        }
        accept(listener, frame, offset, length, messageId, splitter.frameFirstNs(), splitter.frameLastNs());
    }

    private void accept(FrameListener listener, byte[] frame, int offset, int length, int messageId, long firstNs, long lastNs) {
        framesIn.incrementAndGet();
        for (Tap t : taps) {
            t.inbound(frame, offset, length, firstNs, lastNs);
        }
        listener.onFrame(frame, offset, length, messageId, firstNs, lastNs);
    }

    /**
     * Writes whole frames (for {@code framing=raw}: any bytes), signing each MAVLink 2 frame if the link signs.
     * A signing link refuses (and counts) MAVLink 1 frames and messages it cannot sign.
     * @return the bytes put on the link, or -1 if it was down (the bytes are counted as unwritable)
     */
    public int write(byte[] bytes, int offset, int length, long nowNs) {
        synchronized (writeLock) {
            byte[] out = bytes;
            int outOffset = offset;
            int outLength = length;
            int frames = 1;
            if (signer != null) {
                out = signAll(bytes, offset, length);
                outOffset = 0;
                outLength = out.length;
                frames = countFrames(out, 0, outLength);
            } else if (endpoint.options().framing() == LinkOptions.Framing.MAVLINK) {
                frames = countFrames(bytes, offset, length);
            }
            if (outLength == 0) {
                return 0;
            }
            if (!link.write(out, outOffset, outLength)) {
                return -1;
            }
            framesOut.addAndGet(frames);
            for (Tap t : taps) {
                t.outbound(out, outOffset, outLength, nowNs);
            }
            return outLength;
        }
    }

    /** The bytes a write of these frames puts on the wire (with signatures if the link signs), without writing. */
    public int wireLength(byte[] bytes, int offset, int length) {
        if (signer == null) {
            return length;
        }
        int total = 0;
        for (int at = offset; at < offset + length; ) {
            int n = frameLength(bytes, at, offset + length - at);
            if (n <= 0) {
                break;
            }
            if ((bytes[at] & 0xFF) == MavlinkCodec.STX_V2) {
                total += 12 + (bytes[at + 1] & 0xFF) + MavlinkCodec.SIGNATURE_LENGTH;
            }
            at += n;
        }
        return total;
    }

    private byte[] signAll(byte[] bytes, int offset, int length) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + 64);
        for (int at = offset; at < offset + length; ) {
            int n = frameLength(bytes, at, offset + length - at);
            if (n <= 0) {
                unsignableOut.incrementAndGet();
                link.counters().bytesUnwritable.addAndGet(offset + length - at);
                break;
            }
            byte[] signed = signer.sign(bytes, at, n);
            if (signed == null) {
                unsignableOut.incrementAndGet();
                link.counters().bytesUnwritable.addAndGet(n);
            } else {
                out.write(signed, 0, signed.length);
            }
            at += n;
        }
        return out.toByteArray();
    }

    /** Length of the MAVLink frame at {@code at}, or -1 if the bytes there are not a whole frame. */
    static int frameLength(byte[] b, int at, int available) {
        if (available < 8) {
            return -1;
        }
        int stx = b[at] & 0xFF;
        int n;
        if (stx == MavlinkCodec.STX_V2) {
            if (available < 12) {
                return -1;
            }
            n = 12 + (b[at + 1] & 0xFF) + ((b[at + 2] & 0x01) != 0 ? MavlinkCodec.SIGNATURE_LENGTH : 0);
        } else if (stx == MavlinkCodec.STX_V1) {
            n = 8 + (b[at + 1] & 0xFF);
        } else {
            return -1;
        }
        return n <= available ? n : -1;
    }

    private static int countFrames(byte[] b, int offset, int length) {
        int frames = 0;
        for (int at = offset; at < offset + length; ) {
            int n = frameLength(b, at, offset + length - at);
            if (n <= 0) {
                break;
            }
            frames++;
            at += n;
        }
        return Math.max(frames, 1);
    }

    public boolean isUp() {
        return up && link.isUp();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public boolean signing() {
        return signer != null;
    }

    /** The underlying byte link (to read its port, or to write unframed bytes in tests). */
    public ByteLink byteLink() {
        return link;
    }

    public LinkCounters byteCounters() {
        return link.counters();
    }

    /** The MAVLink splitter's counters (zero with {@code framing=raw}). */
    public FrameCounters frameCounters() {
        return splitter.counters();
    }

    /** Frames accepted and handed to the listener. */
    public long framesIn() {
        return framesIn.get();
    }

    public long framesOut() {
        return framesOut.get();
    }

    /** Inbound frames refused by a signing link because they carried no signature (MAVLink 1 included). */
    public long unsignedRefused() {
        return unsignedRefused.get();
    }

    public long badSignatures() {
        return badSignatures.get();
    }

    /** Inbound frames refused because their timestamp did not increase for their (link, system, component). */
    public long replayedRefused() {
        return replayedRefused.get();
    }

    /** Outbound frames a signing link could not sign (MAVLink 1, unknown message, malformed): not written. */
    public long unsignableOut() {
        return unsignableOut.get();
    }

    /**
     * Why the link is down: while attempts to open it fail, the latest one's failure ({@link ByteLink#lastOpenFailure});
     * otherwise why it last went down; null when neither happened.
     */
    public String lastDownReason() {
        String openFailure = link.isUp() ? null : link.lastOpenFailure();
        return openFailure != null ? openFailure : lastDownReason;
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
