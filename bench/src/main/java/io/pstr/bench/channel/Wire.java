package io.pstr.bench.channel;

/** What the ping-pong parent and its peer process agree on. */
final class Wire {

    private Wire() {
    }

    /** Channel message types (the socket peers just echo). */
    static final int BACK_TO_BACK = 1;
    static final int PACED = 2;
    /** Start an idle period: the peer notes its CPU time and sleeps until the next message. */
    static final int IDLE_BEGIN = 3;
    /** End of the idle period: the peer answers with its thread and process CPU time spent, and the wall time. */
    static final int IDLE_END = 4;
    static final int STOP = 5;

    /**
     * Back to back, a spinning end (the channel's and the raw baseline's) spins this long for the next message
     * before it sleeps: so after its turn a peer still holds a CPU for this long.
     */
    static final long SPIN_NS = 5_000_000;

    /** Socket framing: a 4-byte length, then the payload. */
    static final int LENGTH_BYTES = 4;
    static final int MAX_PAYLOAD = 64 * 1024;

    /**
     * The raw baseline's file: the ping's sequence and size, the pong's sequence, each on cache lines of their own,
     * then the two messages.
     */
    static final int RAW_PING_SEQ = 0;
    static final int RAW_PING_SIZE = 8;
    static final int RAW_PONG_SEQ = 128;
    static final int RAW_PING_DATA = 256;
    static final int RAW_MAX_PAYLOAD = 4096;
    static final int RAW_PONG_DATA = RAW_PING_DATA + RAW_MAX_PAYLOAD + 128;
    /** A doorbell for each direction (the woken floor's; the spinning one leaves them alone), on cache lines of their own. */
    static final int RAW_PING_BELL = RAW_PONG_DATA + RAW_MAX_PAYLOAD;
    static final int RAW_PONG_BELL = RAW_PING_BELL + 128;
    static final int RAW_FILE_BYTES = RAW_PONG_BELL + 128;
    /** How often an idle raw peer looks for the next ping, between its turns. */
    static final long RAW_IDLE_LOOK_NS = 20_000_000;
    /** Written as the ping's sequence: the raw peer exits. */
    static final long RAW_STOP = -1;
}
