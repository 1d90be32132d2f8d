package io.pstr.flightctl.remote;

import io.aeron.Aeron;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.Packet;
import io.pstr.core.channel.SendResult;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.remote.OutboundQueue;
import io.pstr.core.remote.RemoteLink;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.ReplicaStatusFile.Field;
import io.pstr.core.shm.RingFile;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica that runs on another computer, as the host manager sees it: this process takes the replica's place in
 * its slot (its rings, status file, lifeline and channel endpoint in the run directory) and carries everything over
 * a {@link RemoteLink} to the replica host there, which runs the real replica against files of its own.
 * <p>
 * What the host writes to the input ring goes out in order; what the replica writes to its output ring comes back
 * into this one; the peer's direct-channel packets go out and the replica's come back, sent from its address here;
 * its status fields are copied in, its heartbeat as "heard now" (the two computers' clocks differ). The relay
 * beats on its own only until the replica's first status arrives. When the replica host says the replica exited, or
 * is silent for longer than {@code silenceNs}, the relay exits at once, so the host sees the replica die as it sees
 * a local one die: by its lifeline.
 */
public final class ReplicaRelay implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRelay.class);
    /** Messages held for a remote end that does not take them yet (the input ring holds the rest). */
    static final int OUTBOUND_CAPACITY = 4096;
    /** How often a HELLO is sent until the host answers. */
    static final long HELLO_EVERY_NS = 200_000_000L;
    /** Unanswered this long, the relay says so (and again each time the wait has doubled). */
    static final long UNANSWERED_WARN_NS = 5_000_000_000L;
    /** A keepalive after this long without sending anything. */
    static final long KEEPALIVE_EVERY_NS = 50_000_000L;
    private static final int BATCH = 256;
    /** The status fields in order, once: a status comes every few ms and {@code values()} copies its array. */
    private static final Field[] FIELDS = Field.values();
    /** How often the round trips are said in the log. */
    static final long REPORT_EVERY_NS = 30_000_000_000L;
    /** Exit code when the remote replica is gone or silent. */
    public static final int EXIT_REMOTE_LOST = 4;

    /** What ends the relay; the main exits the process with it. */
    @FunctionalInterface
    public interface Exit {
        void exit(int code, String why);
    }

    private final String slot;
    private final int incarnation;
    private final NanoClock clock;
    private final long silenceNs;
    private final List<String> replicaArgs;
    private final Exit exit;
    private final RingFile input;
    private final RingFile output;
    private final ReplicaStatusFile status;
    private final ShmChannel channel;
    private final ChannelAddress address;
    private final RemoteLink.Inbound inbound;
    private final OutboundQueue outbound;
    private final String replyHost;
    private final String remoteEndpoint;
    private final RemoteLink.Handler onRemote = this::onRemote;
    private final org.agrona.concurrent.MessageHandler onInput = this::onInput;
    private final io.pstr.core.channel.PacketHandler onPeerPacket = this::onPeerPacket;

    private String replyEndpoint;
    private boolean answered;
    private boolean statusSeen;
    private long remoteHeartbeat = Long.MIN_VALUE;
    private long lastHeardNs;
    private long startedNs;
    private long warnUnansweredAtNs;
    private long lastSentNs;
    private boolean helloSent;
    private long lastHelloNs;
    private boolean ended;
    private final RoundTrips roundTrips;
    /** The replica's status fields as the replica host last sent them. */
    private final long[] remote = new long[FIELDS.length];
    /** What the relay itself counts in the same fields (an output its ring could not take, a packet not sent on). */
    private final long[] here = new long[FIELDS.length];

    /**
     * @param replyHost the address of this computer the replica host can reach (its answers come to a port picked here)
     */
    public ReplicaRelay(String slot, int incarnation, ReplicaFiles files, Aeron aeron, String remoteEndpoint, String replyHost,
            RemoteLink.Key key, List<String> replicaArgs, NanoClock clock, long silenceNs, Exit exit) {
        this.slot = slot;
        this.incarnation = incarnation;
        this.clock = clock;
        this.silenceNs = silenceNs;
        this.replicaArgs = List.copyOf(replicaArgs);
        this.exit = exit;
        this.replyHost = replyHost;
        this.remoteEndpoint = remoteEndpoint;
        this.input = RingFile.open(files.input());
        this.output = RingFile.open(files.output());
        this.status = ReplicaStatusFile.open(files.status());
        this.address = files.readChannelAddress();
        this.channel = ShmChannel.open(files.channelDir(), address, clock);
        this.inbound = new RemoteLink.Inbound(aeron, replyHost + ":0", key, RemoteLink.Side.RELAY);
        this.outbound = new OutboundQueue(new RemoteLink.Outbound(aeron, remoteEndpoint, key, RemoteLink.Side.RELAY), OUTBOUND_CAPACITY,
                "relay " + slot + " to " + remoteEndpoint);
        // Signed: its HELLOs carry this end's challenge and echo none (the replica host has not been heard).
        outbound.link().challenges(inbound.challenge(), 0);
        status.set(Field.PID, ProcessHandle.current().pid());
        status.set(Field.HEARTBEAT_NS, clock.nanoTime());
        this.roundTrips = new RoundTrips("relay " + slot, clock.nanoTime());
    }

    @Override
    public void onStart() {
        if (!status.lifeline().hold()) {
            LOG.warn("relay {}: no lifeline (robust futex): the host notices this relay's death by polling", slot);
        }
        lastHeardNs = clock.nanoTime();
        lastSentNs = lastHeardNs;
        startedNs = lastHeardNs;
        warnUnansweredAtNs = startedNs + UNANSWERED_WARN_NS;
    }

    @Override
    public String roleName() {
        return "replica-" + slot;
    }

    /** Sleeps until the host writes to the input ring, or {@code maxSleepNs}: the remote link is polled that often. */
    public org.agrona.concurrent.IdleStrategy idleStrategy(long maxSleepNs) {
        return input.idleStrategy(maxSleepNs);
    }

    @Override
    public int doWork() {
        if (ended) {
            return 0;
        }
        long now = clock.nanoTime();
        int work = inbound.poll(onRemote, BATCH);
        if (!answered) {
            // Alive, connecting: the host's start timeout, not its hang detection, judges a replica not started yet.
            status.set(Field.HEARTBEAT_NS, now);
            sayHello(now);
            if (now - warnUnansweredAtNs >= 0) {
                long waited = now - startedNs;
                warnUnansweredAtNs = now + waited;
                LOG.warn("relay {}: no answer from the replica host at {} for {} s ({}): is pstr replica-host running there, "
                        + "reachable, and given the same link key (--link-key) as this side (--remote-key)?", slot, remoteEndpoint,
                        waited / 1_000_000_000, outbound.link().connected() ? "its stream is connected, "
                                + inbound.refused() + " of its messages refused here" : "its stream is not connected");
            }
            return work;
        }
        if (now - lastHeardNs > silenceNs) {
            end("the replica host has been silent for " + (now - lastHeardNs) / 1_000_000 + " ms");
            return work;
        }
        if (outbound.flush()) {
            work += input.ring().read(onInput, BATCH);
        }
        if (outbound.isEmpty()) {
            work += channel.poll(onPeerPacket, BATCH);
        }
        if (work == 0) {
            // About to idle: take in the peer's reports of the packets relayed to it, off the next send's path.
            channel.takeReports();
        }
        if (now - lastSentNs > KEEPALIVE_EVERY_NS) {
            outbound.link().begin(RemoteLink.KEEPALIVE);
            send(RemoteLink.BODY, now);
        }
        roundTrips.reportEvery(now, REPORT_EVERY_NS);
        return work;
    }

    private void sayHello(long now) {
        if ((helloSent && now - lastHelloNs < HELLO_EVERY_NS) || !outbound.link().connected()) {
            return;
        }
        if (replyEndpoint == null) {
            List<String> bound = inbound.boundEndpoints();
            if (bound.isEmpty()) {
                return;
            }
            String b = bound.get(0);
            replyEndpoint = replyHost + b.substring(b.lastIndexOf(':'));
        }
        lastHelloNs = now;
        helloSent = true;
        int length = new RemoteLink.Hello(slot, incarnation, replyEndpoint, address.toString(), replicaArgs)
                .encode(outbound.link().scratch());
        if (!outbound.link().offer(length)) {
            LOG.debug("relay {}: HELLO not taken, trying again", slot);
        }
    }

    private void send(int length, long now) {
        outbound.send(length);
        lastSentNs = now;
    }

    private void onInput(int type, MutableDirectBuffer buffer, int index, int length) {
        if (type == MessageTypes.TICK && length >= Messages.TICK_CYCLE + Long.BYTES) {
            roundTrips.ticked(buffer.getLong(index + Messages.TICK_CYCLE), clock.nanoTime());
        }
        send(RemoteLink.putRingMessage(outbound.link().scratch(), RemoteLink.INPUT, type, buffer, index, length), clock.nanoTime());
    }

    private void onPeerPacket(Packet packet) {
        ChannelAddress from = new ChannelAddress(new java.util.UUID(packet.sourceMsb(), packet.sourceLsb()), packet.sourceTask());
        send(RemoteLink.putPeerPacket(outbound.link().scratch(), RemoteLink.PEER_IN, packet, from), clock.nanoTime());
    }

    private void onRemote(int kind, DirectBuffer b, int offset, int length, int sessionId) {
        lastHeardNs = clock.nanoTime();
        // Signed: the replica host's challenge echoed from now on (its session's, should it have restarted).
        outbound.link().challenges(inbound.challenge(), inbound.challengeOf(sessionId));
        if (kind == RemoteLink.CHALLENGE) {
            // The replica host starts the replica for a HELLO that echoes its challenge: say it again now.
            if (!answered) {
                helloSent = false;
                LOG.debug("relay {}: the replica host's challenge heard, saying HELLO again with it", slot);
            }
            return;
        }
        if (!answered) {
            answered = true;
            LOG.info("relay {} incarnation {}: the replica host answered", slot, incarnation);
        }
        switch (kind) {
            case RemoteLink.STATUS -> onStatus(b, offset, length);
            case RemoteLink.OUTPUT -> {
                if (length < RemoteLink.RING_BYTES) {
                    LOG.warn("relay {}: short OUTPUT ({} bytes) skipped", slot, length);
                    return;
                }
                int type = b.getInt(offset + RemoteLink.RING_TYPE);
                if (type == MessageTypes.OUTPUT && length >= RemoteLink.RING_BYTES + Messages.OUTPUT_CYCLE + Long.BYTES) {
                    roundTrips.answered(b.getLong(offset + RemoteLink.RING_BYTES + Messages.OUTPUT_CYCLE), lastHeardNs);
                }
                if (output.ring().write(type, b, offset + RemoteLink.RING_BYTES, length - RemoteLink.RING_BYTES)) {
                    output.doorbell().ring();
                } else {
                    countHere(Field.OUTPUT_RING_FULL);
                }
            }
            case RemoteLink.PEER_OUT -> onPeerOut(b, offset, length);
            case RemoteLink.GONE -> {
                int code = length >= RemoteLink.GONE_REASON ? b.getInt(offset + RemoteLink.GONE_EXIT_CODE) : -1;
                String why = length > RemoteLink.GONE_REASON ? b.getStringUtf8(offset + RemoteLink.GONE_REASON) : "";
                end("the replica exited on the replica host (exit code " + code + (why.isEmpty() ? "" : ", " + why) + ")");
            }
            case RemoteLink.KEEPALIVE -> {
            }
            default -> LOG.warn("relay {}: unknown message kind {} ({} bytes) skipped", slot, kind, length);
        }
    }

    private void onStatus(DirectBuffer b, int offset, int length) {
        int count = length >= RemoteLink.STATUS_FIELDS ? b.getInt(offset + RemoteLink.STATUS_COUNT) : -1;
        if (count < 0 || RemoteLink.STATUS_FIELDS + (long) count * Long.BYTES > length) {
            LOG.warn("relay {}: malformed STATUS ({} bytes, {} fields) skipped", slot, length, count);
            return;
        }
        for (int i = 0; i < Math.min(count, FIELDS.length); i++) {
            Field f = FIELDS[i];
            long v = b.getLong(offset + RemoteLink.STATUS_FIELDS + i * Long.BYTES);
            if (f == Field.HEARTBEAT_NS) {
                // The other computer's clock: a new value means the replica beat, now as far as this host knows.
                if (v != remoteHeartbeat || !statusSeen) {
                    remoteHeartbeat = v;
                    status.set(Field.HEARTBEAT_NS, clock.nanoTime());
                }
            } else if (f != Field.MAGIC_FIELD && f != Field.PID) {
                remote[i] = v;
                status.set(f, v + here[i]);
            }
        }
        statusSeen = true;
    }

    private void onPeerOut(DirectBuffer b, int offset, int length) {
        if (length < RemoteLink.PEER_PAYLOAD) {
            LOG.warn("relay {}: short PEER_OUT ({} bytes) skipped", slot, length);
            return;
        }
        ChannelAddress to = RemoteLink.peerAddress(b, offset);
        SendResult sent = channel.send(to, b.getInt(offset + RemoteLink.PEER_TYPE), b, offset + RemoteLink.PEER_PAYLOAD,
                length - RemoteLink.PEER_PAYLOAD, b.getLong(offset + RemoteLink.PEER_REQUESTED_NS), RemoteLink.peerDeadline(b, offset));
        if (!sent.sent()) {
            countHere(Field.PEER_SEND_FAILED);
        }
    }

    /** Counts a loss of the relay's own in {@code f}, on top of what the replica counts there. */
    private void countHere(Field f) {
        here[f.ordinal()]++;
        status.set(f, remote[f.ordinal()] + here[f.ordinal()]);
    }

    private void end(String why) {
        ended = true;
        LOG.error("relay {} incarnation {}: {}: exiting so the host sees this replica gone", slot, incarnation, why);
        exit.exit(EXIT_REMOTE_LOST, why);
    }

    /** Whether the replica host has answered (tests). */
    boolean answered() {
        return answered;
    }

    @Override
    public void onClose() {
        channel.close();
        inbound.close();
        outbound.link().close();
        input.close();
        output.close();
        status.close();
    }
}
