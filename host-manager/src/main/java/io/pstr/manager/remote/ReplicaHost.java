package io.pstr.manager.remote;

import io.aeron.Aeron;
import io.pstr.core.channel.ChannelAddress;
import io.pstr.core.channel.ChannelRegistry;
import io.pstr.core.channel.Packet;
import io.pstr.core.channel.SendResult;
import io.pstr.core.channel.ShmChannel;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.remote.OutboundQueue;
import io.pstr.core.remote.RemoteLink;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.ReplicaState;
import io.pstr.core.shm.ReplicaStatusFile;
import io.pstr.core.shm.RingFile;
import io.pstr.core.shm.SharedFiles;
import io.pstr.manager.SandboxLauncher;
import io.pstr.manager.Slot;
import io.pstr.manager.sandbox.SignalledProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The computer a replica runs on when it is not the board's: it hears relays ({@code ReplicaRelay}) on one Aeron UDP
 * endpoint, and for each one that says HELLO it makes the replica's files (rings, status file, its endpoint on a direct
 * channel of its own), starts the replica process against them and carries everything between the two: the host's
 * input in, the replica's output, status and channel packets out. The peer, on the board's computer, is stood for
 * here by an endpoint of its address on this channel, which the replica sends to as it would on one host.
 * <p>
 * A session ends when its relay is silent for longer than {@code silenceNs} (killed, hung, or the network gone: the
 * replica is killed too), when the replica exits (the relay is told), or when a newer incarnation of the same slot
 * says HELLO (an older one's HELLO is refused). It serves one host manager: slots are told apart by name alone.
 * Messages that cannot be used (unknown session, malformed) are counted and skipped.
 * <p>
 * On a signed link a HELLO that echoes none of this end's challenge (a relay's first, or one recorded earlier and
 * replayed) starts nothing: the relay it names is sent a {@link RemoteLink#CHALLENGE}, and the replica starts for the
 * HELLO that echoes it. A challenge unanswered for {@link #CHALLENGE_KEPT_NS} is forgotten.
 * <p>
 * Each session's directory ({@code SLOT-INCARNATION-N}, N counting on across restarts of the replica host) keeps the
 * replica's log and last status after it ends; the newest {@code keptSessions} ended ones are kept, older ones deleted,
 * those a previous run of the replica host left in {@code dir} included.
 */
public final class ReplicaHost implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaHost.class);
    private static final int BATCH = 256;
    /** The status fields in order, once: a status goes every few ms and {@code values()} copies its array. */
    private static final ReplicaStatusFile.Field[] FIELDS = ReplicaStatusFile.Field.values();
    /** The replica's status goes to the relay at least this often, and whenever its heartbeat moved. */
    static final long STATUS_EVERY_NS = 20_000_000L;
    /**
     * A new heartbeat goes to the relay at most this often (a change of state at once): the host judges a heartbeat
     * stale after tens of ms, and probes its process once it is 4 ms old. Every one (up to 2 000 a second) cost each end's Aeron driver a wake-up.
     */
    static final long STATUS_BEAT_NS = 2_000_000L;
    /** The replica's status is looked at this often for a new heartbeat. */
    static final long STATUS_CHECK_NS = 500_000L;
    static final long KEEPALIVE_EVERY_NS = 50_000_000L;
    /** A challenge sent to a relay is kept this long for the HELLO that echoes it (a relay says HELLO every 200 ms). */
    static final long CHALLENGE_KEPT_NS = 5_000_000_000L;
    /** Most relays challenged at once: a stream of HELLOs (replayed, or from many sessions) opens no more links. */
    static final int MAX_CHALLENGED = 16;
    /** Ended sessions whose directories (the replica's log, its last status) are kept unless told otherwise. */
    public static final int KEPT_SESSIONS = 16;
    private static final java.util.regex.Pattern SESSION_DIR = java.util.regex.Pattern.compile("[A-Z]+-\\d+-(\\d+)");

    private final Path dir;
    private final Aeron aeron;
    private final RemoteLink.Inbound inbound;
    private final RemoteLink.Key key;
    private final Function<List<String>, SandboxLauncher> launchers;
    private final NanoClock clock;
    private final long silenceNs;
    private final Map<Integer, Session> sessions = new HashMap<>();
    /** Relays sent a challenge, by Aeron session: the link to each, kept for the session its answer starts. */
    private final Map<Integer, Challenged> challenged = new HashMap<>();
    private final RemoteLink.Handler onMessage = this::onMessage;
    private int sessionsStarted;
    private final int keptSessions;
    /** Directories of ended sessions, oldest first. */
    private final java.util.ArrayDeque<Path> endedDirs = new java.util.ArrayDeque<>();
    /** Aeron sessions whose HELLO was refused and said so (forgotten past 1 024: said again, then). */
    private final java.util.Set<Integer> refusedSessions = new java.util.HashSet<>();
    private final ThreadPriority.Mode priority;
    /**
     * Off the loop's thread: raises a ready replica's threads (it reads /proc), as the host manager does, and deletes the
     * directories of sessions ended long ago.
     */
    private final java.util.concurrent.ExecutorService settler = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "replica-host-settler");
        t.setDaemon(true);
        return t;
    });
    private long skipped;

    /**
     * @param dir       where each session's files go (a directory per session, its logs kept)
     * @param launchers the launcher of replicas with the given mission options
     */
    public ReplicaHost(Path dir, Aeron aeron, String listenEndpoint, Function<List<String>, SandboxLauncher> launchers,
            NanoClock clock, long silenceNs, ThreadPriority.Mode priority) {
        this(dir, aeron, listenEndpoint, null, launchers, clock, silenceNs, priority, KEPT_SESSIONS);
    }

    /**
     * @param key          the link's key: every message signed, only signed ones taken (null: not signed)
     * @param keptSessions how many ended sessions' directories to keep (0: each deleted when its session ends)
     */
    public ReplicaHost(Path dir, Aeron aeron, String listenEndpoint, RemoteLink.Key key,
            Function<List<String>, SandboxLauncher> launchers, NanoClock clock, long silenceNs, ThreadPriority.Mode priority,
            int keptSessions) {
        if (keptSessions < 0) {
            throw new IllegalArgumentException("sessions kept must be 0 or more, not " + keptSessions);
        }
        this.keptSessions = keptSessions;
        this.priority = priority;
        this.dir = dir;
        this.aeron = aeron;
        this.key = key;
        this.inbound = new RemoteLink.Inbound(aeron, listenEndpoint, key, RemoteLink.Side.REPLICA_HOST);
        this.launchers = launchers;
        this.clock = clock;
        this.silenceNs = silenceNs;
        adoptEndedSessions();
    }

    /**
     * The session directories a previous run left in {@link #dir}: taken as ended, oldest first, so that they count
     * towards the kept ones and new sessions are numbered after them (a name is never used twice).
     */
    private void adoptEndedSessions() {
        java.util.TreeMap<Integer, Path> found = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> {
                java.util.regex.Matcher m = SESSION_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        found.put(Integer.parseInt(m.group(1)), p);
                    } catch (NumberFormatException e) {
                        LOG.warn("{} looks like a session's directory but its number is out of range: left alone", p);
                    }
                }
            });
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("the sessions a previous run left in {} could not be listed ({}): they stay, not counted", dir, e.toString());
            return;
        }
        if (!found.isEmpty()) {
            sessionsStarted = found.lastKey();
            endedDirs.addAll(found.values());
            LOG.info("{} ended sessions' directories found in {} (the newest {} are kept)", found.size(), dir, keptSessions);
            while (endedDirs.size() > keptSessions) {
                delete(endedDirs.removeFirst());
            }
        }
    }

    /** A session's directory once it has ended: kept among the newest, the oldest beyond them deleted off the loop. */
    private void retire(Path sessionDir) {
        endedDirs.addLast(sessionDir);
        while (endedDirs.size() > keptSessions) {
            Path old = endedDirs.removeFirst();
            try {
                settler.execute(() -> delete(old));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("closing: {} is left for the next run to delete", old);
            }
        }
    }

    private static void delete(Path sessionDir) {
        try {
            SharedFiles.deleteTree(sessionDir);
            LOG.debug("an old session's directory {} deleted", sessionDir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("an old session's directory {} could not be deleted: {}", sessionDir, e.toString());
        }
    }

    @Override
    public String roleName() {
        return "replica-host";
    }

    @Override
    public void onStart() {
        // This loop carries every message of the control cycle between the links and the replicas: as a link's thread.
        ThreadPriority.applyToCurrentThread(priority, ThreadPriority.LINK_NICE, "replica host loop");
    }

    @Override
    public int doWork() {
        long now = clock.nanoTime();
        int work = inbound.poll(onMessage, BATCH);
        for (Iterator<Challenged> it = challenged.values().iterator(); it.hasNext(); ) {
            Challenged c = it.next();
            if (now - c.sinceNs > CHALLENGE_KEPT_NS) {
                // A HELLO replayed from a recording is never answered; nor is a live relay of a build before the challenge.
                LOG.warn("relay at {} did not answer this end's challenge in {} s: forgotten (a HELLO replayed, or a relay "
                        + "of an older build than this replica host's: run the same build at both ends)", c.replyEndpoint,
                        CHALLENGE_KEPT_NS / 1_000_000_000L);
                c.link.close();
                it.remove();
            } else if (!c.sent) {
                // Sent once the new link is up (Aeron sets it up in a few ms), not at the relay's next HELLO.
                c.sent = c.link.offer(c.link.begin(RemoteLink.CHALLENGE));
                work += c.sent ? 1 : 0;
            }
        }
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            Session s = it.next();
            work += s.doWork(now);
            if (s.ended) {
                it.remove();
            }
        }
        return work;
    }

    /** Sessions running now (status, tests). */
    public int sessions() {
        return sessions.size();
    }

    /** Relays sent a challenge and not heard echoing it yet (tests). */
    int challenged() {
        return challenged.size();
    }

    /** Messages skipped: from no session, malformed, refused for their signature, or a HELLO refused. */
    public long skipped() {
        return skipped + inbound.malformed() + inbound.refused();
    }

    private void onMessage(int kind, DirectBuffer b, int offset, int length, int sessionId) {
        Session s = sessions.get(sessionId);
        if (kind == RemoteLink.HELLO) {
            if (s == null) {
                hello(b, offset, length, sessionId);
            }
            return;
        }
        if (s == null) {
            if (skipped++ == 0 || Long.bitCount(skipped) == 1) {
                LOG.warn("message kind {} from Aeron session {} that said no HELLO skipped ({} so far)", kind, sessionId, skipped);
            }
            return;
        }
        s.onMessage(kind, b, offset, length);
    }

    private void hello(DirectBuffer b, int offset, int length, int sessionId) {
        RemoteLink.Hello hello;
        Slot slot;
        ChannelAddress address;
        try {
            hello = RemoteLink.Hello.decode(b, offset, length);
            slot = Slot.valueOf(hello.slot());
            address = ChannelAddress.parse(hello.channelAddress());
            RemoteLink.checkEndpoint(hello.replyEndpoint(), false);
        } catch (IllegalArgumentException e) {
            refused(sessionId, e.getMessage());
            return;
        }
        for (Session other : sessions.values()) {
            if (other.slot == slot && other.incarnation >= hello.incarnation()) {
                // A relay of an older incarnation (one stopped and resumed): the slot's newer replica stays.
                refused(sessionId, "replica " + slot + " incarnation " + hello.incarnation() + ": incarnation "
                        + other.incarnation + " runs here");
                return;
            }
        }
        Challenged c = challenged.remove(sessionId);
        if (c != null && !c.replyEndpoint.equals(hello.replyEndpoint())) {
            c.link.close();
            c = null;
        }
        if (!inbound.echoedChallenge()) {
            // Perhaps recorded before this end started: it ends no running replica and starts none until answered.
            challenge(sessionId, hello, c);
            return;
        }
        for (Session other : sessions.values()) {
            if (other.slot == slot) {
                other.end("incarnation " + hello.incarnation() + " of slot " + slot + " said HELLO");
            }
        }
        sessions.values().removeIf(x -> x.ended);
        try {
            Session s = new Session(sessionId, slot, hello, address, c == null ? null : c.link);
            sessions.put(sessionId, s);
        } catch (RuntimeException e) {
            if (c != null) {
                c.link.close(); // closing twice (the session closed it) does nothing
            }
            skipped++;
            LOG.error("replica {} incarnation {} not started: {}", slot, hello.incarnation(), e.getMessage(), e);
        }
    }

    /**
     * A HELLO that echoed no challenge: its relay is sent this end's (once, on a link of its own that the session
     * its answer starts goes on with), and nothing is started until it is echoed.
     */
    private void challenge(int sessionId, RemoteLink.Hello hello, Challenged known) {
        if (known != null) {
            challenged.put(sessionId, known);
            return;
        }
        if (challenged.size() >= MAX_CHALLENGED) {
            refused(sessionId, MAX_CHALLENGED + " relays are being challenged already");
            return;
        }
        RemoteLink.Outbound link = new RemoteLink.Outbound(aeron, hello.replyEndpoint(), key, RemoteLink.Side.REPLICA_HOST);
        link.challenges(inbound.challenge(), inbound.challengeOf(sessionId));
        challenged.put(sessionId, new Challenged(link, hello.replyEndpoint(), clock.nanoTime()));
        LOG.info("replica {} incarnation {}: its relay at {} is sent this end's challenge before the replica starts",
                hello.slot(), hello.incarnation(), hello.replyEndpoint());
    }

    /** A relay sent a challenge: the link to it, and whether the challenge went. */
    private static final class Challenged {
        final RemoteLink.Outbound link;
        final String replyEndpoint;
        final long sinceNs;
        boolean sent;

        Challenged(RemoteLink.Outbound link, String replyEndpoint, long sinceNs) {
            this.link = link;
            this.replyEndpoint = replyEndpoint;
            this.sinceNs = sinceNs;
        }
    }

    /** A HELLO refused: counted, and said once per relay (it says HELLO again every 200 ms until answered). */
    private void refused(int sessionId, String why) {
        skipped++;
        if (refusedSessions.size() >= 1_024) {
            refusedSessions.clear();
        }
        if (refusedSessions.add(sessionId)) {
            LOG.warn("HELLO from Aeron session {} refused: {}", sessionId, why);
        }
    }

    @Override
    public void onClose() {
        for (Session s : sessions.values()) {
            s.end("the replica host is closing");
        }
        sessions.clear();
        for (Challenged c : challenged.values()) {
            c.link.close();
        }
        challenged.clear();
        inbound.close();
        settler.shutdownNow();
    }

    /** One replica incarnation run here for one relay. */
    private final class Session {
        final int sessionId;
        final Slot slot;
        final int incarnation;
        final ChannelAddress address;
        final Path sessionDir;
        final ReplicaFiles files;
        final ChannelRegistry registry;
        final RingFile input;
        final RingFile output;
        final ReplicaStatusFile status;
        final OutboundQueue outbound;
        final SandboxLauncher.Sandbox sandbox;
        /** The peer's stand-ins here, by address: what the replica sends to them goes to the relay. */
        final Map<ChannelAddress, ShmChannel> proxies = new HashMap<>();
        final org.agrona.concurrent.MessageHandler onOutput = this::onOutput;
        final io.pstr.core.channel.PacketHandler onReplicaPacket = this::onReplicaPacket;
        /** The stand-in being polled. */
        ChannelAddress polled;
        long lastHeardNs;
        long lastSentNs;
        long lastStatusNs;
        long lastStatusCheckNs;
        /** The heartbeat in the last status sent (a fresh status file holds 0: none sent yet). */
        long heartbeatSent = -1;
        long stateSent = -1;
        long inputLost;
        boolean settled;
        boolean ended;

        /** @param link the link to the relay its challenge went on, or null: a new one */
        Session(int sessionId, Slot slot, RemoteLink.Hello hello, ChannelAddress address, RemoteLink.Outbound link) {
            this.sessionId = sessionId;
            this.slot = slot;
            this.incarnation = hello.incarnation();
            this.address = address;
            this.sessionDir = SharedFiles.privateDirectory(dir.resolve(slot + "-" + incarnation + "-" + (++sessionsStarted)));
            this.files = new ReplicaFiles(SharedFiles.privateDirectory(sessionDir.resolve("replica")));
            this.registry = new ChannelRegistry(ReplicaFiles.channelDirOf(sessionDir));
            registry.register(address);
            this.input = RingFile.create(files.input(), ReplicaFiles.INPUT_RING_BYTES);
            this.output = RingFile.create(files.output(), ReplicaFiles.OUTPUT_RING_BYTES);
            this.status = ReplicaStatusFile.create(files.status());
            try {
                files.writeChannelAddress(address);
            } catch (RuntimeException e) {
                close();
                retire(sessionDir);
                throw e;
            }
            this.outbound = new OutboundQueue(link != null ? link : new RemoteLink.Outbound(aeron, hello.replyEndpoint(), key,
                    RemoteLink.Side.REPLICA_HOST), 4096,
                    "replica " + slot + " to its relay at " + hello.replyEndpoint());
            // Signed: this end's challenge, and the relay's from its HELLO echoed, so nothing recorded before fits.
            outbound.link().challenges(inbound.challenge(), inbound.challengeOf(sessionId));
            SandboxLauncher.Sandbox started;
            try {
                started = launchers.apply(hello.args()).launch(slot, incarnation, files);
            } catch (RuntimeException e) {
                outbound.link().close();
                close();
                retire(sessionDir);
                throw e;
            }
            this.sandbox = started;
            lastHeardNs = clock.nanoTime();
            lastSentNs = lastHeardNs;
            lastStatusNs = lastHeardNs - STATUS_EVERY_NS;
            lastStatusCheckNs = lastHeardNs - STATUS_CHECK_NS;
            LOG.info("replica {} incarnation {} started here (pid {}) for the relay at {}, files in {}", slot, incarnation,
                    sandbox.pid(), hello.replyEndpoint(), files.dir());
        }

        int doWork(long now) {
            if (ended) {
                return 0;
            }
            if (now - lastHeardNs > silenceNs) {
                end("its relay has been silent for " + (now - lastHeardNs) / 1_000_000 + " ms");
                return 0;
            }
            int work = 0;
            if (outbound.flush()) {
                work += output.ring().read(onOutput, BATCH);
            }
            if (outbound.isEmpty()) {
                for (Map.Entry<ChannelAddress, ShmChannel> e : proxies.entrySet()) {
                    polled = e.getKey();
                    work += e.getValue().poll(onReplicaPacket, BATCH);
                }
            }
            if (now - lastStatusCheckNs >= STATUS_CHECK_NS) {
                lastStatusCheckNs = now;
                long hb = status.get(ReplicaStatusFile.Field.HEARTBEAT_NS);
                if (!settled && status.get(ReplicaStatusFile.Field.STATE) != ReplicaState.STARTING.code()) {
                    settled = true;
                    SandboxLauncher.Sandbox sb = sandbox;
                    String agent = "replica-" + slot;
                    settler.execute(() -> sb.running(priority, agent));
                }
                long state = status.get(ReplicaStatusFile.Field.STATE);
                if (state != stateSent || now - lastStatusNs >= STATUS_EVERY_NS
                        || (hb != heartbeatSent && now - lastStatusNs >= STATUS_BEAT_NS)) {
                    heartbeatSent = hb;
                    stateSent = state;
                    lastStatusNs = now;
                    sendStatus(now);
                }
            }
            if (!sandbox.isAlive()) {
                // What it wrote before it went is sent above; then the relay is told.
                int code = sandbox instanceof SignalledProcess p ? p.exitCode() : -1;
                MutableDirectBuffer out = outbound.link().scratch();
                outbound.link().begin(RemoteLink.GONE);
                out.putInt(RemoteLink.GONE_EXIT_CODE, code);
                int n = out.putStringUtf8(RemoteLink.GONE_REASON, "see " + files.log());
                outbound.send(RemoteLink.GONE_REASON + n);
                outbound.flush();
                end("the replica exited (code " + code + ")");
                return work;
            }
            if (now - lastSentNs > KEEPALIVE_EVERY_NS) {
                outbound.link().begin(RemoteLink.KEEPALIVE);
                send(RemoteLink.BODY, now);
            }
            return work;
        }

        private void send(int length, long now) {
            outbound.send(length);
            lastSentNs = now;
        }

        private void sendStatus(long now) {
            MutableDirectBuffer out = outbound.link().scratch();
            outbound.link().begin(RemoteLink.STATUS);
            out.putInt(RemoteLink.STATUS_COUNT, FIELDS.length);
            for (int i = 0; i < FIELDS.length; i++) {
                out.putLong(RemoteLink.STATUS_FIELDS + i * Long.BYTES, status.get(FIELDS[i]));
            }
            send(RemoteLink.STATUS_FIELDS + FIELDS.length * Long.BYTES, now);
        }

        private void onOutput(int type, MutableDirectBuffer buffer, int index, int length) {
            send(RemoteLink.putRingMessage(outbound.link().scratch(), RemoteLink.OUTPUT, type, buffer, index, length),
                    clock.nanoTime());
        }

        /** A packet the replica sent to the peer's stand-in {@link #polled}: to the relay, which sends it on there. */
        private void onReplicaPacket(Packet packet) {
            send(RemoteLink.putPeerPacket(outbound.link().scratch(), RemoteLink.PEER_OUT, packet, polled), clock.nanoTime());
        }

        void onMessage(int kind, DirectBuffer b, int offset, int length) {
            lastHeardNs = clock.nanoTime();
            switch (kind) {
                case RemoteLink.INPUT -> onInput(b, offset, length);
                case RemoteLink.PEER_IN -> onPeerIn(b, offset, length);
                case RemoteLink.KEEPALIVE -> {
                }
                default -> {
                    skipped++;
                    LOG.warn("replica {}: message kind {} ({} bytes) from its relay skipped", slot, kind, length);
                }
            }
        }

        private void onInput(DirectBuffer b, int offset, int length) {
            if (length < RemoteLink.RING_BYTES) {
                skipped++;
                return;
            }
            int type = b.getInt(offset + RemoteLink.RING_TYPE);
            int at = offset + RemoteLink.RING_BYTES;
            int n = length - RemoteLink.RING_BYTES;
            if (type == MessageTypes.ROLE && n > Messages.ROLE_PEER_ADDRESS) {
                // The replica will send to the peer this names: its stand-in must exist before the replica reads it.
                String peer = b.getStringUtf8(at + Messages.ROLE_PEER_ADDRESS);
                if (!peer.isEmpty()) {
                    try {
                        standInFor(ChannelAddress.parse(peer), true);
                    } catch (IllegalArgumentException e) {
                        LOG.warn("replica {}: bad peer address in ROLE: {}", slot, e.getMessage());
                    }
                }
            }
            if (input.ring().write(type, b, at, n)) {
                input.doorbell().ring();
            } else if (inputLost++ == 0 || Long.bitCount(inputLost) == 1) {
                LOG.error("replica {}: its input ring is full: {} messages from the host lost", slot, inputLost);
            }
        }

        private void onPeerIn(DirectBuffer b, int offset, int length) {
            if (length < RemoteLink.PEER_PAYLOAD) {
                skipped++;
                return;
            }
            ShmChannel proxy = standInFor(RemoteLink.peerAddress(b, offset), false);
            SendResult sent = proxy.send(address, b.getInt(offset + RemoteLink.PEER_TYPE), b, offset + RemoteLink.PEER_PAYLOAD,
                    length - RemoteLink.PEER_PAYLOAD, b.getLong(offset + RemoteLink.PEER_REQUESTED_NS), RemoteLink.peerDeadline(b, offset));
            if (!sent.sent()) {
                LOG.warn("replica {}: a packet from its peer not delivered here: {}", slot, sent);
            }
        }

        /**
         * The stand-in of {@code peer}, made if new, granted to and from the replica. With {@code current} (a ROLE named
         * it) every other stand-in goes, and the replica may send to this one alone, as on one host.
         */
        private ShmChannel standInFor(ChannelAddress peer, boolean current) {
            ShmChannel proxy = proxies.get(peer);
            if (proxy == null) {
                registry.register(peer);
                registry.grant(peer, address);
                proxy = ShmChannel.open(registry.dir(), peer, clock);
                proxies.put(peer, proxy);
            }
            if (current) {
                for (Iterator<Map.Entry<ChannelAddress, ShmChannel>> it = proxies.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<ChannelAddress, ShmChannel> e = it.next();
                    if (!e.getKey().equals(peer)) {
                        e.getValue().close();
                        registry.withdraw(e.getKey());
                        it.remove();
                    }
                }
                registry.revokeAll(address);
                registry.grant(address, peer);
            }
            return proxy;
        }

        void end(String why) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.warn("replica {} incarnation {}: session ends: {}", slot, incarnation, why);
            if (sandbox.isAlive()) {
                sandbox.kill();
            }
            outbound.link().close();
            close();
            retire(sessionDir);
        }

        private void close() {
            for (ShmChannel p : proxies.values()) {
                p.close();
            }
            proxies.clear();
            registry.close();
            input.close();
            output.close();
            status.close();
            try {
                Files.deleteIfExists(files.input());
                Files.deleteIfExists(files.output());
            } catch (IOException e) {
                LOG.warn("rings of replica {} in {} left: {}", slot, files.dir(), e.getMessage());
            }
        }
    }
}
