package io.weft.agent.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The operations server: the JDK's {@code com.sun.net.httpserver}, bound to 127.0.0.1 only, two daemon
 * worker threads (a client that stalls mid-request holds one: the JDK server has no read timeout of its own
 * but the JVM-wide {@code sun.net.httpserver.maxReqTime}, which Weft leaves to the application). Reads
 * ({@code GET /metrics}, {@code /health}, {@code /}) are open to whoever can reach loopback; calls that change
 * state ({@code POST}) need {@code Authorization: Bearer <weft.http.token>} and are refused entirely when no
 * token is configured.
 *
 * <p>Every request whose {@code Host} names another server is refused ({@code 421}), reads included: a web page
 * whose domain the attacker re-points at 127.0.0.1 (DNS rebinding) reaches this port as its own origin, but its
 * requests carry the attacker's domain as {@code Host}. A request without {@code Host} (HTTP/1.0) is answered:
 * browsers always send one, so such a request is no page's.
 *
 * <p>Every response carries {@code Connection: close}: before JDK 21 the server writes the headers and
 * the body in two packets, and unless the JVM-wide {@code sun.net.httpserver.nodelay} is set, Nagle's
 * algorithm with the client's delayed ACK holds the body back ~40 ms; closing the connection sends it at
 * once, without changing that setting for the application's own servers.
 */
final class OpsServer {

    private static final String JSON = "application/json; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';"
            + " connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Worker threads: one stalled client leaves the other to answer {@code /health}. */
    static final int WORKERS = 2;

    private final Ops ops;
    private final byte[] tokenDigest;
    private final HttpServer server;
    private final ExecutorService workers;

    private OpsServer(Ops ops, WeftConfig config, HttpServer server, ExecutorService workers) {
        this.ops = ops;
        this.tokenDigest = config.httpToken() == null ? null : sha256(config.httpToken());
        this.server = server;
        this.workers = workers;
    }

