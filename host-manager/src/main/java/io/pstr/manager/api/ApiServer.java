package io.pstr.manager.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.pstr.core.status.ControlPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The host manager's status/control API: HTTP/1.1 + JSON over Netty, serving a {@link ControlPlane}.
 *
 * <pre>
 * GET  /health                      {"ok":true}
 * GET  /status                      SystemStatus
 * GET  /events?after=N&amp;limit=M      [JournalEvent, ...]  (after &ge; 0, default 0; 1 &le; limit &le; 10000, default 1000)
 * GET  /events/stream?after=N       text/event-stream: "journal" events (id = seq) as they are appended,
 *                                   a "status" event every 200 ms; Last-Event-ID resumes
 * GET  /faults                      [{"name":"kill-primary","description":"..."}, ...]
 * POST /faults/{name}               JournalEvent of the injection; 400 {"error":...} when unknown or refused
 * POST /failback-policy/{policy}     revertive or non-revertive: {"failbackPolicy":"..."}; journalled as POLICY
 * </pre>
 *
 * Errors are JSON {@code {"error":"..."}}: 400 malformed request or parameter, 401 missing/wrong token,
 * 404 unknown path, 405 wrong method (with {@code Allow}), 413 body over 64 KiB, 500 control plane failure.
 *
 * <p>Everything runs on one Netty event loop, including the calls into the {@link ControlPlane}, which
 * must therefore answer quickly (it is a snapshot/journal read, or a fault injection that signals a process).
 * Binds 127.0.0.1 by default; binding any other address requires a bearer token.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Context context;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final int boundPort;

    private ApiServer(Context context, EventLoopGroup group, Channel serverChannel) {
        this.context = context;
        this.group = group;
        this.serverChannel = serverChannel;
        this.boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Validates the context ({@link Context#conclude()}) and binds.
     *
     * @throws IllegalArgumentException for a bad configuration (message says what to change)
     * @throws IllegalStateException    when the address cannot be bound (e.g. port in use)
     */
    public static ApiServer start(Context context) {
        context.conclude();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregator", new JsonErrorAggregator(Context.MAX_CONTENT_BYTES))
                                    .addLast("api", new ApiHandler(context));
                        }
                    });
            ChannelFuture bind = bootstrap.bind(context.bindAddress).awaitUninterruptibly();
            if (!bind.isSuccess()) {
                Throwable cause = bind.cause();
                throw new IllegalStateException("cannot bind the status/control API to " + context.host + ":"
                        + context.port + ": " + (cause == null ? "unknown reason" : cause.getMessage())
                        + (context.port != 0 ? " — is another host manager running?" : ""),
                        cause);
            }
            ApiServer server = new ApiServer(context, group, bind.channel());
            LOG.info("status/control API on http://{}:{} ({})", context.host, server.boundPort,
                    context.token == null ? "no token, loopback only" : "bearer token required");
            return server;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port actually bound (useful with port 0). */
    public int boundPort() {
        return boundPort;
    }

    /** The address clients should use, e.g. {@code 127.0.0.1:8660}. */
    public String address() {
        String host = context.host.contains(":") ? "[" + context.host + "]" : context.host;
        return host + ":" + boundPort;
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * Configuration of the API server. Defaults come from system properties {@code pstr.api.host},
     * {@code pstr.api.port} and {@code pstr.api.token} (or the environment variable {@code PSTR_API_TOKEN}),
     * else 127.0.0.1, 8660 and no token. {@link #conclude()} validates once, at start.
     */
    public static final class Context {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 8660;
        /** Largest request body accepted. */
        public static final int MAX_CONTENT_BYTES = 64 * 1024;
        public static final int MIN_TOKEN_LENGTH = 16;
        public static final int MAX_EVENTS_LIMIT = 10_000;
        public static final int DEFAULT_EVENTS_LIMIT = 1_000;

        private String host = System.getProperty("pstr.api.host", DEFAULT_HOST);
        private String portProperty = System.getProperty("pstr.api.port");
        private int port = DEFAULT_PORT;
        private String token = firstNonNull(System.getProperty("pstr.api.token"), System.getenv("PSTR_API_TOKEN"));
        private ControlPlane controlPlane;
        private long streamStatusPeriodMs = 200;
        private long streamEventPollMs = 50;
        private InetSocketAddress bindAddress;
        private boolean concluded;

        public Context host(String host) {
            this.host = host;
            return this;
        }

        /** 0 picks an ephemeral port; see {@link ApiServer#boundPort()}. */
        public Context port(int port) {
            this.port = port;
            this.portProperty = null;
            return this;
        }

        /** Bearer token every request must carry; null for none (only allowed on loopback). */
        public Context token(String token) {
            this.token = token;
            return this;
        }

        public Context controlPlane(ControlPlane controlPlane) {
            this.controlPlane = controlPlane;
            return this;
        }

        /** Period of the {@code status} event on {@code /events/stream}. */
        public Context streamStatusPeriodMs(long periodMs) {
            this.streamStatusPeriodMs = periodMs;
            return this;
        }

        /** How often {@code /events/stream} looks for new journal events. */
        public Context streamEventPollMs(long periodMs) {
            this.streamEventPollMs = periodMs;
            return this;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }

        public String token() {
            return token;
        }

        public ControlPlane controlPlane() {
            return controlPlane;
        }

        public long streamStatusPeriodMs() {
            return streamStatusPeriodMs;
        }

        public long streamEventPollMs() {
            return streamEventPollMs;
        }

        /**
         * Validates the configuration once.
         *
         * @throws IllegalArgumentException with a message that says what to change
         */
        public Context conclude() {
            if (concluded) {
                return this;
            }
            Objects.requireNonNull(controlPlane, "controlPlane is required");
            if (portProperty != null) {
                try {
                    port = Integer.parseInt(portProperty.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("pstr.api.port must be a number, was '" + portProperty + "'", e);
                }
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("API port must be 0..65535 (0 = ephemeral), was " + port);
            }
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("API host must not be blank (default " + DEFAULT_HOST + ")");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve API host '" + host + "'", e);
            }
            if (token != null) {
                validateToken(token);
            } else if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to serve the status/control API on " + host
                        + ", which is not a loopback address, without a token: anyone who can reach it could"
                        + " inject faults into a flying aircraft. Set a token of at least " + MIN_TOKEN_LENGTH
                        + " characters (pstr.api.token or PSTR_API_TOKEN), or bind " + DEFAULT_HOST);
            }
            if (streamStatusPeriodMs < 10 || streamEventPollMs < 1) {
                throw new IllegalArgumentException("stream periods too short: status " + streamStatusPeriodMs
                        + " ms (min 10), event poll " + streamEventPollMs + " ms (min 1)");
            }
            bindAddress = new InetSocketAddress(address, port);
            concluded = true;
            return this;
        }

        private static void validateToken(String token) {
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("API token must be at least " + MIN_TOKEN_LENGTH
                        + " characters, was " + token.length());
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    throw new IllegalArgumentException(
                            "API token must be printable ASCII without spaces (character " + i + " is not)");
                }
            }
        }

        private static String firstNonNull(String a, String b) {
            return a != null ? a : b;
        }
    }
}
