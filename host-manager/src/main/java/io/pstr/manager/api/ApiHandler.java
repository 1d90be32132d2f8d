package io.pstr.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.pstr.core.status.ControlPlane;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Routes one connection's requests to the {@link ControlPlane}. One instance per channel: a channel that
 * opens {@code /events/stream} becomes a stream and ignores any further request on it.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /** Pages of events pushed per stream tick, so a reconnecting client catches up quickly but fairly. */
    private static final int STREAM_PAGES_PER_TICK = 5;

    private final ApiServer.Context context;
    private final ControlPlane controlPlane;
    private final byte[] expectedAuthorization;

    private boolean streaming;
    private long streamCursor;
    private ScheduledFuture<?> eventTask;
    private ScheduledFuture<?> statusTask;
    private boolean streamFailureLogged;

    ApiHandler(ApiServer.Context context) {
        this.context = context;
        this.controlPlane = context.controlPlane();
        this.expectedAuthorization = context.token() == null
                ? null
                : ("Bearer " + context.token()).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (streaming) {
            return; // a stream connection carries no further requests
        }
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            LOG.debug("malformed request from {}: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
            sendError(ctx, false, HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request" + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (expectedAuthorization != null && !authorized(request)) {
            FullHttpResponse response = jsonResponse(HttpResponseStatus.UNAUTHORIZED,
                    error("missing or wrong bearer token (send Authorization: Bearer TOKEN)"));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pstr\"");
            send(ctx, keepAlive, response);
            return;
        }
        QueryStringDecoder uri;
        String path;
        try {
            uri = new QueryStringDecoder(request.uri());
            path = uri.path();
            uri.parameters(); // decodes now, so a bad escape is a 400 here
        } catch (IllegalArgumentException e) {
            sendError(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "malformed URI: " + e.getMessage());
            return;
        }
        try {
            route(ctx, request, keepAlive, uri, path);
        } catch (BadRequest e) {
            sendError(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", request.method(), path, e);
            sendError(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "host manager failed: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive,
                       QueryStringDecoder uri, String path) {
        HttpMethod method = request.method();
        switch (path) {
            case "/health" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.GET)) {
                    send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, Map.of("ok", true)));
                }
            }
            case "/status" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.GET)) {
                    send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, controlPlane.status()));
                }
            }
            case "/events" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.GET)) {
                    long after = longParam(uri, "after", 0, 0, Long.MAX_VALUE);
                    int limit = (int) longParam(uri, "limit", ApiServer.Context.DEFAULT_EVENTS_LIMIT,
                            1, ApiServer.Context.MAX_EVENTS_LIMIT);
                    send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, controlPlane.events(after, limit)));
                }
            }
            case "/events/stream" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.GET)) {
                    startStream(ctx, request, uri);
                }
            }
            case "/abort" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.POST)) {
                    abort(ctx, keepAlive);
                }
            }
            case "/faults" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.GET)) {
                    ArrayNode faults = ApiJson.MAPPER.createArrayNode();
                    for (Fault f : Fault.values()) {
                        faults.addObject().put("name", f.wireName()).put("description", f.description());
                    }
                    send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, faults));
                }
            }
            case "/failback-policy/revertive", "/failback-policy/non-revertive" -> {
                if (allow(ctx, keepAlive, method, HttpMethod.POST)) {
                    String policy;
                    try {
                        policy = controlPlane.failbackPolicy(path.substring("/failback-policy/".length()));
                    } catch (IllegalArgumentException e) {
                        sendError(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                        return;
                    }
                    send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, Map.of("failbackPolicy", policy)));
                }
            }
            default -> {
                String name = path.startsWith("/faults/") ? path.substring("/faults/".length()) : null;
                if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
                    sendError(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "no such resource: " + path);
                } else if (allow(ctx, keepAlive, method, HttpMethod.POST)) {
                    injectFault(ctx, keepAlive, name);
                }
            }
        }
    }

    /** Blocks this event loop while the board answers (up to a few seconds), as a fault injection does. */
    private void abort(ChannelHandlerContext ctx, boolean keepAlive) {
        JournalEvent event;
        try {
            event = controlPlane.abort();
        } catch (UnsupportedOperationException | IllegalStateException e) {
            sendError(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, event));
    }

    private void injectFault(ChannelHandlerContext ctx, boolean keepAlive, String name) {
        JournalEvent event;
        try {
            Fault fault = Fault.fromWireName(name);
            event = controlPlane.injectFault(fault);
        } catch (IllegalArgumentException e) {
            sendError(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        send(ctx, keepAlive, jsonResponse(HttpResponseStatus.OK, event));
    }

    private boolean allow(ChannelHandlerContext ctx, boolean keepAlive, HttpMethod actual, HttpMethod allowed) {
        if (actual.equals(allowed)) {
            return true;
        }
        FullHttpResponse response = jsonResponse(HttpResponseStatus.METHOD_NOT_ALLOWED,
                error("method " + actual + " not allowed here; use " + allowed));
        response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
        send(ctx, keepAlive, response);
        return false;
    }

    private boolean authorized(FullHttpRequest request) {
        List<String> values = request.headers().getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.size() != 1) {
            return false;
        }
        byte[] actual = values.get(0).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expectedAuthorization, actual); // constant time
    }

    private static long longParam(QueryStringDecoder uri, String name, long defaultValue, long min, long max) {
        List<String> values = uri.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return defaultValue;
        }
        if (values.size() > 1) {
            throw new BadRequest("parameter '" + name + "' given more than once");
        }
        return parseBounded(name, values.get(0), min, max);
    }

    private static long parseBounded(String name, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("parameter '" + name + "' must be a whole number, was '" + abbreviate(text) + "'");
        }
        if (value < min || value > max) {
            throw new BadRequest("parameter '" + name + "' must be in " + min + ".."
                    + (max == Long.MAX_VALUE ? "" : String.valueOf(max)) + ", was " + value);
        }
        return value;
    }

    // ---- server-sent events -------------------------------------------------------------------------

    private void startStream(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        long after = longParam(uri, "after", 0, 0, Long.MAX_VALUE);
        String lastEventId = request.headers().get("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isBlank()) {
            after = parseBounded("Last-Event-ID", lastEventId, 0, Long.MAX_VALUE);
        }
        streaming = true;
        streamCursor = after;
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.write(response);
        ctx.write(sseChunk("retry: 1000\n\n"));
        pushStatus(ctx);
        pushEvents(ctx);

        long statusMs = context.streamStatusPeriodMs();
        long pollMs = context.streamEventPollMs();
        eventTask = ctx.executor().scheduleAtFixedRate(() -> pushEvents(ctx), pollMs, pollMs, TimeUnit.MILLISECONDS);
        statusTask = ctx.executor().scheduleAtFixedRate(() -> pushStatus(ctx), statusMs, statusMs, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> stopStream());
        LOG.debug("event stream to {} from seq {}", ctx.channel().remoteAddress(), after);
    }

    private void stopStream() {
        if (eventTask != null) {
            eventTask.cancel(false);
        }
        if (statusTask != null) {
            statusTask.cancel(false);
        }
    }

    /** Pushes new journal events; a slow client is not written to (events wait in the journal). */
    private void pushEvents(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || !ctx.channel().isWritable()) {
            return;
        }
        try {
            boolean wrote = false;
            for (int page = 0; page < STREAM_PAGES_PER_TICK; page++) {
                List<JournalEvent> events = controlPlane.events(streamCursor, ApiServer.Context.DEFAULT_EVENTS_LIMIT);
                for (JournalEvent e : events) {
                    ctx.write(sseChunk("id: " + e.seq() + "\nevent: journal\ndata: "
                            + ApiJson.MAPPER.writeValueAsString(e) + "\n\n"));
                    streamCursor = Math.max(streamCursor, e.seq());
                    wrote = true;
                }
                if (events.size() < ApiServer.Context.DEFAULT_EVENTS_LIMIT) {
                    break;
                }
            }
            if (wrote) {
                ctx.flush();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            streamFailed(ctx, e);
        }
    }

    /** Pushes a status snapshot; a slow client skips snapshots rather than queueing stale ones. */
    private void pushStatus(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || !ctx.channel().isWritable()) {
            return;
        }
        try {
            ctx.writeAndFlush(sseChunk("event: status\ndata: "
                    + ApiJson.MAPPER.writeValueAsString(controlPlane.status()) + "\n\n"));
        } catch (JsonProcessingException | RuntimeException e) {
            streamFailed(ctx, e);
        }
    }

    private void streamFailed(ChannelHandlerContext ctx, Exception e) {
        // keep the stream: the control plane may answer next time; log once per stream, not 5 times a second
        if (!streamFailureLogged) {
            streamFailureLogged = true;
            LOG.warn("event stream to {}: control plane failed", ctx.channel().remoteAddress(), e);
        }
    }

    private static DefaultHttpContent sseChunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    // ---- responses ----------------------------------------------------------------------------------

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client that goes away mid-request is not the server's failure: no warning, no stack trace.
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        LOG.warn("API connection {} failed", ctx.channel().remoteAddress(), cause);
        if (ctx.channel().isActive() && !streaming) {
            sendError(ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        } else {
            ctx.close();
        }
    }

    static void sendError(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String message) {
        send(ctx, keepAlive, jsonResponse(status, error(message)));
    }

    /**
     * Answers with {@code Connection: close} but leaves closing to the caller, which must first read what the
     * client is still sending (see {@link JsonErrorAggregator}).
     */
    static void sendErrorLeavingOpen(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        FullHttpResponse response = jsonResponse(status, error(message));
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response);
    }

    private static ObjectNode error(String message) {
        return ApiJson.MAPPER.createObjectNode().put("error", message);
    }

    private static FullHttpResponse jsonResponse(HttpResponseStatus status, Object body) {
        byte[] json;
        try {
            json = ApiJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode response as JSON: " + e.getOriginalMessage(), e);
        }
        ByteBuf content = Unpooled.wrappedBuffer(json);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** A bad parameter: answered with 400 and its message. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
