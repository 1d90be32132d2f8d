package io.pstr.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.pstr.core.fuzz.Corpus;
import io.pstr.core.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the API's request handling (HTTP parsing, paths, query parameters, headers, bodies, the token
 * check) with mutated raw requests through the server's own pipeline, on an embedded channel.
 * <p>
 * Properties: no exception escapes the pipeline; no request gets a 500 (every bad request is the
 * client's error and is told so); every answer but a stream's is JSON; with a token set, nothing but
 * the exact {@code Authorization: Bearer TOKEN} gets a 200 and no fault is injected without it.
 */
class ApiFuzzTest {

    private static final String TOKEN = "0123456789abcdef-fuzz";
    private static final List<String> SEEDS = List.of(
            "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "GET /events?after=3&limit=10 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET /faults HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "POST /faults/kill-primary HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "POST /faults/hang-primary HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "GET /events/stream?after=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
            "DELETE /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET /events?limit=1&limit=2 HTTP/1.1\r\n\r\n");
    private static final List<String> AUTHORIZED_SEEDS = SEEDS.stream()
            .map(r -> r.replace("\r\n\r\n", "\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")).toList();
    private static final List<String> TOKENS = List.of("%", "%2F", "%zz", "?", "&", "=", "after=", "limit=", "/faults/",
            "/events", "/status", "Content-Length: ", "Content-Length: 999999999\r\n", "Transfer-Encoding: chunked\r\n",
            "\r\n", "\n", " HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "Authorization: Bearer " + TOKEN + "\r\n",
            "Authorization: Bearer \r\n", "Authorization: Basic x\r\n", "-1", "0", "18446744073709551616", "Connection: close\r\n",
            "Expect: 100-continue\r\n", "GET ", "POST ", "OPTIONS ", "{\"x\":", "]", "\u0000", "\u00ff");

    private record Outcome(List<Integer> statuses, List<String> contentTypes, String text) {
    }

    /** Feeds {@code request} (cut in two at {@code cut}) to a fresh pipeline; returns the statuses it answered. */
    private static Outcome serve(byte[] request, int cut, String token, FakeControlPlane plane) {
        ApiServer.Context context = new ApiServer.Context().host("127.0.0.1").port(0).token(token).controlPlane(plane).conclude();
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(),
                new JsonErrorAggregator(ApiServer.Context.MAX_CONTENT_BYTES), new ApiHandler(context));
        try {
            int at = Math.min(cut, request.length);
            channel.writeInbound(Unpooled.wrappedBuffer(request, 0, at));
            if (channel.isActive()) {
                channel.writeInbound(Unpooled.wrappedBuffer(request, at, request.length - at));
            }
            channel.checkException();
            StringBuilder out = new StringBuilder();
            EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder());
            Object o;
            while ((o = channel.readOutbound()) != null) {
                if (o instanceof ByteBuf b) {
                    out.append(b.toString(StandardCharsets.ISO_8859_1));
                    client.writeInbound(b);
                }
            }
            List<Integer> statuses = new ArrayList<>();
            List<String> types = new ArrayList<>();
            while ((o = client.readInbound()) != null) {
                if (o instanceof HttpResponse r) {
                    statuses.add(r.status().code());
                    types.add(String.valueOf(r.headers().get(HttpHeaderNames.CONTENT_TYPE)));
                }
                io.netty.util.ReferenceCountUtil.release(o);
            }
            client.finishAndReleaseAll();
            return new Outcome(statuses, types, out.toString());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    static void exercise(byte[] request, int cut) {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        try {
            FakeControlPlane open = new FakeControlPlane();
            Outcome o = serve(request, cut, null, open);
            for (int status : o.statuses()) {
                assertNotEquals(500, status, "a bad request is the client's error: " + o.text());
            }
            for (int i = 0; i < o.statuses().size(); i++) {
                String type = o.contentTypes().get(i);
                if (o.statuses().get(i) != 100) {
                    assertTrue(type.startsWith("application/json") || type.startsWith("text/event-stream"),
                            "JSON answers (or an event stream): " + o.text());
                }
            }
            FakeControlPlane guarded = new FakeControlPlane();
            Outcome g = serve(request, cut, TOKEN, guarded);
            boolean hasToken = text.contains("Authorization: Bearer " + TOKEN) || text.toLowerCase(java.util.Locale.ROOT)
                    .contains(("authorization: bearer " + TOKEN).toLowerCase(java.util.Locale.ROOT));
            if (!hasToken) {
                assertTrue(g.statuses().stream().noneMatch(s -> s == 200), "no 200 without the token: " + g.text());
                assertEquals(0, guarded.journal.lastSeq(), "no fault injected without the token");
            }
        } catch (RuntimeException | AssertionError e) {
            Path kept = Mutator.keepCrasher("api", request);
            fail("API fuzz input kept in " + kept + " broke a property: " + e, e);
        }
    }

    @Test
    void shouldAnswerMutatedRequestsWithoutFailing() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0004L));
        int iterations = Mutator.iterations(300);
        for (int i = 0; i < iterations; i++) {
            String request = m.mutateOneOf(m.chance(30) ? AUTHORIZED_SEEDS : SEEDS, TOKENS);
            byte[] bytes = request.getBytes(m.chance(80) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            exercise(bytes, m.nextInt(bytes.length + 1));
        }
    }

    @Test
    void shouldNotWarnWhenAClientLeavesMidRequest() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ApiHandler.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            byte[] cut = "POST /faults/kill-primary HTTP/1.1\r\nContent-Length: 40\r\n\r\n{\"cut\":".getBytes(StandardCharsets.US_ASCII);
            exercise(cut, cut.length);
            assertTrue(seen.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)),
                    "a client that hangs up mid-request is not a warning: " + seen.list);
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void shouldReplayTheKeptInputs() {
        for (Path file : Corpus.files(ApiFuzzTest.class, "api")) {
            byte[] bytes = Corpus.bytes(file);
            exercise(bytes, bytes.length);
            exercise(bytes, bytes.length / 2);
        }
    }
}
