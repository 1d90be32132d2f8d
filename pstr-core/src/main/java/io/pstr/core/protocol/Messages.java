package io.pstr.core.protocol;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Layouts of the ring messages of {@link MessageTypes} and a writer for them.
 * A writer owns a scratch buffer: one writer per thread. The hot path does not allocate.
 */
public final class Messages {

    public static final int FRAME_HOST_SEQ = 0;
    public static final int FRAME_FIRST_NS = 8;
    public static final int FRAME_LAST_NS = 16;
    public static final int FRAME_BYTES = 24;

    public static final int TICK_CYCLE = 0;
    public static final int TICK_HOST_NS = 8;
    public static final int TICK_PERIOD_MS = 16;
    public static final int TICK_LENGTH = 20;

    public static final int ROLE_EPOCH = 0;
    public static final int ROLE_HOLDER = 8;
    public static final int ROLE_PEER_INCARNATION = 12;
    /** A length-prefixed UTF-8 channel address of the peer ({@code <sandbox-uuid>/<task>}), empty when there is no peer. */
    public static final int ROLE_PEER_ADDRESS = 16;

    public static final int START_MODE = 0;
    public static final int START_EPOCH = 4;
    public static final int START_LENGTH = 12;

    public static final int FAULT_KIND = 0;
    public static final int FAULT_CYCLES = 4;
    public static final int FAULT_LENGTH = 8;

    public static final int LINK_UP = 0;
    public static final int LINK_HOST_NS = 4;
    public static final int LINK_LENGTH = 12;

    public static final int OUTPUT_CYCLE = 0;
    public static final int OUTPUT_EPOCH = 8;
    public static final int OUTPUT_HASH = 16;
    public static final int OUTPUT_ODS_HASH = 24;
    /** Bit 0: the replica's acceptance test passed. */
    public static final int OUTPUT_FLAGS = 32;
    public static final int OUTPUT_PHASE = 36;
    public static final int OUTPUT_FRAMES = 40;
    public static final int FLAG_ACCEPTED = 1;

    public static final int TAKEOVER_EPOCH = 0;
    public static final int TAKEOVER_CYCLE = 8;
    public static final int TAKEOVER_PEER_SILENT_NS = 16;
    public static final int TAKEOVER_LENGTH = 24;

    public static final int CHECKPOINT_CYCLE = 0;
    public static final int CHECKPOINT_EPOCH = 8;
    public static final int CHECKPOINT_ODS_HASH = 16;
    public static final int CHECKPOINT_ODS = 24;

    public static final int HEARTBEAT_CYCLE = 0;
    public static final int HEARTBEAT_SENT_NS = 8;
    public static final int HEARTBEAT_EPOCH = 16;
    public static final int HEARTBEAT_LENGTH = 24;

    public static final int NOTICE_CYCLE = 0;
    public static final int NOTICE_EPOCH = 8;
    public static final int NOTICE_REQUEST_ID = 16;
    public static final int NOTICE_RESULT = 20;
    public static final int NOTICE_LENGTH = 24;

