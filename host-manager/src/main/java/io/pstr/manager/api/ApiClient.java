package io.pstr.manager.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the host manager's status/control API ({@link ApiServer}). Thread-safe.
 * Every failure is an {@link ApiException} whose message can be shown to an operator as it is.
 */
public final class ApiClient {

    public static final String DEFAULT_ADDRESS = ApiServer.Context.DEFAULT_HOST + ":" + ApiServer.Context.DEFAULT_PORT;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private static final Pattern ADDRESS = Pattern.compile(
            "(?:http://)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})/?");
    private static final TypeReference<List<JournalEvent>> EVENT_LIST = new TypeReference<>() {
    };

    private final URI baseUri;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param address {@code HOST:PORT} (or {@code [v6]:PORT}, optionally prefixed {@code http://})
     * @param token   bearer token, or null/blank for none
     * @throws IllegalArgumentException for a malformed address
     */
    public ApiClient(String address, String token) {
        this(parseAddress(address), token, DEFAULT_TIMEOUT);
    }

    public ApiClient(URI baseUri, String token, Duration timeout) {
        this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Parses {@code HOST:PORT} into the API's base URI.
     *
     * @throws IllegalArgumentException with an example of the expected form
     */
    public static URI parseAddress(String address) {
        if (address == null) {
            throw new IllegalArgumentException("API address missing; expected HOST:PORT, e.g. " + DEFAULT_ADDRESS);
        }
        Matcher m = ADDRESS.matcher(address.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad API address '" + address + "'; expected HOST:PORT, e.g. "
                    + DEFAULT_ADDRESS);
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("bad API port " + port + " in '" + address + "'; expected 1..65535");
        }
        return URI.create("http://" + m.group(1) + ":" + port);
    }

    public URI baseUri() {
        return baseUri;
    }

    /** {@code GET /status}. */
    public SystemStatus status() {
        return decode(get("/status"), SystemStatus.class);
    }

    /** {@code GET /status} as the server sent it. */
    public String statusJson() {
        return get("/status");
    }

    /** {@code GET /events}: events with {@code seq > afterSeq}, oldest first, at most {@code limit} (1..10000). */
    public List<JournalEvent> events(long afterSeq, int limit) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must be >= 0, was " + afterSeq);
        }
        if (limit < 1 || limit > ApiServer.Context.MAX_EVENTS_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + ApiServer.Context.MAX_EVENTS_LIMIT + ", was " + limit);
        }
        String body = get("/events?after=" + afterSeq + "&limit=" + limit);
        try {
            return List.copyOf(ApiJson.MAPPER.readValue(body, EVENT_LIST));
        } catch (IOException e) {
            throw new ApiException(-1, "unexpected answer from " + baseUri + "/events: " + e.getMessage(), e);
        }
    }

    /** {@code POST /faults/{name}}: the journal event of the injection. */
    public JournalEvent injectFault(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        HttpRequest request = request("/faults/" + fault.wireName())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return decode(send(request), JournalEvent.class);
    }

    /**
     * {@code POST /abort}: the journal event of the abort; its figures hold the board's answer ({@code result}).
     * Waits longer than other calls: the host resends the land command until the board acknowledges it.
     */
    public JournalEvent abort() {
        HttpRequest request = request("/abort")
                .timeout(timeout.plusSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return decode(send(request), JournalEvent.class);
    }

    /** {@code POST /failback-policy/{policy}}: {@code revertive} or {@code non-revertive}; returns the policy in force. */
    public String failbackPolicy(String policy) {
        if (!"revertive".equals(policy) && !"non-revertive".equals(policy)) {
            throw new IllegalArgumentException("failback policy must be revertive or non-revertive, was '" + policy + "'");
        }
        HttpRequest request = request("/failback-policy/" + policy)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return decode(send(request), JsonNode.class).path("failbackPolicy").asText();
    }

    /** {@code GET /health}: true when the host manager answers. */
    public boolean health() {
        JsonNode node = decode(get("/health"), JsonNode.class);
        return node.path("ok").asBoolean(false);
    }

    private String get(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUri.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private String send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new ApiException(-1, "no answer from " + baseUri + " within " + timeout.toMillis()
                    + " ms — is the address right and the host reachable?", e);
        } catch (HttpTimeoutException e) {
            throw new ApiException(-1, "the host manager at " + baseUri + " did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (ConnectException | UnresolvedAddressException e) {
            throw new ApiException(-1, "no host manager at " + baseUri + " — is ./pstr manager or ./pstr demo running?", e);
        } catch (IOException e) {
            throw new ApiException(-1, "talking to the host manager at " + baseUri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(-1, "interrupted while waiting for " + baseUri, e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return response.body();
        }
        String serverMessage = errorMessage(response.body());
        String what = request.method() + " " + request.uri().getPath();
        if (status == 401) {
            throw new ApiException(status, "the host manager at " + baseUri + " wants a valid token (HTTP 401)"
                    + (token == null ? " — pass --token or set PSTR_API_TOKEN" : " — the token given was refused"), null);
        }
        throw new ApiException(status, what + " failed (HTTP " + status + ")"
                + (serverMessage == null ? "" : ": " + serverMessage), null);
    }

    private static String errorMessage(String body) {
        try {
            JsonNode node = ApiJson.MAPPER.readTree(body);
            return node != null && node.hasNonNull("error") ? node.get("error").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private <T> T decode(String body, Class<T> type) {
        try {
            return ApiJson.MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new ApiException(-1, "unexpected answer from " + baseUri + " (not a " + type.getSimpleName()
                    + "): " + e.getMessage(), e);
        }
    }

    /** A failed API call; {@link #httpStatus()} is -1 when no HTTP answer came. */
    public static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int httpStatus;

        public ApiException(int httpStatus, String message, Throwable cause) {
            super(message, cause);
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }
}
