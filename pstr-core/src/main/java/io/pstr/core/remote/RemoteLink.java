package io.pstr.core.remote;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The link between a replica's relay on the board's computer and the replica host on another computer: one
 * Aeron UDP stream each way (reliable, in order), carrying what the replica's files carry on one host — the
 * host's input ring, the replica's output ring, its status and its direct-channel packets to and from the peer.
 * <p>
 * Each message is a kind ({@code int}) and a body. Nothing sent is dropped quietly: {@link #offer} says whether the
 * stream took it, and a caller that could not send keeps the message for its next try.
 */
public final class RemoteLink {

    /** The Aeron stream of both directions. */
    public static final int STREAM_ID = 1101;

    /** Relay → host: slot, incarnation, the relay's reply endpoint, the replica's channel address, its options. */
    public static final int HELLO = 1;
    /** Relay → host: one message of the host's input ring: its ring type and bytes. */
    public static final int INPUT = 2;
    /** Relay → host: a direct-channel packet from the peer to the replica. */
    public static final int PEER_IN = 3;
    /** Either way, when nothing else went for a while: the other end is alive. */
    public static final int KEEPALIVE = 4;
    /** Host → relay: the replica's status fields. */
    public static final int STATUS = 5;
    /** Host → relay: one message of the replica's output ring: its ring type and bytes. */
    public static final int OUTPUT = 6;
    /** Host → relay: a direct-channel packet from the replica to the peer. */
    public static final int PEER_OUT = 7;
    /** Host → relay: the replica process exited (its exit code and a reason). */
    public static final int GONE = 8;

    /** Offset of the kind in every message. */
    public static final int KIND = 0;
    /** Offset of a message's body. */
    public static final int BODY = Integer.BYTES;

    /** Body of {@link #INPUT} and {@link #OUTPUT}: the ring's message type, then the bytes. */
    public static final int RING_TYPE = BODY;
    public static final int RING_BYTES = RING_TYPE + Integer.BYTES;

    /** Body of {@link #PEER_IN} and {@link #PEER_OUT}: packet type, HARD flag, requested time, the other address, payload. */
    public static final int PEER_TYPE = BODY;
    public static final int PEER_HARD = PEER_TYPE + Integer.BYTES;
    public static final int PEER_REQUESTED_NS = PEER_HARD + Integer.BYTES;
    public static final int PEER_MSB = PEER_REQUESTED_NS + Long.BYTES;
    public static final int PEER_LSB = PEER_MSB + Long.BYTES;
    public static final int PEER_TASK = PEER_LSB + Long.BYTES;
    public static final int PEER_PAYLOAD = PEER_TASK + Integer.BYTES;

    /** Body of {@link #STATUS}: the count of fields, then each as a long in the status file's order. */
    public static final int STATUS_COUNT = BODY;
    public static final int STATUS_FIELDS = STATUS_COUNT + Integer.BYTES;

    /** Body of {@link #GONE}: the exit code, then the reason (UTF-8, length first). */
    public static final int GONE_EXIT_CODE = BODY;
    public static final int GONE_REASON = GONE_EXIT_CODE + Integer.BYTES;

    /** Offer attempts before {@link #offer} gives up for now (back pressure, an admin action of the driver). */
    private static final int OFFER_TRIES = 3;

    /** Longest string a {@link #HELLO} may carry (an option, an endpoint): a bound for a message from the network. */
    static final int MAX_HELLO_STRING = 4096;
    /** Most options a {@link #HELLO} may carry. */
    static final int MAX_HELLO_ARGS = 64;

    private RemoteLink() {
    }

    /**
     * What a relay tells the host first: which replica it stands for, where to answer, the replica's address on the
     * direct channel (the board's host gave it) and the mission options every replica must get alike.
     */
    public record Hello(String slot, int incarnation, String replyEndpoint, String channelAddress, java.util.List<String> args) {

        public Hello {
            args = java.util.List.copyOf(args);
        }

        /** Writes the whole message at 0; returns its length. */
        public int encode(MutableDirectBuffer b) {
            b.putInt(KIND, HELLO);
            int at = BODY;
            b.putInt(at, incarnation);
            at += Integer.BYTES;
            at += b.putStringUtf8(at, slot);
            at += b.putStringUtf8(at, replyEndpoint);
            at += b.putStringUtf8(at, channelAddress);
            b.putInt(at, args.size());
            at += Integer.BYTES;
            for (String a : args) {
                at += b.putStringUtf8(at, a);
            }
            return at;
        }

        /**
         * Reads a HELLO of {@code length} bytes at {@code offset}.
         *
         * @throws IllegalArgumentException when it is truncated or its lengths are out of bounds
         */
        public static Hello decode(DirectBuffer b, int offset, int length) {
            Reader r = new Reader(b, offset + BODY, offset + length);
            int incarnation = r.integer();
            String slot = r.string();
            String reply = r.string();
            String address = r.string();
            int n = r.integer();
            if (n < 0 || n > MAX_HELLO_ARGS) {
                throw new IllegalArgumentException("HELLO with " + n + " options (at most " + MAX_HELLO_ARGS + ")");
            }
            java.util.List<String> args = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                args.add(r.string());
            }
            return new Hello(slot, incarnation, reply, address, args);
        }
    }

    /** Reads fields of a message from the network, refusing any that run past its end. */
    private static final class Reader {
        private final DirectBuffer b;
        private final int end;
        private int at;

        Reader(DirectBuffer b, int at, int end) {
            this.b = b;
            this.at = at;
            this.end = end;
        }

        int integer() {
            need(Integer.BYTES);
            int v = b.getInt(at);
            at += Integer.BYTES;
            return v;
        }

        String string() {
            int n = integer();
            if (n < 0 || n > MAX_HELLO_STRING) {
                throw new IllegalArgumentException("string of " + n + " bytes in a HELLO (at most " + MAX_HELLO_STRING + ")");
            }
            need(n);
            String s = b.getStringWithoutLengthUtf8(at, n);
            at += n;
            return s;
        }

        private void need(int n) {
            if (at + n > end) {
                throw new IllegalArgumentException("truncated HELLO: " + n + " bytes needed at " + at + ", " + (end - at) + " left");
            }
        }
    }

    /** A message as it arrives, whole (Aeron's fragments put back together). */
    @FunctionalInterface
    public interface Handler {
        void onMessage(int kind, DirectBuffer buffer, int offset, int length, int sessionId);
    }

    /**
     * Writes an {@link #INPUT} or {@link #OUTPUT} message at 0 of {@code b}: a ring message of {@code type}, its
     * {@code length} bytes at {@code index} of {@code src}. Returns its length.
     */
    public static int putRingMessage(MutableDirectBuffer b, int kind, int type, DirectBuffer src, int index, int length) {
        b.putInt(KIND, kind);
        b.putInt(RING_TYPE, type);
        b.putBytes(RING_BYTES, src, index, length);
        return RING_BYTES + length;
    }

    /**
     * Writes a {@link #PEER_IN} or {@link #PEER_OUT} message at 0 of {@code b}: {@code packet}'s type, deadline kind,
     * requested time and payload, with {@code other} as its sender (in) or destination (out). Returns its length.
     */
    public static int putPeerPacket(MutableDirectBuffer b, int kind, io.pstr.core.channel.Packet packet,
            io.pstr.core.channel.ChannelAddress other) {
        b.putInt(KIND, kind);
        b.putInt(PEER_TYPE, packet.type());
        b.putInt(PEER_HARD, packet.hard() ? 1 : 0);
        b.putLong(PEER_REQUESTED_NS, packet.requestedNs());
        b.putLong(PEER_MSB, other.sandbox().getMostSignificantBits());
        b.putLong(PEER_LSB, other.sandbox().getLeastSignificantBits());
        b.putInt(PEER_TASK, other.taskId());
        b.putBytes(PEER_PAYLOAD, packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        return PEER_PAYLOAD + packet.payloadLength();
    }

    /** The other address of a {@link #PEER_IN} or {@link #PEER_OUT} message at {@code offset}. */
    public static io.pstr.core.channel.ChannelAddress peerAddress(DirectBuffer b, int offset) {
        return new io.pstr.core.channel.ChannelAddress(new java.util.UUID(b.getLong(offset + PEER_MSB),
                b.getLong(offset + PEER_LSB)), b.getInt(offset + PEER_TASK));
    }

    /** The deadline kind of a {@link #PEER_IN} or {@link #PEER_OUT} message at {@code offset}. */
    public static io.pstr.core.channel.DeadlineKind peerDeadline(DirectBuffer b, int offset) {
        return b.getInt(offset + PEER_HARD) != 0 ? io.pstr.core.channel.DeadlineKind.HARD : io.pstr.core.channel.DeadlineKind.SOFT;
    }

    /**
     * Checks a {@code host:port} endpoint (a name or an IPv4 address, port 1–65535, or 0 where {@code allowAnyPort})
     * and returns it unchanged.
     *
     * @throws IllegalArgumentException with what is wrong
     */
    public static String checkEndpoint(String endpoint, boolean allowAnyPort) {
        int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, not '" + endpoint + "'");
        }
        int port;
        try {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + endpoint + "'");
        }
        if (port < (allowAnyPort ? 0 : 1) || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " out of range in '" + endpoint + "'");
        }
        return endpoint;
    }

    /** The address of this computer that packets to {@code endpoint} leave from (no packet is sent to find it). */
    public static String localAddressToward(String endpoint) {
        checkEndpoint(endpoint, false);
        int colon = endpoint.lastIndexOf(':');
        try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
            s.connect(new java.net.InetSocketAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1))));
            return s.getLocalAddress().getHostAddress();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("no route to " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static String uri(String endpoint) {
        return "aeron:udp?endpoint=" + endpoint;
    }

    /** Where this end receives: one subscription, any number of senders (the host hears every relay on it). */
    public static final class Inbound implements AutoCloseable {
        private final Subscription subscription;
        private final FragmentAssembler assembler;
        private Handler handler;
        private long malformed;

        /** @param listenEndpoint {@code host:port}; port 0 picks a free one ({@link #boundEndpoints}) */
        public Inbound(Aeron aeron, String listenEndpoint) {
            this.subscription = aeron.addSubscription(uri(listenEndpoint), STREAM_ID);
            FragmentHandler onFragment = this::onFragment;
            this.assembler = new FragmentAssembler(onFragment);
        }

        /** The endpoints the subscription is bound to (its real port when asked for port 0); empty until bound. */
        public java.util.List<String> boundEndpoints() {
            return subscription.localSocketAddresses();
        }

        /** Delivers up to {@code limit} fragments' worth of whole messages to {@code handler}. */
        public int poll(Handler handler, int limit) {
            this.handler = handler;
            return subscription.poll(assembler, limit);
        }

        /** Messages too short to carry a kind: counted and skipped. */
        public long malformed() {
            return malformed;
        }

        private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
            if (length < BODY) {
                malformed++;
                return;
            }
            handler.onMessage(buffer.getInt(offset + KIND), buffer, offset, length, header.sessionId());
        }

        @Override
        public void close() {
            subscription.close();
        }
    }

    /** Where this end sends: one publication to the other end's endpoint, and a buffer to build messages in. */
    public static final class Outbound implements AutoCloseable {
        private final ExclusivePublication publication;
        private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);

        /** @param peerEndpoint where the other end receives ({@code host:port}) */
        public Outbound(Aeron aeron, String peerEndpoint) {
            this.publication = aeron.addExclusivePublication(uri(peerEndpoint), STREAM_ID);
        }

        /** True once the other end's subscription has seen this stream. */
        public boolean connected() {
            return publication.isConnected();
        }

        /** The buffer to build the next message in; {@link #offer} sends its first {@code length} bytes. */
        public MutableDirectBuffer scratch() {
            return scratch;
        }

        /** Starts a message of {@code kind} in the scratch buffer; returns the body's offset. */
        public int begin(int kind) {
            scratch.putInt(KIND, kind);
            return BODY;
        }

        /** Sends the scratch buffer's first {@code length} bytes; false when the stream did not take them (try again later). */
        public boolean offer(int length) {
            for (int i = 0; i < OFFER_TRIES; i++) {
                long r = publication.offer(scratch, 0, length);
                if (r > 0) {
                    return true;
                }
                if (r == Publication.NOT_CONNECTED || r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED) {
                    return false;
                }
            }
            return false;
        }

        @Override
        public void close() {
            publication.close();
        }
    }
}
