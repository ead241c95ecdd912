package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.ops.testing.PromText;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operations server in this JVM, over real HTTP on loopback. */
class OpsServerTest {

    private static final String TOKEN = "t0ken-for-tests";
    private final OpsFixture fixture = new OpsFixture();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<Ops> started = new ArrayList<>();

    private Ops start(String... settings) {
        String[] all = Arrays.copyOf(settings, settings.length + 2);
        all[settings.length] = "weft.http.port";
        all[settings.length + 1] = "0";
        Ops ops = fixture.ops(OpsFixture.config(all));
        ops.startServer();
        started.add(ops);
        assertTrue(ops.httpPort() > 0);
        return ops;
    }

    private HttpResponse<String> send(Ops ops, String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        Ops ops = start();
        List<InetAddress> others = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress()).toList();
        assertFalse(others.isEmpty(), "this machine needs an address other than loopback for the test to mean anything");
        for (InetAddress address : others) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, ops.httpPort()), 2000);
                fail("the operations server accepted a connection on " + address);
            } catch (ConnectException expected) {
                // refused: nothing listens on that address
            }
        }
    }

    @Test
    void healthMetricsAndThePageAreServed() throws Exception {
        fixture.caches.cache("storybook:books", true).stats().recordL1Hit();
        Ops ops = start("weft.http.token", TOKEN);

        HttpResponse<String> health = send(ops, "GET", "/health", null);
        assertEquals(200, health.statusCode());
        assertEquals("application/json; charset=utf-8", health.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = json.readTree(health.body());
        assertEquals("UP", body.get("status").asText());
        assertEquals("OFF", body.get("redis").get("status").asText());
        assertEquals("storybook:books", body.get("caches").get(0).get("name").asText());
        assertEquals(1.0, body.get("caches").get(0).get("hitRatio").asDouble());
        assertEquals(ops.httpPort(), body.get("agent").get("httpPort").asInt());

        HttpResponse<String> metrics = send(ops, "GET", "/metrics", null);
        assertEquals(PrometheusText.CONTENT_TYPE, metrics.headers().firstValue("Content-Type").orElse(""));
        assertEquals(1, PromText.parse(metrics.body()).value("weft_cache_hits_total", "cache", "storybook:books",
                "level", "l1"));

        HttpResponse<String> page = send(ops, "GET", "/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        assertFalse(page.body().matches("(?s).*(src=|href=\"http|<link|@import|url\\().*"), "no external assets");
        assertTrue(page.body().contains("\"name\":\"storybook:books\""), "the page starts from embedded health JSON");

        assertEquals(200, send(ops, "HEAD", "/health", null).statusCode());
        assertEquals(404, send(ops, "GET", "/nothing", null).statusCode());
        assertEquals(405, send(ops, "GET", "/clear", TOKEN).statusCode());
        assertEquals(405, send(ops, "POST", "/metrics", TOKEN).statusCode());
    }

    /**
     * SPEC §9: {@code /health} gives each cache's counters, each under its own name: every counter is recorded a
     * different number of times, so that two fields that showed each other's counter would be told apart.
     */
    @Test
    void healthShowsEachCacheCounterUnderItsOwnName() throws Exception {
        CacheStats stats = fixture.caches.cache("storybook:books", true).stats();
        List<Runnable> recorders = List.of(stats::recordL1Hit, stats::recordL2Hit, stats::recordMiss,
                () -> stats.recordLoad(1_000_000), stats::recordLoadFailure, stats::recordL2Unreadable,
                stats::recordL2NotStored, stats::recordStaleStoreDiscarded, stats::recordLoadWaitTimeout);
        for (int i = 0; i < recorders.size(); i++) {
            for (int n = 0; n <= i; n++) {
                recorders.get(i).run();
            }
        }
        Ops ops = start();

        JsonNode cache = json.readTree(send(ops, "GET", "/health", null).body()).get("caches").get(0);
        String[] fields = {"l1Hits", "l2Hits", "misses", "loads", "loadFailures", "l2Unreadable", "l2NotStored",
            "staleStoresDiscarded", "loadWaitTimeouts"};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(i + 1, cache.get(fields[i]).asLong(), fields[i] + " in " + cache);
        }
    }

    @Test
    void managementNeedsTheToken() throws Exception {
        NamedCache books = fixture.caches.cache("storybook:books", true);
        Ops ops = start("weft.http.token", TOKEN);

        HttpResponse<String> none = send(ops, "POST", "/caches/storybook:books/disable", null);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"weft\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, send(ops, "POST", "/caches/storybook:books/disable", "wrong").statusCode());
        assertEquals(401, send(ops, "POST", "/disable", TOKEN + "x").statusCode());
        assertTrue(books.enabled(), "refused calls change nothing");

        HttpResponse<String> done = send(ops, "POST", "/caches/storybook%3Abooks/disable", TOKEN);
        assertEquals(200, done.statusCode(), done.body());
        assertFalse(json.readTree(done.body()).get("enabled").asBoolean());
        assertFalse(books.enabled());
        assertEquals(200, send(ops, "POST", "/caches/storybook:books/enable", TOKEN).statusCode());
        assertTrue(books.enabled());

        assertEquals(200, send(ops, "POST", "/disable", TOKEN).statusCode());
        assertFalse(books.enabled());
        assertEquals("DEGRADED", json.readTree(send(ops, "GET", "/health", null).body()).get("status").asText());
        assertEquals(200, send(ops, "POST", "/enable", TOKEN).statusCode());
        assertTrue(books.enabled());

        assertEquals(0, json.readTree(send(ops, "POST", "/clear", TOKEN).body()).get("cleared").asLong());
        assertEquals(0, json.readTree(send(ops, "POST", "/caches/storybook:books/clear", TOKEN).body())
                .get("cleared").asLong());
        assertEquals(404, send(ops, "POST", "/caches/nope/clear", TOKEN).statusCode());
        assertEquals(404, send(ops, "POST", "/caches/storybook:books/explode", TOKEN).statusCode());
    }

    @Test
    void withoutATokenManagementIsRefusedEntirely() throws Exception {
        NamedCache books = fixture.caches.cache("storybook:books", true);
        Ops ops = start();
        for (String path : new String[] {"/disable", "/clear", "/caches/storybook:books/disable"}) {
            HttpResponse<String> refused = send(ops, "POST", path, "anything");
            assertEquals(403, refused.statusCode());
            assertTrue(json.readTree(refused.body()).get("error").asText().contains("no token is configured"));
        }
        assertTrue(books.enabled());
        assertEquals(200, send(ops, "GET", "/health", null).statusCode());
    }

    @Test
    void everyResponseClosesItsConnectionSoNoDelayedAckHoldsTheBodyBack() throws Exception {
        Ops ops = start();
        for (String path : new String[] {"/metrics", "/health", "/"}) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ops.httpPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // readAllBytes returns only when the server closes the connection (else it times out)
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200"), path + ": " + response);
                assertTrue(response.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), path + ": " + response);
            }
        }
    }

    /** The raw response to {@code request}, read until the server closes the connection. */
    private static String raw(Ops ops, String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ops.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRequestForAnotherHostIsRefusedSoDnsRebindingReadsNothing() throws Exception {
        fixture.caches.cache("sessions", true);
        Ops ops = start("weft.http.token", TOKEN);
        int port = ops.httpPort();
        for (String host : new String[] {"evil.example:" + port, "evil.example", "127.0.0.1.evil.example:" + port,
            "127.0.0.1:" + (port == 65535 ? port - 1 : port + 1), "localhost:" + port + "\r\nHost: evil.example"}) {
            for (String path : new String[] {"/health", "/metrics", "/", "/caches/sessions/hot"}) {
                String response = raw(ops, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                assertTrue(response.startsWith("HTTP/1.1 421"), host + " " + path + ": " + response);
                assertFalse(response.contains("sessions\",\"keys") || response.contains("weft_"), response);
            }
        }
        String post = raw(ops, "POST /disable HTTP/1.1\r\nHost: evil.example:" + port + "\r\nAuthorization: Bearer "
                + TOKEN + "\r\nContent-Length: 0\r\n\r\n");
        assertTrue(post.startsWith("HTTP/1.1 421"), post);
        assertTrue(ops.switches().agentEnabled(), "a refused call changes nothing");

        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port,
            "[::1]:" + port, "127.0.0.1"}) {
            String response = raw(ops, "GET /caches/sessions/hot HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 200"), host + ": " + response);
        }
        assertTrue(raw(ops, "GET /health HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 200"),
                "no Host at all (HTTP/1.0) comes from no browser: answered");
        assertEquals(200, send(ops, "GET", "/health", null).statusCode(), "the JDK's client sends 127.0.0.1:<port>");
    }

    @Test
    void aClientThatStallsMidRequestDoesNotHoldHealthBack() throws Exception {
        Ops ops = start();
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), ops.httpPort())) {
            stalled.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            assertEquals(200, send(ops, "GET", "/health", null).statusCode());
        }
    }

    @Test
    void noServerAndNoThreadWithoutAPort() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Ops ops = fixture.ops(OpsFixture.config("weft.http.token", TOKEN));
        ops.startServer();
        assertEquals(-1, ops.httpPort());
        List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .map(Thread::getName).filter(name -> name.startsWith("weft-http") || name.startsWith("HTTP-Dispatcher"))
                .collect(Collectors.toList());
        assertEquals(List.of(), started, "no server thread, no worker");
    }

    @AfterEach
    void stop() {
        started.forEach(Ops::stopServer);
    }
}
