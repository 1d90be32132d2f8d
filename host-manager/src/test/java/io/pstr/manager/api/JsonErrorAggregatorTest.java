package io.pstr.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An oversized request is answered 413 at once, and the connection is closed only when the client has sent
 * the rest of its body (or has taken too long to): closing earlier, with bytes unread, resets the connection
 * and the client may never see the answer.
 */
class JsonErrorAggregatorTest {

    private static final int MAX = 16;

    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new JsonErrorAggregator(MAX),
            new ApiHandler(new ApiServer.Context().host("127.0.0.1").port(0).controlPlane(new FakeControlPlane()).conclude()));

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    private String answered() {
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void shouldAnswerAtOnceAndCloseOnlyWhenTheBodyHasArrived() {
        send("POST /faults/kill-primary HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n0123456789");

        String answer = answered();
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        assertTrue(answer.contains("\"error\""), answer);
        assertTrue(channel.isOpen(), "the client is still sending");

        send("x".repeat(29));
        assertTrue(channel.isOpen(), "one byte of the body is still to come");
        send("9");
        assertFalse(channel.isOpen(), "closed once the whole body was read");
        assertEquals("", answered(), "the dropped body is not taken for a request");
    }

    @Test
    void shouldCloseAChunkedBodyThatGrowsTooLargeWhenItEnds() {
        send("POST /faults/kill-primary HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "14\r\n01234567890123456789\r\n");
        assertTrue(answered().startsWith("HTTP/1.1 413"));
        assertTrue(channel.isOpen());

        send("3\r\nabc\r\n0\r\n\r\n");
        assertFalse(channel.isOpen());
    }

    @Test
    void shouldCutOffAClientThatNeverFinishesItsBody() {
        channel.freezeTime();
        send("POST /faults/kill-primary HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n0123456789");
        assertTrue(answered().startsWith("HTTP/1.1 413"));

        channel.advanceTimeBy(JsonErrorAggregator.DRAIN_LIMIT_MS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "cut off after the drain limit");
        assertNull(channel.readOutbound());
    }
}
