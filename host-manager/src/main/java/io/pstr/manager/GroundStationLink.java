package io.pstr.manager;

import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ground station on the side (e.g. QGroundControl on {@code udp:127.0.0.1:14550}): the board's
 * telemetry is forwarded to it, its client requests go to the replicas, their acknowledgements come
 * back. Everything it sends is validated: bytes that are not whole CRC-checked MAVLink frames are
 * counted and skipped by the splitter, and frames that are not requests for the flight task are
 * counted and dropped (nothing from the ground station reaches the board behind the replicas' back).
 * Writes never block: a frame the link cannot take is counted.
 */
public final class GroundStationLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroundStationLink.class);

    /** Receives a request from the ground station (on the link's thread); returns false if it could not be delivered. */
    @FunctionalInterface
    public interface RequestSink {
        boolean request(byte[] frame, int offset, int length, int messageId, Object payload, int sourceSystem,
                int sourceComponent, long rxNs);
    }

    private final Endpoint endpoint;
    private final ByteLink link;
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    private final MavlinkCodec codec = new MavlinkCodec();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong requestsIn = new AtomicLong();
    private final AtomicLong requestsRefused = new AtomicLong();
    private final AtomicLong otherFramesDropped = new AtomicLong();
    private final AtomicLong telemetryForwarded = new AtomicLong();
    private final AtomicLong telemetryDropped = new AtomicLong();
    private volatile boolean up;

    public GroundStationLink(Endpoint endpoint) {
        this.endpoint = endpoint;
        // A ground station need not talk all the time: no silence bound unless the endpoint sets one.
        this.link = Links.open(endpoint.withOptions(endpoint.options().silenceUnlessGiven(0)));
    }

    public void start(RequestSink sink) {
        link.start(new LinkListener() {
            private long chunkNs;

            @Override
            public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                chunkNs = rxNs;
                splitter.feed(buffer, offset, length, (frame, at, n, messageId) -> onFrame(sink, frame, at, n, messageId, chunkNs));
            }

            @Override
            public void onUp(String description) {
                up = true;
                LOG.info("ground station link up: {}", description);
            }

            @Override
            public void onDown(String reason) {
                up = false;
                LOG.warn("ground station link down: {}", reason);
            }
        });
    }

    private void onFrame(RequestSink sink, byte[] frame, int offset, int length, int messageId, long rxNs) {
        framesIn.incrementAndGet();
        if (ClientRequests.isRequestMessage(messageId)) {
            int system = ClientRequests.sourceSystem(frame, offset);
            int component = ClientRequests.sourceComponent(frame, offset);
            Object payload;
            try {
                payload = codec.decodePayload(Arrays.copyOfRange(frame, offset, offset + length));
            } catch (RuntimeException e) {
                payload = null;
            }
            if (payload != null && ClientRequests.isRequest(payload, system, component)) {
                requestsIn.incrementAndGet();
                if (!sink.request(frame, offset, length, messageId, payload, system, component, rxNs)) {
                    requestsRefused.incrementAndGet();
                }
                return;
            }
        }
        otherFramesDropped.incrementAndGet();
    }

    /** Forwards one board frame; never blocks. */
    public void forwardTelemetry(byte[] frame, int offset, int length) {
        if (link.write(frame, offset, length)) {
            telemetryForwarded.incrementAndGet();
        } else {
            telemetryDropped.incrementAndGet();
        }
    }

    /** Sends an acknowledgement; false when the link could not take it. */
    public boolean send(byte[] frame, int offset, int length) {
        return link.write(frame, offset, length);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public boolean isUp() {
        return up && link.isUp();
    }

    public long framesIn() {
        return framesIn.get();
    }

    /** Requests for the flight task received from the ground station. */
    public long requestsIn() {
        return requestsIn.get();
    }

    /** Requests that arrived before the mission started (nobody to execute them): the sender retransmits. */
    public long requestsRefused() {
        return requestsRefused.get();
    }

    /** Well-formed frames that are not requests for the flight task (heartbeats, parameter requests...): dropped. */
    public long otherFramesDropped() {
        return otherFramesDropped.get();
    }

    public long telemetryForwarded() {
        return telemetryForwarded.get();
    }

    public long telemetryDropped() {
        return telemetryDropped.get();
    }

    /** Bytes skipped and CRC errors while cutting the ground station's stream: its garbage. */
    public long garbageBytes() {
        return splitter.counters().bytesSkipped();
    }

    public long crcErrors() {
        return splitter.counters().crcErrors();
    }

    @Override
    public void close() {
        link.close();
    }
}
