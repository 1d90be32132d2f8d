package io.pstr.core.remote;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.pstr.core.mavlink.MavlinkSigning;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link between a replica's relay on the board's computer and the replica host on another computer: one
 * Aeron UDP stream each way (reliable, in order), carrying what the replica's files carry on one host — the
 * host's input ring, the replica's output ring, its status and its direct-channel packets to and from the peer.
 * <p>
 * Each message is a kind ({@code int}) and a body. Nothing sent is dropped quietly: {@link #offer} says whether the
 * stream took it, and a caller that could not send keeps the message for its next try.
 * <p>
 * With a {@link Key} both ends share, every message is signed: its kind has the {@link #SIGNED} bit, and a trailer
 * carries its number in the stream, the sender's challenge, the receiver's challenge echoed, and an HMAC-SHA256 tag
 * (truncated to 16 bytes) over the direction, the stream's Aeron session, those three and the message. A challenge
 * is a random number each receiving end draws when it starts ({@link Inbound#challenge}); a sender learns the other
 * end's from what it receives ({@link Inbound#challengeOf}) and echoes it ({@link Outbound#challenges}). A receiver
 * with the key takes a message only if the tag is right, the number is above the last one of that session and the
 * echo is its own challenge (a relay's HELLO, sent before it has heard anything, may echo 0): a forged, altered,
 * replayed — within a session, or recorded before this end started — reflected (sent back the other way) or moved
 * (into another session) message is refused and counted, as is an unsigned one; a receiver without a key refuses
 * signed messages rather than misread them. A HELLO that echoes no challenge proves nothing about when it was
 * recorded, so the replica host starts nothing for it: it answers a {@link #CHALLENGE}, and starts the replica for
 * the HELLO that echoes it ({@link Inbound#echoedChallenge}). The link is not encrypted.
 */
public final class RemoteLink {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLink.class);

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
    /**
     * Host → relay, on a signed link: the answer to a HELLO that echoed no challenge (the trailer carries the host's
     * challenge, no body): say HELLO again, echoing it, and the replica is started.
     */
    public static final int CHALLENGE = 9;

    /** In the kind of a message signed with a {@link Key}: it ends with a {@link #TRAILER_BYTES} trailer. */
    public static final int SIGNED = 0x4000_0000;
    /**
     * Bytes of a signed message's trailer: its number in the stream, the sender's challenge and the receiver's echoed
     * (three longs), then the tag.
     */
    public static final int TRAILER_BYTES = 3 * Long.BYTES + Signer.TAG_BYTES;
    /** Offsets in the trailer. */
    private static final int TRAILER_CHALLENGE = Long.BYTES;
    private static final int TRAILER_ECHO = 2 * Long.BYTES;
    private static final int TRAILER_TAG = 3 * Long.BYTES;

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

    /** Which end of the link a message comes from: each end signs as itself, so a message cannot be sent back. */
    public enum Side {
        /** The relay in a slot of the board's computer. */
        RELAY,
        /** The replica host on the other computer. */
        REPLICA_HOST;

        Side other() {
            return this == RELAY ? REPLICA_HOST : RELAY;
        }
    }

    /**
     * The secret the two ends of a link share (32 bytes, the key file of MAVLink signing: raw, or 64 hexadecimal
     * digits). Anyone with it can speak for either end; keep the file readable by the flight system's user only.
     */
    public static final class Key {
        private final byte[] secret;

        public Key(byte[] secret) {
            if (secret == null || secret.length != 32) {
                throw new IllegalArgumentException("a link key is 32 bytes");
            }
            this.secret = secret.clone();
        }

        /**
         * Reads a key file.
         *
         * @throws IllegalArgumentException naming the file and what is wrong with it
         */
        public static Key load(Path file) {
            return new Key(MavlinkSigning.loadKey(file));
        }
    }

    /** Signs the messages one end sends, or checks those it receives from the other; one thread. */
    static final class Signer {
        static final int TAG_BYTES = 16;
        private final Side self;
        private final Mac mac;
        /** What the tag binds the message to: direction, session, number, the sender's challenge, the echo. */
        private final UnsafeBuffer binding = new UnsafeBuffer(new byte[Byte.BYTES + Integer.BYTES + 3 * Long.BYTES]);
        private final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(1024);
        private final byte[] tag = new byte[32];

        /**
         * The signer of end {@code self} of a link with {@code key}; null when there is no key (the link is not signed).
         *
         * @throws IllegalArgumentException for a key without a side
         */
        static Signer of(Key key, Side self) {
            if (key == null) {
                return null;
            }
            if (self == null) {
                throw new IllegalArgumentException("a signed link needs its side");
            }
            return new Signer(key, self);
        }

        private Signer(Key key, Side self) {
            this.self = self;
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.secret, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
            }
        }

        /** The full tag of message {@code [offset, offset + length)} of {@code b}, into {@link #tag}. */
        private void compute(Side from, int sessionId, long number, long challenge, long echo, DirectBuffer b, int offset,
                int length) {
            binding.putByte(0, (byte) from.ordinal());
            binding.putInt(Byte.BYTES, sessionId);
            binding.putLong(Byte.BYTES + Integer.BYTES, number);
            binding.putLong(Byte.BYTES + Integer.BYTES + Long.BYTES, challenge);
            binding.putLong(Byte.BYTES + Integer.BYTES + 2 * Long.BYTES, echo);
            copy.putBytes(0, b, offset, length);
            mac.update(binding.byteArray(), 0, binding.capacity());
            mac.update(copy.byteArray(), 0, length);
            try {
                mac.doFinal(tag, 0);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Signs as this end: appends the trailer (number, this end's {@code challenge}, the other end's {@code echo},
         * tag) after message {@code [0, length)} of {@code b}; returns the signed length.
         */
        int sign(int sessionId, long number, long challenge, long echo, MutableDirectBuffer b, int length) {
            b.putLong(length, number);
            b.putLong(length + TRAILER_CHALLENGE, challenge);
            b.putLong(length + TRAILER_ECHO, echo);
            compute(self, sessionId, number, challenge, echo, b, 0, length);
            b.putBytes(length + TRAILER_TAG, tag, 0, TAG_BYTES);
            return length + TRAILER_BYTES;
        }

        /**
         * True when the trailer at {@code offset + length} holds the other end's tag of message {@code [offset, offset +
         * length)} with the trailer's number, challenge and echo; constant time.
         */
        boolean verify(int sessionId, DirectBuffer b, int offset, int length) {
            int trailer = offset + length;
            compute(self.other(), sessionId, b.getLong(trailer), b.getLong(trailer + TRAILER_CHALLENGE),
                    b.getLong(trailer + TRAILER_ECHO), b, offset, length);
            int tagAt = trailer + TRAILER_TAG;
            int diff = 0;
            for (int i = 0; i < TAG_BYTES; i++) {
                diff |= tag[i] ^ b.getByte(tagAt + i);
            }
            return diff == 0;
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

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A challenge: random, never 0 (the echo of an end not heard yet). */
    static long newChallenge() {
        long c;
        do {
            c = RANDOM.nextLong();
        } while (c == 0);
        return c;
    }

    private static String uri(String endpoint) {
        return "aeron:udp?endpoint=" + endpoint;
    }

    /**
     * What a receiving end lets through: with a key, only messages the other end signed, each numbered above the last
     * of its session and echoing this end's challenge; without one, only unsigned messages. Refusals are counted and
     * said in the log.
     */
    static final class Gate {
        private final Signer signer;
        private final long challenge;
        /** The number of the last message taken, per session: a signed message must come after it. */
        private final Long2LongHashMap lastNumber = new Long2LongHashMap(0);
        /** The challenge the sender of each session carries (0: none heard). */
        private final Long2LongHashMap senderChallenge = new Long2LongHashMap(0);
        private final String name;
        private long refused;
        /** Whether the last message taken echoed this end's challenge (always, without a key: nothing to echo). */
        private boolean echoed;

        /** @param challenge this end's challenge (ignored without a key) */
        Gate(Key key, Side self, long challenge, String name) {
            this.signer = Signer.of(key, self);
            this.challenge = challenge;
            this.name = name;
        }

        /** This end's challenge, which every signed message must echo (0 without a key). */
        long challenge() {
            return challenge;
        }

        /** The challenge the sender of {@code session} carried in the last message taken from it; 0 if none. */
        long challengeOf(int session) {
            return senderChallenge.get(session);
        }

        /** The length of the message without its trailer if it may be taken, else -1 (refused, counted). */
        int admit(DirectBuffer buffer, int offset, int length, int session) {
            boolean signed = (buffer.getInt(offset + KIND) & SIGNED) != 0;
            if (signer == null) {
                echoed = true;
                return signed ? refuse(session, "it is signed, and this end has no link key") : length;
            }
            if (!signed) {
                return refuse(session, "it is not signed");
            }
            if (length < BODY + TRAILER_BYTES) {
                return refuse(session, "it is too short to carry its signature");
            }
            int body = length - TRAILER_BYTES;
            if (!signer.verify(session, buffer, offset, body)) {
                return refuse(session, "its signature is wrong (another key, or altered)");
            }
            long echo = buffer.getLong(offset + body + TRAILER_ECHO);
            boolean hello = (buffer.getInt(offset + KIND) & ~SIGNED) == HELLO;
            if (echo != challenge && !(hello && echo == 0)) {
                return refuse(session, "it answers another challenge than this end's (recorded before this end started, "
                        + "or sent to another)");
            }
            long number = buffer.getLong(offset + body);
            long last = lastNumber.get(session);
            if (number <= last) {
                return refuse(session, "it is a replay (number " + number + " after " + last + ")");
            }
            lastNumber.put(session, number);
            senderChallenge.put(session, buffer.getLong(offset + body + TRAILER_CHALLENGE));
            echoed = echo == challenge;
            return body;
        }

        /** Whether the last message taken echoed this end's challenge (always without a key). */
        boolean echoed() {
            return echoed;
        }

        private int refuse(int session, String why) {
            if (refused++ == 0 || Long.bitCount(refused) == 1) {
                LOG.warn("remote link {}: message of session {} refused: {} ({} refused so far)", name, session, why, refused);
            }
            return -1;
        }

        long refused() {
            return refused;
        }
    }

    /** Where this end receives: one subscription, any number of senders (the host hears every relay on it). */
    public static final class Inbound implements AutoCloseable {
        private final Subscription subscription;
        private final FragmentAssembler assembler;
        private final Gate gate;
        private Handler handler;
        private long malformed;

        /** @param listenEndpoint {@code host:port}; port 0 picks a free one ({@link #boundEndpoints}) */
        public Inbound(Aeron aeron, String listenEndpoint) {
            this(aeron, listenEndpoint, null, null);
        }

        /**
         * @param key  the link's key (null: messages are not signed, and signed ones are refused)
         * @param self which end this is: it takes only messages the other end signed
         */
        public Inbound(Aeron aeron, String listenEndpoint, Key key, Side self) {
            this.gate = new Gate(key, self, key == null ? 0 : newChallenge(), "on " + listenEndpoint);
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

        /**
         * This end's challenge: a random number drawn when it was made, which every signed message to it must echo (0
         * on a link without a key). Give it to the {@link Outbound} this end answers through.
         */
        public long challenge() {
            return gate.challenge();
        }

        /** The challenge the sender of {@code session} carries (0: none heard yet, or no key): echo it to that end. */
        public long challengeOf(int session) {
            return gate.challengeOf(session);
        }

        /**
         * Whether the message being handled echoed this end's {@link #challenge}, so was sent after this end started: true
         * for every message taken on a signed link but a HELLO echoing none, and for every message without a key. Ask
         * it from the {@link Handler}, for the message it is given.
         */
        public boolean echoedChallenge() {
            return gate.echoed();
        }

        /** Messages too short to carry a kind: counted and skipped. */
        public long malformed() {
            return malformed;
        }

        /**
         * Messages refused for their signature: unsigned, signed with another key or altered, replayed, or signed
         * where this end has no key.
         */
        public long refused() {
            return gate.refused();
        }

        private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
            if (length < BODY) {
                malformed++;
                return;
            }
            int body = gate.admit(buffer, offset, length, header.sessionId());
            if (body >= 0) {
                handler.onMessage(buffer.getInt(offset + KIND) & ~SIGNED, buffer, offset, body, header.sessionId());
            }
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
        private final Signer signer;
        private long number;
        private long challenge;
        private long echo;

        /** @param peerEndpoint where the other end receives ({@code host:port}) */
        public Outbound(Aeron aeron, String peerEndpoint) {
            this(aeron, peerEndpoint, null, null);
        }

        /**
         * @param key  the link's key: every message is signed with it (null: not signed)
         * @param self which end this is
         */
        public Outbound(Aeron aeron, String peerEndpoint, Key key, Side self) {
            this.signer = Signer.of(key, self);
            this.publication = aeron.addExclusivePublication(uri(peerEndpoint), STREAM_ID);
        }

        /**
         * What the messages sent from now on carry on a signed link: this end's challenge (its {@link Inbound#challenge})
         * and the other end's, echoed (its {@link Inbound#challengeOf}; 0 before it has been heard, which the other end
         * takes in a HELLO only).
         */
        public void challenges(long own, long otherEnds) {
            this.challenge = own;
            this.echo = otherEnds;
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
            int total = length;
            if (signer != null) {
                // A number per try: one the stream did not take leaves a gap, which the receiver allows.
                scratch.putInt(KIND, scratch.getInt(KIND) | SIGNED);
                total = signer.sign(publication.sessionId(), ++number, challenge, echo, scratch, length);
            }
            for (int i = 0; i < OFFER_TRIES; i++) {
                long r = publication.offer(scratch, 0, total);
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
