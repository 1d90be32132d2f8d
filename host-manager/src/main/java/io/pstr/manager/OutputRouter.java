package io.pstr.manager;

import io.pstr.core.mavlink.ClientRequests;
import io.pstr.core.mavlink.MavlinkCodec;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Splits a cycle's chosen output (frames back to back) between the board and the ground station: an
 * acknowledgement goes back to the link its requester spoke on, everything else to the board. Every
 * acknowledgement is entered in the {@link RequestLedger}. Outputs with no acknowledgement (almost
 * all of them) go to the board untouched, without copying. Single-threaded (the conductor's).
 */
public final class OutputRouter {

    /** Where the board's share goes (the paced writer). */
    @FunctionalInterface
    public interface BoardSink {
        void send(DirectBuffer frames, int offset, int length);
    }

    /** The ground-station link; returns false when the frame could not be written. */
    @FunctionalInterface
    public interface GcsSink {
        boolean send(byte[] frame, int offset, int length);
    }

    private final RequestLedger ledger;
    private final GcsSink gcs;
    private final MavlinkCodec codec = new MavlinkCodec();
    private final byte[] copy = new byte[64 * 1024];
    private final byte[] board = new byte[64 * 1024];
    private final UnsafeBuffer boardView = new UnsafeBuffer(board);
    private long acksToGcs;
    private long acksToGcsDropped;
    private long malformedOutputs;

    /** @param gcs null when there is no ground-station link: every frame goes to the board */
    public OutputRouter(RequestLedger ledger, GcsSink gcs) {
        this.ledger = ledger;
        this.gcs = gcs;
    }

    public void route(DirectBuffer frames, int offset, int length, long nowNs, BoardSink boardSink) {
        if (!hasAck(frames, offset, length)) {
            boardSink.send(frames, offset, length);
            return;
        }
        frames.getBytes(offset, copy, 0, length);
        int[] boardLength = {0};
        boolean whole = ClientRequests.forEachFrame(copy, 0, length, (bytes, at, n, messageId) -> {
            if (ClientRequests.isAckMessage(messageId) && toGcs(bytes, at, n, nowNs)) {
                return;
            }
            System.arraycopy(bytes, at, board, boardLength[0], n);
            boardLength[0] += n;
        });
        if (!whole) {
            malformedOutputs++;
        }
        if (boardLength[0] > 0) {
            boardSink.send(boardView, 0, boardLength[0]);
        }
    }

    /** Enters the ack in the ledger; true when it went to the ground station (and not to the board). */
    private boolean toGcs(byte[] bytes, int at, int n, long nowNs) {
        Object ack;
        try {
            ack = codec.decodePayload(java.util.Arrays.copyOfRange(bytes, at, at + n));
        } catch (RuntimeException e) {
            return false;
        }
        int[] target = ClientRequests.ackTarget(ack);
        if (target == null) {
            return false;
        }
        ledger.acked(ack, nowNs);
        if (gcs == null || ledger.originOf(target[0], target[1]) != RequestLedger.Origin.GCS) {
            return false;
        }
        if (gcs.send(bytes, at, n)) {
            acksToGcs++;
        } else {
            acksToGcsDropped++;
        }
        return true;
    }

    /** Walks the frame headers only. */
    private static boolean hasAck(DirectBuffer frames, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (end - at >= 8) {
            int stx = frames.getByte(at) & 0xFF;
            int payload = frames.getByte(at + 1) & 0xFF;
            int messageId;
            int frameLength;
            if (stx == MavlinkCodec.STX_V2) {
                messageId = (frames.getByte(at + 7) & 0xFF) | (frames.getByte(at + 8) & 0xFF) << 8
                        | (frames.getByte(at + 9) & 0xFF) << 16;
                frameLength = 12 + payload + ((frames.getByte(at + 2) & 0x01) != 0 ? MavlinkCodec.SIGNATURE_LENGTH : 0);
            } else if (stx == MavlinkCodec.STX_V1) {
                messageId = frames.getByte(at + 5) & 0xFF;
                frameLength = 8 + payload;
            } else {
                return false;
            }
            if (ClientRequests.isAckMessage(messageId)) {
                return true;
            }
            at += frameLength;
        }
        return false;
    }

    public long acksToGcs() {
        return acksToGcs;
    }

    /** Acknowledgements for the ground station that its link refused (down): counted, not retried. */
    public long acksToGcsDropped() {
        return acksToGcsDropped;
    }

    /** Outputs that did not end on a frame boundary (never from a healthy replica). */
    public long malformedOutputs() {
        return malformedOutputs;
    }
}
