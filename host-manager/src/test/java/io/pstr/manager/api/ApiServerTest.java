package io.pstr.manager.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pstr.core.channel.ChannelDelay;
import io.pstr.core.status.CommandGapStatus;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiServerTest {

    private static final String TOKEN = "0123456789abcdef-test";

    private final FakeControlPlane controlPlane = new FakeControlPlane();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private ApiServer server;

    @BeforeEach
    void start() {
        server = ApiServer.start(new ApiServer.Context().host("127.0.0.1").port(0).token(null)
                .controlPlane(controlPlane));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.boundPort() + path);
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                response.headers().toString());
        return ApiJson.MAPPER.readTree(response.body());
    }

    private static void assertError(int status, HttpResponse<String> response) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(json(response).hasNonNull("error"), response.body());
    }

    @Test
    void shouldServeHealthAndStatus() throws Exception {
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"ok\":true}", health.body());

        HttpResponse<String> status = get("/status");
        assertEquals(200, status.statusCode());
        assertEquals(FakeControlPlane.sampleStatus(), ApiJson.MAPPER.readValue(status.body(), SystemStatus.class));
        assertEquals("PRIMARY_ACTIVE", json(status).get("state").asText());
    }

    @Test
    void shouldNameTheCommandGapAndTheChannelDelaysClearlyInTheStatusJson() throws Exception {
        JsonNode status = json(get("/status"));
        JsonNode gap = status.get("commandGap");
        assertEquals(50, gap.get("statusPeriodMs").asInt());
        assertEquals(20.6, gap.get("maxIntervalMs").asDouble());
        assertEquals(20.6, gap.get("gapMs").asDouble());
        assertEquals(119_656_789L, gap.get("lastWriteMonoNs").asLong());
        assertEquals(2, gap.get("recent").size());
        assertEquals(41.2, gap.get("recent").get(0).get("gapMs").asDouble());
        assertEquals(73_456_789L, gap.get("recent").get(0).get("endMonoNs").asLong());
        JsonNode delay = status.get("replicas").get(0).get("channelDelay");
        assertEquals(List.of("samples", "lastUs", "avgDelayUs", "minDelayUs", "newestSeq"), fieldNames(delay));
        assertEquals(38, delay.get("avgDelayUs").asLong());
        assertEquals(22, delay.get("minDelayUs").asLong());
        assertEquals(-1, status.get("replicas").get(1).get("channelDelay").get("avgDelayUs").asLong(), "none: -1");
    }

    @Test
    void shouldReadAStatusOfAnOlderHostManagerWithoutTheNewFields() throws Exception {
        ObjectNode old = ApiJson.MAPPER.valueToTree(FakeControlPlane.sampleStatus());
        old.remove("commandGap");
        ((ObjectNode) old.get("replicas").get(0)).remove("channelDelay");
        SystemStatus read = ApiJson.MAPPER.treeToValue(old, SystemStatus.class);
        assertEquals(CommandGapStatus.NONE, read.commandGap());
        assertEquals(ChannelDelay.NONE, read.replicas().get(0).channelDelay());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void shouldPageEvents() throws Exception {
        for (int i = 0; i < 5; i++) {
            controlPlane.append("E" + i);
        }
        List<JournalEvent> all = events(get("/events"));
        assertEquals(5, all.size());
        assertEquals(1, all.get(0).seq());

        List<JournalEvent> page = events(get("/events?after=2&limit=2"));
        assertEquals(List.of(3L, 4L), page.stream().map(JournalEvent::seq).toList());
        assertEquals(List.of(), events(get("/events?after=5")));
    }

    @Test
    void shouldRefuseBadEventParameters() throws Exception {
        for (String query : List.of("after=x", "after=-1", "limit=0", "limit=10001", "limit=1e3", "after=1&after=2",
                "after=99999999999999999999")) {
            assertError(400, get("/events?" + query));
        }
        assertEquals(200, get("/events?limit=10000").statusCode());
    }

    @Test
    void shouldInjectAKnownFaultAndRefuseAnUnknownOne() throws Exception {
        HttpResponse<String> ok = send("POST", "/faults/kill-primary", null);
        assertEquals(200, ok.statusCode(), ok.body());
        JournalEvent event = ApiJson.MAPPER.readValue(ok.body(), JournalEvent.class);
        assertEquals("FAULT", event.type());
        assertEquals("kill-primary", event.figures().get("fault"));

        HttpResponse<String> unknown = send("POST", "/faults/kill-everyone", null);
        assertError(400, unknown);
        assertTrue(json(unknown).get("error").asText().contains("kill-primary"), unknown.body());

        HttpResponse<String> refused = send("POST", "/faults/resume-primary", null);
        assertError(400, refused);
        assertEquals("the primary is not stopped", json(refused).get("error").asText());

        JsonNode list = json(get("/faults"));
        assertEquals(Fault.values().length, list.size());
        assertEquals("kill-primary", list.get(0).get("name").asText());
    }

    @Test
    void shouldSwitchTheFailbackPolicy() throws Exception {
        HttpResponse<String> ok = send("POST", "/failback-policy/non-revertive", null);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("non-revertive", json(ok).get("failbackPolicy").asText());
        assertEquals("non-revertive", controlPlane.policy);
        assertEquals("POLICY", controlPlane.journal.events(0, 10).get(0).type());

        ApiClient client = new ApiClient("127.0.0.1:" + server.boundPort(), null);
        assertEquals("revertive", client.failbackPolicy("revertive"));
        assertEquals("revertive", controlPlane.policy);
        assertThrows(IllegalArgumentException.class, () -> client.failbackPolicy("sometimes"));

        assertError(404, send("POST", "/failback-policy/sometimes", null));
        assertError(405, get("/failback-policy/revertive"));
    }

    @Test
    void shouldAnswerUnknownPathsAndWrongMethodsWithJsonErrors() throws Exception {
        assertError(404, get("/nope"));
        assertError(404, get("/faults/kill-primary/now"));
        assertError(404, get("/status/"));
        HttpResponse<String> wrongMethod = send("POST", "/status", null);
        assertError(405, wrongMethod);
        assertEquals("GET", wrongMethod.headers().firstValue("allow").orElse(""));
        assertError(405, get("/faults/kill-primary"));
        String badEscape = rawExchange("GET /events?after=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(badEscape.startsWith("HTTP/1.1 400"), badEscape);
    }

    @Test
    void shouldRefuseAnOversizedBody() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/faults/kill-primary"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[ApiServer.Context.MAX_CONTENT_BYTES + 1]))
                .build();
        assertError(413, http.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(0, controlPlane.journal.lastSeq(), "the fault was not injected");
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void shouldAnswerGarbageWith400AndKeepServing() throws Exception {
        String reply = rawExchange("\u0000\u0001garbage \r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
        assertTrue(reply.contains("\"error\""), reply);

        String hugeHeader = "GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n";
        assertTrue(rawExchange(hugeHeader).startsWith("HTTP/1.1 400"));

        assertEquals(200, get("/status").statusCode());
    }

    @Test
    void shouldKeepTheConnectionAliveBetweenRequests() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.boundPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 200 OK", in.readLine());
                int contentLength = -1;
                String line;
                while (!(line = in.readLine()).isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[contentLength];
                assertEquals(contentLength, in.read(body));
                assertEquals("{\"ok\":true}", new String(body));
            }
        }
    }

    @Test
    void shouldStreamAppendedEventsAndStatus() throws Exception {
        controlPlane.append("BEFORE");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(uri("/events/stream?after=1")).GET().build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (UncheckedIOException closedByTheTest) {
                // the test closes the stream when done
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            assertEquals("event: status", awaitLineStartingWith(lines, "event: "));
            JsonNode status = ApiJson.MAPPER.readTree(awaitLineStartingWith(lines, "data: ").substring(6));
            assertEquals("PRIMARY_ACTIVE", status.get("state").asText());

            JournalEvent appended = controlPlane.append("FAILOVER");
            assertEquals("id: 2", awaitLineStartingWith(lines, "id: "));
            assertEquals("event: journal", awaitLineStartingWith(lines, "event: "));
            JournalEvent streamed = ApiJson.MAPPER.readValue(
                    awaitLineStartingWith(lines, "data: ").substring(6), JournalEvent.class);
            assertEquals(appended, streamed);

            // and status keeps coming every 200 ms
            assertEquals("event: status", awaitLineStartingWith(lines, "event: "));
        } finally {
            response.body().close();
        }
    }

    private static String awaitLineStartingWith(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String line = lines.poll(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(line, "no line starting with '" + prefix + "' within 5 s");
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    @Test
    void shouldRequireTokenWhenConfiguredAndAcceptTheRightOne() throws Exception {
        server.close();
        server = ApiServer.start(new ApiServer.Context().host("127.0.0.1").port(0).token(TOKEN)
                .controlPlane(controlPlane));

        HttpResponse<String> none = get("/health");
        assertError(401, none);
        assertTrue(none.headers().firstValue("www-authenticate").isPresent());
        assertError(401, send("GET", "/status", "Bearer wrong-token-wrong-token"));
        assertError(401, send("POST", "/faults/kill-primary", "Basic " + TOKEN));
        assertEquals(0, controlPlane.journal.lastSeq(), "no fault injected without the token");

        assertEquals(200, send("GET", "/status", "Bearer " + TOKEN).statusCode());
        assertEquals(200, send("POST", "/faults/kill-primary", "Bearer " + TOKEN).statusCode());

        ApiClient client = new ApiClient(server.address(), TOKEN);
        assertEquals("PRIMARY_ACTIVE", client.status().state());
        ApiClient.ApiException refused = assertThrows(ApiClient.ApiException.class,
                () -> new ApiClient(server.address(), null).status());
        assertEquals(401, refused.httpStatus());
        assertTrue(refused.getMessage().contains("--token"), refused.getMessage());
    }

    @Test
    void shouldRefuseToBindANonLoopbackAddressWithoutAToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiServer.start(
                new ApiServer.Context().host("0.0.0.0").port(0).token(null).controlPlane(controlPlane)));
        assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> ApiServer.start(
                new ApiServer.Context().host("0.0.0.0").port(0).token("short").controlPlane(controlPlane)));
        assertThrows(IllegalArgumentException.class, () -> ApiServer.start(
                new ApiServer.Context().host("127.0.0.1").port(70_000).token(null).controlPlane(controlPlane)));

        try (ApiServer open = ApiServer.start(
                new ApiServer.Context().host("0.0.0.0").port(0).token(TOKEN).controlPlane(controlPlane))) {
            assertTrue(open.boundPort() > 0);
        }
    }

    @Test
    void shouldExplainAPortInUse() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiServer.start(
                new ApiServer.Context().host("127.0.0.1").port(server.boundPort()).token(null).controlPlane(controlPlane)));
        assertTrue(e.getMessage().contains("another host manager"), e.getMessage());
    }

    @Test
    void clientShouldRoundTripAndExplainErrors() {
        ApiClient client = new ApiClient(server.address(), null);
        assertTrue(client.health());
        assertEquals(FakeControlPlane.sampleStatus(), client.status());
        JournalEvent injected = client.injectFault(Fault.KILL_SHADOW);
        assertEquals(List.of(injected), client.events(0, 10));

        ApiClient.ApiException refused = assertThrows(ApiClient.ApiException.class,
                () -> client.injectFault(Fault.RESUME_PRIMARY));
        assertEquals(400, refused.httpStatus());
        assertTrue(refused.getMessage().contains("the primary is not stopped"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> client.events(0, 0));

        int port = server.boundPort();
        server.close();
        server = null;
        ApiClient.ApiException down = assertThrows(ApiClient.ApiException.class,
                () -> new ApiClient("127.0.0.1:" + port, null).status());
        assertEquals("no host manager at http://127.0.0.1:" + port + " — is ./pstr manager or ./pstr demo running?",
                down.getMessage());
    }

    @Test
    void clientShouldValidateAddresses() {
        assertEquals(URI.create("http://127.0.0.1:8660"), ApiClient.parseAddress("127.0.0.1:8660"));
        assertEquals(URI.create("http://[::1]:8660"), ApiClient.parseAddress("[::1]:8660"));
        assertEquals(URI.create("http://ground-pc.local:9000"), ApiClient.parseAddress("http://ground-pc.local:9000/"));
        for (String bad : List.of("", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", "host:port", "a b:1", "x:1/status")) {
            assertThrows(IllegalArgumentException.class, () -> ApiClient.parseAddress(bad), bad);
        }
    }

    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.boundPort()), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8); // the server closes after a 400
        }
    }

    private static List<JournalEvent> events(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        return ApiJson.MAPPER.readValue(response.body(), new TypeReference<List<JournalEvent>>() {
        });
    }
}