    /** Binds 127.0.0.1:{@code weft.http.port} and serves until the JVM ends; all its threads are daemons. */
    static OpsServer start(Ops ops, WeftConfig config) throws IOException, InterruptedException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), config.httpPort()), 16);
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(64),
                Background.threads("weft-http"), new ThreadPoolExecutor.AbortPolicy());
        http.setExecutor(workers);
        OpsServer server = new OpsServer(ops, config, http, workers);
        http.createContext("/", server::handle);
        // The JDK names its dispatcher thread and takes its daemon flag from the thread that starts it.
        Thread starter = Background.daemon(http::start, "weft-http-start");
        starter.start();
        starter.join();
        WeftLog.info("operations on http://127.0.0.1:" + server.port() + "/ (status page, /metrics, /health); "
                + (config.httpToken() == null ? "management calls are refused: weft.http.token is not set"
                        : "management calls need the bearer token of weft.http.token"));
        return server;
    }

    void stop() {
        server.stop(0);
        workers.shutdownNow();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        try {
            drain(exchange.getRequestBody());
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if (!forThisServer(exchange.getRequestHeaders().get("Host"))) {
                WeftLog.warnRateLimited("http.host", "refused " + method + " " + path + " from "
                        + exchange.getRemoteAddress().getAddress().getHostAddress() + ": its Host header names another"
                        + " server (a web page reaching loopback through DNS rebinding?)");
                error(exchange, 421, "this server answers only to Host 127.0.0.1:" + port() + " or localhost:" + port());
                return;
            }
            boolean read = method.equals("GET") || method.equals("HEAD");
            switch (path) {
                case "/":
                case "/index.html":
                    if (read) {
                        exchange.getResponseHeaders().set("Content-Security-Policy", PAGE_POLICY);
                        respond(exchange, 200, HTML, StatusPage.render(ops.snapshot(), ops.httpPort()));
                    } else {
                        notAllowed(exchange, "GET, HEAD");
                    }
                    return;
                case "/metrics":
                    if (read) {
                        respond(exchange, 200, PrometheusText.CONTENT_TYPE, PrometheusText.render(ops.snapshot()));
                    } else {
                        notAllowed(exchange, "GET, HEAD");
                    }
                    return;
                case "/health":
                    if (read) {
                        Snapshot snapshot = ops.snapshot();
                        respond(exchange, snapshot.status == Snapshot.Status.DOWN ? 503 : 200, JSON,
                                HealthJson.render(snapshot, ops.httpPort()));
                    } else {
                        notAllowed(exchange, "GET, HEAD");
                    }
                    return;
                default:
                    manage(exchange, method, path);
            }
        } catch (Throwable t) {
            WeftLog.warnRateLimited("http", "the operations server failed on a request: " + t);
            if (exchange.getResponseCode() == -1) {
                try {
                    error(exchange, 500, "internal error: " + t.getClass().getSimpleName());
                } catch (Throwable ignored) {
                    // the connection is closed below
                }
            }
        } finally {
            exchange.close();
        }
    }

    /**
     * Whether the {@code Host} headers name this server: none (not a browser's request), or one that is 127.0.0.1,
     * {@code localhost} or {@code [::1]}, with this server's port or none.
     */
    private boolean forThisServer(List<String> hosts) {
        if (hosts == null || hosts.isEmpty()) {
            return true;
        }
        if (hosts.size() > 1) {
            return false;
        }
        String host = hosts.get(0).trim().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        String name = colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
        String port = name.length() < host.length() ? host.substring(name.length() + 1) : null;
        return (name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]"))
                && (port == null || port.equals(Integer.toString(port())));
    }

    /**
     * {@code POST /enable}, {@code /disable}, {@code /clear}, {@code /caches/<name>/enable|disable|clear}; and
     * {@code GET /caches/<name>/hot}.
     */
    private void manage(HttpExchange exchange, String method, String path) throws IOException {
        String action;
        String cacheName = null;
        if (path.equals("/enable") || path.equals("/disable") || path.equals("/clear")) {
            action = path.substring(1);
        } else if (path.startsWith("/caches/") && path.lastIndexOf('/') > "/caches/".length()) {
            int slash = path.lastIndexOf('/');
            action = path.substring(slash + 1);
            cacheName = URLDecoder.decode(path.substring("/caches/".length(), slash).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
        } else if (path.equals("/store/cleanup")) {
            storeCleanup(exchange, method, path);
            return;
        } else {
            error(exchange, 404, "not found; try /, /metrics or /health");
            return;
        }
        if (action.equals("hot") && cacheName != null) {
            hotKeys(exchange, method, cacheName);
            return;
        }
        if (!action.equals("enable") && !action.equals("disable") && !action.equals("clear")) {
            error(exchange, 404, "no such operation: " + action + " (enable, disable, clear or hot)");
            return;
        }
        if (!method.equals("POST")) {
            notAllowed(exchange, "POST");
            return;
        }
        if (!authorized(exchange, method, path)) {
            return;
        }
        String by = "over HTTP from " + exchange.getRemoteAddress().getAddress().getHostAddress();
        Json json = new Json().object();
        if (cacheName == null) {
            if (action.equals("clear")) {
                json.field("cleared", ops.clearAll(by));
            } else {
                ops.setAgentEnabled(action.equals("enable"), by);
                json.field("enabled", ops.switches().agentEnabled());
            }
        } else {
            NamedCache cache = ops.cache(cacheName);
            if (cache == null) {
                error(exchange, 404, "no cache named " + cacheName);
                return;
            }
            json.field("cache", cache.name());
            if (action.equals("clear")) {
                json.field("cleared", ops.clear(cache, by));
            } else {
                ops.setCacheEnabled(cache, action.equals("enable"), by);
                json.field("enabled", ops.switches().cacheEnabled(cache)).field("active", cache.enabled());
            }
        }
        respond(exchange, 200, JSON, json.end().toString());
    }

    /** {@code POST /store/cleanup}: deletes the expired rows of the database's table now (token needed). */
    private void storeCleanup(HttpExchange exchange, String method, String path) throws IOException {
        if (!method.equals("POST")) {
            notAllowed(exchange, "POST");
            return;
        }
        if (!authorized(exchange, method, path)) {
            return;
        }
        Long deleted = ops.cleanUpStore("over HTTP from " + exchange.getRemoteAddress().getAddress().getHostAddress());
        if (deleted == null) {
            error(exchange, 404, "no database shared level: weft.store.uri is not set, or not connected yet");
        } else if (deleted < 0) {
            error(exchange, 503, "the database failed during the cleanup; see the agent's log");
        } else {
            respond(exchange, 200, JSON, new Json().object().field("deleted", deleted).end().toString());
        }
    }

    /** {@code GET /caches/<name>/hot}: the cache's keys with the most hits here, most first; no token needed (a read). */
    private void hotKeys(HttpExchange exchange, String method, String cacheName) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            notAllowed(exchange, "GET, HEAD");
            return;
        }
        NamedCache cache = ops.cache(cacheName);
        if (cache == null) {
            error(exchange, 404, "no cache named " + cacheName);
            return;
        }
        Json json = new Json().object().field("cache", cache.name()).field("keys", ops.hotKeys(cache)).end();
        respond(exchange, 200, JSON, json.toString());
    }

    /** Whether the request carries the token; if not, answers 403 (no token configured) or 401. */
    private boolean authorized(HttpExchange exchange, String method, String path) throws IOException {
        if (tokenDigest == null) {
            error(exchange, 403, "management calls are refused: no token is configured (set weft.http.token)");
            return false;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
        if (bearer && MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()))) {
            return true;
        }
        WeftLog.warnRateLimited("http.auth", "refused " + method + " " + path + " from "
                + exchange.getRemoteAddress().getAddress().getHostAddress() + ": "
                + (header == null ? "no Authorization header" : bearer ? "wrong token" : "not a bearer token"));
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"weft\"");
        error(exchange, 401, header == null ? "a bearer token is required (Authorization: Bearer <weft.http.token>)"
                : "wrong token");
        return false;
    }

    private static void notAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        error(exchange, 405, "method not allowed; use " + allowed);
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        respond(exchange, status, JSON, new Json().object().field("error", message).end().toString());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Connection", "close");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0 && total < 65536) {
            total += n;
        }
        in.close();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
