package io.pstr.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShmChannelTest {

    @TempDir
    Path dir;

    private final ChannelAddress a = new ChannelAddress(UUID.randomUUID(), 1);
    private final ChannelAddress b = new ChannelAddress(UUID.randomUUID(), 1);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[4096]);
    /** Manual time: every phase is known. */
    private long nowNs = 1_000_000;
    private ChannelRegistry registry;
    private ShmChannel sender;
    private ShmChannel receiver;

    private void open(int fastBytes, int normalBytes) {
        registry = new ChannelRegistry(dir.resolve("channel"), fastBytes, normalBytes);
        registry.register(a);
        registry.register(b);
        registry.grant(a, b);
        sender = ShmChannel.open(registry.dir(), a, () -> nowNs);
        receiver = ShmChannel.open(registry.dir(), b, () -> nowNs);
    }

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
            receiver.close();
            registry.close();
        }
    }

    private SendResult send(int type, long requestedNs, DeadlineKind kind) {
        payload.putInt(0, type);
        return sender.send(b, type, payload, 0, 16, requestedNs, kind);
    }

    private List<Integer> drain() {
        List<Integer> types = new ArrayList<>();
        receiver.poll(p -> {
            assertEquals(p.type(), p.buffer().getInt(p.payloadOffset()));
            types.add(p.type());
        }, 1000);
        return types;
    }

    /** Delivers {@code n} packets that each waited {@code delayNs} in transmission: the database then says so. */
    private void learnDelay(int n, long delayNs) {
        for (int i = 0; i < n; i++) {
            assertEquals(SendResult.SENT, send(900 + i, Long.MAX_VALUE, DeadlineKind.SOFT));
            nowNs += delayNs;
            assertEquals(1, drain().size());
        }
    }

    @Test
    void shouldStampThePhasesAndFeedTheSendersDelayDatabase() {
        open(1 << 16, 1 << 20);
        assertEquals(SendResult.SENT, send(1, Long.MAX_VALUE, DeadlineKind.SOFT));
        nowNs += 700;
        List<long[]> stamps = new ArrayList<>();
        receiver.poll(p -> stamps.add(new long[] {p.genNs(), p.queuedNs(), p.noticedNs(), p.dequeuedNs(), p.deliveredNs()}), 10);
        assertEquals(1, stamps.size());
        long[] s = stamps.get(0);
        assertEquals(1_000_000, s[0]);
        assertEquals(1_000_000, s[1]);
        assertEquals(1_000_700, s[2]);
        assertEquals(1_000_700, s[3]);
        // G 0, Q 0, P 0, T 700 ns
        assertEquals(700, sender.minDelayNs(b));
        assertEquals(700, sender.avgDelayNs(b));
        assertEquals(1, receiver.counters().received());
        assertEquals(1, sender.counters().sent());
    }

    @Test
    void shouldShowTheHostEachSendersDelaysFromTheReceiversPhaseLog() {
        open(1 << 16, 1 << 20);
        assertEquals(ChannelDelay.NONE, registry.delays(a, b), "nothing delivered yet");
        learnDelay(3, 2_000);
        learnDelay(1, 6_000);
        // T only (the clock stands still while sending): 2, 2, 2 and 6 µs
        ChannelDelay d = registry.delays(a, b);
        assertEquals(new ChannelDelay(4, 6, 3, 2, 4), d);
        assertEquals(sender.avgDelayNs(b) / 1_000, d.avgDelayUs(), "the sender's own AVG_delay");
        assertEquals(sender.minDelayNs(b) / 1_000, d.minDelayUs(), "the sender's own MIN_delay");
        assertEquals(ChannelDelay.NONE, registry.delays(b, a), "b sent nothing");
        assertEquals(ChannelDelay.NONE, registry.delays(a, new ChannelAddress(UUID.randomUUID(), 1)), "no such receiver");

        // Another sender's packets in the same log are not a's; the window holds what the log still has.
        ChannelAddress c = new ChannelAddress(UUID.randomUUID(), 1);
        registry.register(c);
        registry.grant(c, b);
        try (ShmChannel third = ShmChannel.open(registry.dir(), c, () -> nowNs)) {
            payload.putInt(0, 5);
            assertEquals(SendResult.SENT, third.send(b, 5, payload, 0, 16, Long.MAX_VALUE, DeadlineKind.SOFT));
            nowNs += 100_000;
            assertEquals(1, drain().size());
            assertEquals(d, registry.delays(a, b), "c's 100 µs packet is c's");
            assertEquals(new ChannelDelay(1, 100, 100, 100, 5), registry.delays(c, b));
        }
        learnDelay(100, 1_000);
        ChannelDelay full = registry.delays(a, b);
        assertEquals(ChannelRegistry.DELAY_WINDOW, full.samples());
        assertEquals(new ChannelDelay(ChannelRegistry.DELAY_WINDOW, 1, 1, 1, 105), full);
        assertEquals(sender.avgDelayNs(b) / 1_000, full.avgDelayUs());
    }

    @Test
    void shouldRefuseAHardDeadlineTheEstimateCannotMeetAndQueueNothing() {
        open(1 << 16, 1 << 20);
        learnDelay(4, 1_000);
        assertEquals(SendResult.REFUSED_DEADLINE, send(1, 500, DeadlineKind.HARD));
        assertEquals(List.of(), drain());
        assertEquals(1, sender.counters().refused());
        // At MIN_delay (= AVG_delay here) it can make it, on the normal path.
        assertEquals(SendResult.SENT, send(2, 1_000, DeadlineKind.HARD));
        assertEquals(SendResult.SENT, send(3, 5_000, DeadlineKind.HARD));
        assertEquals(List.of(2, 3), drain());
    }

    @Test
    void shouldSendASoftDeadlineAnywayAndReportItsLateness() {
        open(1 << 16, 1 << 20);
        learnDelay(4, 1_000);
        assertEquals(SendResult.SENT_LATE, send(7, 500, DeadlineKind.SOFT));
        assertEquals(1, sender.counters().late());
        nowNs += 1_000;
        assertEquals(List.of(7), drain());
        // The receiver saw it arrive 1000 ns after it was generated, later than the 500 asked: the sender hears.
        sender.minDelayNs(b);
        assertEquals(2, sender.counters().late());
    }

    @Test
    void shouldTakeTheReceiversReportsInWhileWaitingRatherThanOnEverySend() {
        open(1 << 16, 1 << 20);
        // The second send takes in the first packet's report (the database was empty): one packet of 1 µs.
        learnDelay(2, 1_000);
        // Reported by the receiver, not yet taken in by the sender.
        learnDelay(1, 5_000);
        assertEquals(SendResult.SENT, send(1, 2_000, DeadlineKind.HARD), "decided on AVG_delay 1 µs, taken in so far");
        assertEquals(0, sender.receive(p -> { }, 1, 0, 0), "nothing for the sender: it takes the reports in instead");
        // 1, 1 and 5 µs: AVG_delay 2.33 µs, so 2 µs now asks for the fast path.
        assertEquals(SendResult.SENT_FAST, send(2, 2_000, DeadlineKind.HARD));
        assertEquals(List.of(2, 1), drain());
    }

    @Test
    void shouldTakeTheReportsInEveryFewSendsWhenTheSenderNeverWaits() {
        open(1 << 16, 1 << 20);
        learnDelay(2, 1_000);
        learnDelay(1, 9_000);
        // Three sends since the database last took in reports, one of them still unread (9 µs: AVG_delay 3.67 µs).
        int normal = 0;
        SendResult r;
        while ((r = send(3, 3_000, DeadlineKind.HARD)) == SendResult.SENT) {
            normal++;
        }
        assertEquals(SendResult.SENT_FAST, r);
        assertEquals(Channel.SENDS_BETWEEN_REPORTS - 2, normal, "read again after SENDS_BETWEEN_REPORTS sends");
    }

    @Test
    void shouldPutFastPathPacketsAtTheFrontOfTheQueue() {
        open(1 << 16, 1 << 20);
        learnDelay(4, 1_000);
        for (int i = 1; i <= 3; i++) {
            assertEquals(SendResult.SENT, send(i, 50_000, DeadlineKind.SOFT));
        }
        // Below AVG_delay (1000 ns) takes the fast path; MIN_delay is 1000 ns too, so SOFT reports it late.
        assertEquals(SendResult.SENT_LATE, send(100, 999, DeadlineKind.SOFT));
        assertEquals(1, sender.counters().fastPath());
        assertEquals(List.of(100, 1, 2, 3), drain());
    }

    @Test
    void shouldTakeTheFastPathBetweenMinAndAvgDelay() {
        open(1 << 16, 1 << 20);
        learnDelay(1, 200);
        learnDelay(1, 1_800);
        // MIN_delay = MIN(T) = 200, AVG_delay = 1000
        assertEquals(200, sender.minDelayNs(b));
        assertEquals(1_000, sender.avgDelayNs(b));
        assertEquals(SendResult.SENT, send(1, 2_000, DeadlineKind.HARD));
        assertEquals(SendResult.SENT_FAST, send(2, 500, DeadlineKind.HARD));
        assertEquals(List.of(2, 1), drain());
    }

    @Test
    void shouldFallBackToTheNormalPathWhenThePoolIsExhausted() {
        open(1024, 1 << 20);
        learnDelay(2, 1_000);
        List<SendResult> results = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            results.add(send(i, 10, DeadlineKind.SOFT));
        }
        long fast = sender.counters().fastPath();
        long fallbacks = sender.counters().fallbacks();
        assertTrue(fast > 0 && fast < 20, "fast " + fast);
        assertEquals(20 - fast, fallbacks);
        assertTrue(results.stream().allMatch(SendResult::sent), results.toString());
        List<Integer> got = drain();
        assertEquals(20, got.size());
        // The pool's packets first, in order, then those that fell back, in order.
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            expected.add(i);
        }
        assertEquals(expected, got);
    }

    @Test
    void shouldKeepUpWhenPollingOnePacketPerSendAcrossManyWraps() {
        open(1 << 16, 1 << 14);
        for (int i = 0; i < 20_000; i++) {
            assertEquals(SendResult.SENT, sender.send(b, 1, payload, 0, 1000, Long.MAX_VALUE, DeadlineKind.SOFT), "send " + i);
            assertEquals(1, receiver.poll(p -> { }, 1), "poll " + i);
        }
    }

    @Test
    void shouldSayFullWhenTheQueueOverflowsAndRecoverWhenItDrains() {
        open(1024, 4096);
        int sent = 0;
        SendResult r;
        while ((r = send(sent, Long.MAX_VALUE, DeadlineKind.SOFT)) == SendResult.SENT) {
            sent++;
        }
        assertEquals(SendResult.FULL, r);
        assertEquals(1, sender.counters().overflow());
        assertEquals(sent, drain().size());
        assertEquals(SendResult.SENT, send(1, Long.MAX_VALUE, DeadlineKind.SOFT));
    }

    @Test
    void shouldSayClosedOnceTheReceiverClosesOrIsWithdrawn() {
        open(1 << 16, 1 << 20);
        assertEquals(SendResult.SENT, send(1, Long.MAX_VALUE, DeadlineKind.SOFT));
        receiver.close();
        assertEquals(SendResult.CLOSED, send(2, Long.MAX_VALUE, DeadlineKind.SOFT));
        receiver = ShmChannel.open(registry.dir(), b, () -> nowNs);
        registry.withdraw(b);
        assertEquals(SendResult.CLOSED, send(3, Long.MAX_VALUE, DeadlineKind.SOFT));
        assertEquals(2, sender.counters().unreachable());
    }

    @Test
    void shouldSayClosedAtOnceWhenWithdrawnAndLeaveTheFileToTheReturnedWork() throws Exception {
        open(1 << 16, 1 << 20);
        Path file = ShmEndpointFile.pathOf(registry.dir(), b);
        Runnable release = registry.withdrawLeavingFile(b);
        assertEquals(SendResult.CLOSED, send(1, Long.MAX_VALUE, DeadlineKind.SOFT));
        assertFalse(registry.registered(b), "the registry forgets it at once");
        assertTrue(java.nio.file.Files.exists(file), "the file waits for the returned work");
        CompletableFuture.runAsync(release).get(30, TimeUnit.SECONDS); // on another thread, as the host's launcher does it
        assertFalse(java.nio.file.Files.exists(file), "the work deleted it");
        registry.withdrawLeavingFile(b).run(); // an unknown address: nothing to do
    }

    @Test
    void shouldRegisterAPreparedEndpointOnlyWhenInstalled() throws Exception {
        open(1 << 16, 1 << 20);
        ChannelAddress c = new ChannelAddress(UUID.randomUUID(), 1);
        ChannelRegistry.PreparedEndpoint prepared = CompletableFuture.supplyAsync(() -> registry.prepare(c)).get(30, TimeUnit.SECONDS);
        assertTrue(java.nio.file.Files.exists(ShmEndpointFile.pathOf(registry.dir(), c)), "prepared: its file exists");
        assertFalse(registry.registered(c), "prepared is not registered");
        registry.install(prepared);
        assertTrue(registry.registered(c));
        registry.grant(a, c);
        ShmChannel third = ShmChannel.open(registry.dir(), c, () -> nowNs);
        try {
            assertEquals(SendResult.SENT, sender.send(c, 7, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
        } finally {
            third.close();
        }

        ChannelAddress d = new ChannelAddress(UUID.randomUUID(), 1);
        ChannelRegistry.PreparedEndpoint unused = registry.prepare(d);
        unused.discard();
        assertFalse(java.nio.file.Files.exists(ShmEndpointFile.pathOf(registry.dir(), d)), "a discarded one leaves no file");
        assertFalse(registry.registered(d));
    }

    @Test
    void shouldSayUnreachableForAGrantedAddressWithNoEndpoint() {
        open(1 << 16, 1 << 20);
        ChannelAddress ghost = new ChannelAddress(UUID.randomUUID(), 3);
        registry.grant(a, ghost);
        assertEquals(SendResult.UNREACHABLE, sender.send(ghost, 1, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
        assertEquals(1, sender.counters().unreachable());
    }

    @Test
    void shouldRefuseAddressesThatWereNotGranted() {
        open(1 << 16, 1 << 20);
        // b was not granted a: the reverse direction is closed.
        assertEquals(SendResult.NOT_GRANTED, receiver.send(a, 1, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
        assertEquals(1, receiver.counters().refused());
        assertEquals(0, sender.poll(p -> { }, 10));
        registry.grant(b, a);
        assertEquals(SendResult.SENT, receiver.send(a, 1, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
        // A grant withdrawn closes the open route too.
        registry.revokeAll(b);
        assertEquals(SendResult.NOT_GRANTED, receiver.send(a, 1, payload, 0, 8, Long.MAX_VALUE, DeadlineKind.SOFT));
        assertEquals(1, sender.poll(p -> { }, 10));
        assertEquals(registry.counters(b), receiver.counters());
    }

    @Test
    void shouldRefuseAPayloadLargerThanAPacket() {
        open(1 << 16, 1 << 13);
        UnsafeBuffer big = new UnsafeBuffer(new byte[sender.maxPayloadBytes() + 1]);
        assertEquals(SendResult.TOO_LARGE, sender.send(b, 1, big, 0, big.capacity(), Long.MAX_VALUE, DeadlineKind.SOFT));
        assertEquals(1, sender.counters().refused());
    }

    @Test
    void shouldWakeASleepingReceiverThroughTheFutex() throws Exception {
        registry = new ChannelRegistry(dir.resolve("channel"));
        registry.register(a);
        registry.register(b);
        registry.grant(a, b);
        sender = ShmChannel.open(registry.dir(), a, System::nanoTime);
        receiver = ShmChannel.open(registry.dir(), b, System::nanoTime);
        assertTrue(io.pstr.core.shm.Doorbell.wakesSleepers(), "futex through pstr-core's JNI library or JNA");
        ShmChannel r = receiver;
        CompletableFuture<Integer> got = CompletableFuture.supplyAsync(() -> {
            int[] type = {-1};
            // Sleeps (no spin) up to a minute: only the sender's wake-up can end it early.
            while (type[0] < 0) {
                r.receive(p -> type[0] = p.type(), 1, 0, TimeUnit.MINUTES.toNanos(1));
            }
            return type[0];
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> receiverAsleep());
        payload.putInt(0, 42);
        assertEquals(SendResult.SENT, sender.send(b, 42, payload, 0, 4, Long.MAX_VALUE, DeadlineKind.SOFT));
        assertEquals(42, got.get(10, TimeUnit.SECONDS));
    }

    private boolean receiverAsleep() {
        try (ShmEndpointFile f = ShmEndpointFile.openIfExists(registry.dir(), b)) {
            return f.doorbell.readerAsleep();
        }
    }

    /**
     * A replica sleeps on its input ring and its channel endpoint in one sleep (futex_waitv): a packet from its peer
     * ends the sleep as a write to the ring does, long before the cap (a minute here, so only a doorbell can end it).
     */
    @Test
    void shouldWakeAReaderAsleepOnARingAndAChannelWhenEitherGetsSomething() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.pstr.core.shm.Doorbell.sleepsOnSeveral(), "needs futex_waitv (Linux 5.16)");
        open(1 << 16, 1 << 20);
        ShmEndpointFile endpoint = ShmEndpointFile.openIfExists(registry.dir(), b);
        try (io.pstr.core.shm.RingFile ring = io.pstr.core.shm.RingFile.create(dir.resolve("input.ring"), 1 << 16)) {
            org.agrona.concurrent.IdleStrategy both = io.pstr.core.shm.Doorbell.idleStrategy(2, TimeUnit.MINUTES.toNanos(1),
                    group -> ring.prepareAndLook(group) || receiver.prepareAndLook(group));

            CompletableFuture<Void> asleep = CompletableFuture.runAsync(both::idle);
            org.awaitility.Awaitility.await("the reader is asleep on the channel").atMost(Duration.ofSeconds(30))
                    .until(endpoint.doorbell::readerAsleep);
            assertEquals(SendResult.SENT, send(7, Long.MAX_VALUE, DeadlineKind.SOFT));
            asleep.get(30, TimeUnit.SECONDS);
            assertEquals(List.of(7), drain(), "woken by the packet, which is there to read");

            asleep = CompletableFuture.runAsync(both::idle);
            org.awaitility.Awaitility.await("the reader is asleep on the ring").atMost(Duration.ofSeconds(30))
                    .until(() -> ring.doorbell().readerAsleep());
            assertTrue(ring.ring().write(1, payload, 0, 8));
            ring.doorbell().ring();
            asleep.get(30, TimeUnit.SECONDS);

            assertTrue(ring.ring().write(2, payload, 0, 8));
            assertFalse(ring.doorbell().readerAsleep(), "awake again");
            both.idle(); // work is waiting: returns at once, no sleep
        } finally {
            endpoint.close();
        }
    }
}
