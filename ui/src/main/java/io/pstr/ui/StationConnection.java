package io.pstr.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.api.ApiClient;
import io.pstr.manager.api.ApiJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ground station's link to the host manager, entirely off the FX thread: one thread reads the
 * {@code /events/stream} push stream (journal events and a status snapshot every 200 ms) and reconnects
 * when it breaks or falls silent; another runs the operator's commands. Everything it learns goes to a
 * {@link Listener}, called on those threads.
 *
 * <p>A host manager that restarted has a new journal, numbered from 1 again: on every connection the
 * first journal event is compared with the one seen before, and a different one resets the cursor.
 */
public final class StationConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StationConnection.class);

    /** What the connection tells the ground station; called on the connection's threads. */
    public interface Listener {
        void status(SystemStatus status);

        void event(JournalEvent event);

        /** Connected ({@code up}) or lost, with a sentence for the operator. */
        void connection(boolean up, String message);

        /** The host manager on the other end is a new one (its journal started again). */
        void managerRestarted();
    }

    private final URI base;
    private final String token;
    private final ApiClient client;
    private final Listener listener;
    private final Duration silenceLimit;
    private final Duration retryDelay;
    private final HttpClient http;
    private final ExecutorService streamThread;
    private final ScheduledExecutorService timer;
    private final ExecutorService commandThread;
    private volatile boolean closed;
    private volatile StreamSubscriber current;
    private volatile long lastLineNs;
    private volatile long cursor;
    private String journalIdentity;
    private long malformed;

    /**
     * @param silenceLimit a stream with no line for this long is taken as lost (the server sends a status every 200 ms)
     * @param retryDelay   wait between reconnection attempts
     */
    public StationConnection(String address, String token, Listener listener, Duration silenceLimit, Duration retryDelay) {
        this.base = ApiClient.parseAddress(address);
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.client = new ApiClient(base, this.token, ApiClient.DEFAULT_TIMEOUT);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.silenceLimit = silenceLimit;
        this.retryDelay = retryDelay;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(ApiClient.DEFAULT_TIMEOUT).build();
        this.streamThread = Executors.newSingleThreadExecutor(daemon("pstr-ui-stream"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("pstr-ui-timer"));
        this.commandThread = Executors.newSingleThreadExecutor(daemon("pstr-ui-commands"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts connecting; returns at once. */
    public StationConnection start() {
        streamThread.execute(this::runStream);
        timer.scheduleWithFixedDelay(this::watchSilence, silenceLimit.toMillis(), silenceLimit.toMillis() / 2,
                TimeUnit.MILLISECONDS);
        return this;
    }

    public URI address() {
        return base;
    }

    /** Injects a fault on the command thread; the future fails with a message for the operator. */
    public CompletableFuture<JournalEvent> inject(Fault fault) {
        return command(() -> client.injectFault(fault));
    }

    /** Switches the failback policy on the command thread. */
    public CompletableFuture<String> failbackPolicy(String policy) {
        return command(() -> client.failbackPolicy(policy));
    }

    /** Runs any background work (file export, ...) on the command thread. */
    public <T> CompletableFuture<T> command(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, commandThread);
    }

    private void runStream() {
        if (closed) {
            return;
        }
        try {
            identifyJournal();
        } catch (ApiClient.ApiException e) {
            lost(e.getMessage());
            retryLater();
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/events/stream?after=" + cursor))
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        StreamSubscriber subscriber = new StreamSubscriber();
        current = subscriber;
        lastLineNs = System.nanoTime();
        http.sendAsync(request.GET().build(), info -> info.statusCode() == 200
                        ? HttpResponse.BodySubscribers.fromLineSubscriber(subscriber)
                        : HttpResponse.BodySubscribers.replacing(null))
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        subscriber.end("lost the host manager at " + base + ": " + rootMessage(failure));
                    } else if (response.statusCode() != 200) {
                        subscriber.end(response.statusCode() == 401
                                ? "the host manager at " + base + " wants a valid token (HTTP 401)"
                                : "the host manager at " + base + " refused the event stream (HTTP " + response.statusCode() + ")");
                    }
                });
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private void retryLater() {
        if (!closed) {
            timer.schedule(() -> streamThread.execute(this::runStream), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One connection's stream of lines; ends once, then the next connection is scheduled. */
    private final class StreamSubscriber implements Flow.Subscriber<String> {
        private final SseParser parser = new SseParser(StationConnection.this::onSse);
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private boolean announced;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            lastLineNs = System.nanoTime();
            if (!announced) {
                announced = true;
                listener.connection(true, "connected to " + base);
            }
            parser.line(line);
        }

        @Override
        public void onError(Throwable t) {
            end("lost the host manager at " + base + ": " + rootMessage(t));
        }

        @Override
        public void onComplete() {
            end("the host manager at " + base + " closed the connection");
        }

        void end(String message) {
            if (ended.compareAndSet(false, true)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
                lost(message);
                retryLater();
            }
        }
    }

    private void lost(String message) {
        if (!closed) {
            LOG.info("{}", message);
            listener.connection(false, message);
        }
    }

    /** Compares the first journal event with the one seen before: a new one means a new host manager. */
    private void identifyJournal() {
        List<JournalEvent> first = client.events(0, 1);
        String identity = first.isEmpty() ? null : first.get(0).monoNs() + "/" + first.get(0).wallMs();
        if (journalIdentity != null && !journalIdentity.equals(identity)) {
            cursor = 0;
            listener.managerRestarted();
        }
        if (identity != null) {
            journalIdentity = identity;
        }
    }

    private void onSse(String id, String type, String data) {
        try {
            switch (type) {
                case "status" -> listener.status(ApiJson.MAPPER.readValue(data, SystemStatus.class));
                case "journal" -> {
                    JournalEvent e = ApiJson.MAPPER.readValue(data, JournalEvent.class);
                    if (e.seq() > cursor) {
                        cursor = e.seq();
                        listener.event(e);
                    }
                }
                default -> malformed++;
            }
        } catch (JsonProcessingException | RuntimeException e) {
            if (malformed++ == 0) {
                LOG.warn("skipped an unreadable {} event from {}: {}", type, base, e.getMessage());
            }
        }
    }

    /** A stream that fell silent (a hung host manager, a dead network) is dropped and a new one opened. */
    private void watchSilence() {
        StreamSubscriber s = current;
        if (s != null && !s.ended.get() && System.nanoTime() - lastLineNs > silenceLimit.toNanos()) {
            s.end("no word from the host manager at " + base + " for " + silenceLimit.toMillis() + " ms");
        }
    }

    /** Unreadable events skipped so far. */
    public long malformedEvents() {
        return malformed;
    }

    @Override
    public void close() {
        closed = true;
        StreamSubscriber s = current;
        if (s != null) {
            s.end("closed");
        }
        timer.shutdownNow();
        streamThread.shutdownNow();
        commandThread.shutdownNow();
    }
}
