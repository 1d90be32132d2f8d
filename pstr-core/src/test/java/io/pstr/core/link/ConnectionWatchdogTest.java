package io.pstr.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The watchdog on the event loop's own clock: an EmbeddedChannel with frozen time, advanced by hand, no sockets. */
class ConnectionWatchdogTest {

    private final LinkCounters counters = new LinkCounters();
    private final AtomicReference<String> verdict = new AtomicReference<>();

    private EmbeddedChannel channel(int silenceMs) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ConnectionWatchdog.install(ch.pipeline(), silenceMs, counters, (c, reason) -> {
            verdict.set(reason);
            c.close();
        });
        return ch;
    }

    @Test
    void shouldDeclareAConnectionDeadWhenThePeerIsSilentForTheBound() {
        EmbeddedChannel ch = channel(3_000);
        ch.advanceTimeBy(2_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(verdict.get(), "2 s of silence is within the bound");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFD}));
        ch.advanceTimeBy(2_500, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(verdict.get(), "a byte restarts the bound");
        ch.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("silent for 3000 ms", verdict.get());
        assertEquals(1, counters.silences.get());
        assertFalse(ch.isActive(), "closed, so the link's reconnect path runs");
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldNeverJudgeSilenceWhenTheBoundIsOff() {
        EmbeddedChannel ch = channel(0);
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        assertNull(verdict.get());
        assertTrue(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldDropAConnectionWhoseSendBufferStaysFullForTheBound() {
        EmbeddedChannel ch = channel(1_000);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        // Written but never flushed: an EmbeddedChannel's stand-in for a peer that does not read.
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(ch.isWritable());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[1])); // the peer still talks: only the send side is stuck
        ch.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(verdict.get());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[1]));
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        // The check runs when the clock is next looked at, here 1100 ms after the buffer filled; it says how long.
        assertEquals("send buffer full for 1100 ms", verdict.get());
        assertEquals(1, counters.sendStalls.get());
        assertEquals(0, counters.silences.get());
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldForgetAStallOnceTheBufferDrains() {
        EmbeddedChannel ch = channel(1_000);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(ch.isWritable());
        ch.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        ch.flush();
        assertTrue(ch.isWritable());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[1]));
        ch.advanceTimeBy(700, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(verdict.get());
        assertEquals(0, counters.sendStalls.get());
        ch.finishAndReleaseAll();
    }
}