    /** Largest message body a writer can build. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_MESSAGE_BYTES]);

    public UnsafeBuffer scratch() {
        return scratch;
    }

    public boolean frame(RingBuffer ring, long hostSeq, long firstNs, long lastNs, DirectBuffer frame, int offset, int length) {
        scratch.putLong(FRAME_HOST_SEQ, hostSeq);
        scratch.putLong(FRAME_FIRST_NS, firstNs);
        scratch.putLong(FRAME_LAST_NS, lastNs);
        scratch.putBytes(FRAME_BYTES, frame, offset, length);
        return ring.write(MessageTypes.FRAME, scratch, 0, FRAME_BYTES + length);
    }

    public boolean tick(RingBuffer ring, long cycle, long hostNs, int periodMs) {
        scratch.putLong(TICK_CYCLE, cycle);
        scratch.putLong(TICK_HOST_NS, hostNs);
        scratch.putInt(TICK_PERIOD_MS, periodMs);
        return ring.write(MessageTypes.TICK, scratch, 0, TICK_LENGTH);
    }

    public boolean role(RingBuffer ring, long epoch, boolean holder, int peerIncarnation, String peerAddress) {
        scratch.putLong(ROLE_EPOCH, epoch);
        scratch.putInt(ROLE_HOLDER, holder ? 1 : 0);
        scratch.putInt(ROLE_PEER_INCARNATION, peerIncarnation);
        int length = scratch.putStringUtf8(ROLE_PEER_ADDRESS, peerAddress == null ? "" : peerAddress);
        return ring.write(MessageTypes.ROLE, scratch, 0, ROLE_PEER_ADDRESS + length);
    }

    public boolean sendCheckpoint(RingBuffer ring, long requestId) {
        scratch.putLong(0, requestId);
        return ring.write(MessageTypes.SEND_CHECKPOINT, scratch, 0, Long.BYTES);
    }

    public boolean start(RingBuffer ring, int mode, long epoch) {
        scratch.putInt(START_MODE, mode);
        scratch.putLong(START_EPOCH, epoch);
        return ring.write(MessageTypes.START, scratch, 0, START_LENGTH);
    }

    public boolean fault(RingBuffer ring, int kind, int cycles) {
        scratch.putInt(FAULT_KIND, kind);
        scratch.putInt(FAULT_CYCLES, cycles);
        return ring.write(MessageTypes.FAULT, scratch, 0, FAULT_LENGTH);
    }

    /** Tells a replica the board link is up or down (sent in order with the frames). */
    public boolean link(RingBuffer ring, boolean up, long hostNs) {
        scratch.putInt(LINK_UP, up ? 1 : 0);
        scratch.putLong(LINK_HOST_NS, hostNs);
        return ring.write(MessageTypes.LINK, scratch, 0, LINK_LENGTH);
    }

    /** Writes an output whose frames the caller has already put in {@link #scratch()} at {@link #OUTPUT_FRAMES}. */
    public boolean output(RingBuffer ring, long cycle, long epoch, long outputHash, long odsHash, boolean accepted,
            int phase, int framesLength) {
        scratch.putLong(OUTPUT_CYCLE, cycle);
        scratch.putLong(OUTPUT_EPOCH, epoch);
        scratch.putLong(OUTPUT_HASH, outputHash);
        scratch.putLong(OUTPUT_ODS_HASH, odsHash);
        scratch.putInt(OUTPUT_FLAGS, accepted ? FLAG_ACCEPTED : 0);
        scratch.putInt(OUTPUT_PHASE, phase);
        return ring.write(MessageTypes.OUTPUT, scratch, 0, OUTPUT_FRAMES + framesLength);
    }

    public boolean takeoverRequest(RingBuffer ring, long epoch, long cycle, long peerSilentNs) {
        scratch.putLong(TAKEOVER_EPOCH, epoch);
        scratch.putLong(TAKEOVER_CYCLE, cycle);
        scratch.putLong(TAKEOVER_PEER_SILENT_NS, peerSilentNs);
        return ring.write(MessageTypes.TAKEOVER_REQUEST, scratch, 0, TAKEOVER_LENGTH);
    }

    /** Builds a {@link MessageTypes#CHECKPOINT} body in {@link #scratch()}; returns its length. */
    public int checkpoint(long cycle, long epoch, long odsHash, byte[] ods) {
        scratch.putLong(CHECKPOINT_CYCLE, cycle);
        scratch.putLong(CHECKPOINT_EPOCH, epoch);
        scratch.putLong(CHECKPOINT_ODS_HASH, odsHash);
        scratch.putBytes(CHECKPOINT_ODS, ods);
        return CHECKPOINT_ODS + ods.length;
    }

    /** Builds a {@link MessageTypes#HEARTBEAT} body in {@link #scratch()}; returns its length. */
    public int heartbeat(long cycle, long sentNs, long epoch) {
        scratch.putLong(HEARTBEAT_CYCLE, cycle);
        scratch.putLong(HEARTBEAT_SENT_NS, sentNs);
        scratch.putLong(HEARTBEAT_EPOCH, epoch);
        return HEARTBEAT_LENGTH;
    }

    /** Builds a {@link MessageTypes#REQUEST_NOTICE} body in {@link #scratch()}; returns its length. */
    public int requestNotice(long cycle, long epoch, int requestId, int result) {
        scratch.putLong(NOTICE_CYCLE, cycle);
        scratch.putLong(NOTICE_EPOCH, epoch);
        scratch.putInt(NOTICE_REQUEST_ID, requestId);
        scratch.putInt(NOTICE_RESULT, result);
        return NOTICE_LENGTH;
    }
}
