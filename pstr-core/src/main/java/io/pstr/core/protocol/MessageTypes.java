package io.pstr.core.protocol;

/**
 * Message type ids of the rings between the host and the replicas and between the replicas.
 * Every body is little-endian, laid out as the constants of {@link Messages} say.
 */
public final class MessageTypes {

    private MessageTypes() {
    }

    // Host → replica (input ring)
    /** A board frame: host sequence, first/last byte arrival, frame bytes. */
    public static final int FRAME = 1;
    /** End of a cycle's inputs: run the step for this cycle. */
    public static final int TICK = 2;
    /** The replica's epoch, whether it holds the I/O, and its peer's channel address. */
    public static final int ROLE = 3;
    /** Holder: after your next step, send your ODS to the peer over the channel. */
    public static final int SEND_CHECKPOINT = 4;
    /** Start running: fresh mission, cold start (land now), or wait for a checkpoint. */
    public static final int START = 5;
    /** Fault injection inside the replica: one of the FAULT_ kinds below, for a number of cycles. */
    public static final int FAULT = 6;
    /** The board link went down or came back: up flag, host time, bytes the host could not write while down. */
    public static final int LINK = 7;

    // Replica → host (output ring)
    /** The replica's output for one cycle. */
    public static final int OUTPUT = 10;
    /** The shadow missed its peer's heartbeats and asks to take over. */
    public static final int TAKEOVER_REQUEST = 11;

    // Replica → replica: message types on the direct channel (io.pstr.core.channel)
    public static final int CHECKPOINT = 20;
    public static final int HEARTBEAT = 21;
    /** The holder executed a client request in a cycle: its id and result, for the shadow to check. */
    public static final int REQUEST_NOTICE = 22;

    /** START modes. */
    public static final int START_FRESH = 0;
    public static final int START_COLD_LAND = 1;
    public static final int START_FROM_CHECKPOINT = 2;

    /** FAULT kinds. Kinds 0..3 are output corruptions (none, NaN, out of range, frozen). */
    public static final int FAULT_CORRUPT_NAN = 1;
    public static final int FAULT_CORRUPT_RANGE = 2;
    public static final int FAULT_CORRUPT_FROZEN = 3;
    /** Each step takes 1.5 control periods (the thread parks), for the given cycles. */
    public static final int FAULT_STALL = 16;
    /** Allocate until the heap is exhausted. */
    public static final int FAULT_OOM = 17;
    /** Perturb the state once. */
    public static final int FAULT_DIVERGE = 18;
    /** Write nothing to the peer's mailbox for the given cycles. */
    public static final int FAULT_CUT_CHANNEL = 19;
}
