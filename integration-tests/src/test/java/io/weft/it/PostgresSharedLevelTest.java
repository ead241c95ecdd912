package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Postgres;
import io.weft.it.support.SampleApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §14: two sample-app instances sharing an L2 in a PostgreSQL table of their own, with no Redis, while the
 * application uses its own PostgreSQL driver on the same database: a value loaded by one is a hit on the other,
 * a write on one evicts on the other through the events table, values outlive a restart, the instances come
 * back after their connections are killed, and the cleanup runs over HTTP and is counted.
 */
class PostgresSharedLevelTest {

    private static final String BOOK = "a1ce0000-0000-0000-0000-000000000002";
    private static final String TOKEN = "pg-" + UUID.randomUUID();

    private static String table;
    private static String namespace;
    private static SampleApp a;
    private static SampleApp b;

    @BeforeAll
    static void start() throws Exception {
        table = Postgres.randomTable();
        namespace = "it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        a = started("a");
        b = started("b");
    }

    private static SampleApp started(String name) throws Exception {
        SampleApp app = SampleApp.start(AppJvm.builder().property("weft.store.uri", Postgres.URL)
                .property("weft.store.table", table).property("weft.store.timeout", "2s")
                .property("weft.namespace", namespace).property("sample.db.url", Postgres.URL)
                .property("weft.http.port", "0").property("weft.http.token", TOKEN).property("sample.instance", name));
        app.jvm().awaitStderr(line -> line.contains("reading invalidation events"), Duration.ofSeconds(30));
        return app;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (SampleApp app : new SampleApp[] {a, b}) {
                if (app != null) {
                    app.close();
                }
            }
        } finally {
            Postgres.drop(table);
        }
    }

    private static String bookPath() {
        return "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;
    }

    private static String storedValue() {
        try {
            return Postgres.query("SELECT convert_from(value, 'UTF8') FROM " + table + " WHERE key = '" + namespace
                    + "storybook:book:" + BOOK + "' AND value IS NOT NULL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aValueLoadedByOneInstanceIsAnL2HitOnTheOther() throws Exception {
        a.send("PUT", bookPath(), "{\"title\":\"Round trip " + UUID.randomUUID() + "\"}");
        String body = a.get(bookPath());
        Await.until(Duration.ofSeconds(10), "the book in the table", () -> storedValue() != null);
        assertTrue(storedValue().startsWith("{\"book\":{\"id\":\"" + BOOK + "\""), storedValue());
        long loads = b.bodyRuns("getBook");
        Await.until(Duration.ofSeconds(10), "b serves a's value (once a's event evicted b's L1)", () -> {
            try {
                return b.get(bookPath()).equals(body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(loads, b.bodyRuns("getBook"), "b read a's value from the table");
    }

    @Test
    void aWriteOnOneInstanceEvictsTheEntryOnTheOther() throws Exception {
        b.get(bookPath());
        long loads = b.bodyRuns("getBook");
        b.get(bookPath());
        assertEquals(loads, b.bodyRuns("getBook"), "cached in b");
        String title = "Edited on a " + UUID.randomUUID();
        assertEquals(200, a.send("PUT", bookPath(), "{\"title\":\"" + title + "\"}").statusCode());
        Await.until(Duration.ofSeconds(10), "b serves the new title", () -> servesTitle(b, title));
        String event = Postgres.query("SELECT event FROM " + table + "_events WHERE event LIKE '%" + BOOK
                + "%' ORDER BY id DESC LIMIT 1");
        assertTrue(event.startsWith("{\"type\":\"book.updated\",\"payload\":{\"keys\":[\"storybook:book:" + BOOK), event);
    }

    private static boolean servesTitle(SampleApp app, String title) {
        try {
            return app.get(bookPath()).contains(title);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void valuesOutliveARestartOfTheInstance() throws Exception {
        String body = a.get(bookPath());
        Await.until(Duration.ofSeconds(10), "the book in the table", () -> storedValue() != null);
        b.close();
        b = started("b");
        assertEquals(body, b.get(bookPath()));
        assertEquals(0, b.bodyRuns("getBook"), "the restarted instance read the table");
    }

    @Test
    void killedConnectionsComeBackAndEvictionsGoOn() throws Exception {
        b.get(bookPath());
        b.get(bookPath());
        long loads = b.bodyRuns("getBook");
        double applied = metric(b, "weft_events_applied_total");
        double gapClears = metric(b, "weft_events_gap_clears_total");
        int logged = b.jvm().stderr().size();
        assertTrue(Postgres.terminateAgentConnections(a.jvm().pid()) > 0, "a's reader at least was connected");
        assertTrue(Postgres.terminateAgentConnections(b.jvm().pid()) > 0, "b's reader at least was connected");
        String title = "After the kill " + UUID.randomUUID();
        assertEquals(200, a.send("PUT", bookPath(), "{\"title\":\"" + title + "\"}").statusCode());
        Await.until(Duration.ofSeconds(20), "b serves the new title", () -> servesTitle(b, title));
        Await.until(Duration.ofSeconds(10), "b's reader reconnected",
                () -> metric(b, "weft_events_reader_up") == 1 && metric(b, "weft_redis_up") == 1);
        assertEquals(loads + 1, b.bodyRuns("getBook"), "b loaded the book once, after the eviction");
        Await.until(Duration.ofSeconds(10), "a's event counted as applied by b",
                () -> metric(b, "weft_events_applied_total") > applied);
        assertEquals(gapClears, metric(b, "weft_events_gap_clears_total"),
                "b's fresh value came from a's event, not from a clear of its L1 on reconnect");
        List<String> stderr = b.jvm().stderr();
        assertTrue(stderr.subList(logged, stderr.size()).stream()
                .noneMatch(line -> line.contains("cleared the local cache")), b.jvm().transcript());
    }

    private static double metric(SampleApp app, String name) {
        try {
            return Metrics.value(app.jvm(), name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cleanupRunsOverHttpAndIsCounted() throws Exception {
        Postgres.execute("INSERT INTO " + table + " (key, value, expires_at, size) SELECT '" + namespace
                + "expired:' || i, '\\x7b7d', now() - interval '1 second', 2 FROM generate_series(1, 3) i");
        double before = Metrics.value(a.jvm(), "weft_store_expired_deleted_total");
        HttpResponse<String> unauthorized = post(a, "/store/cleanup", null);
        assertEquals(401, unauthorized.statusCode(), unauthorized.body());
        HttpResponse<String> cleaned = post(a, "/store/cleanup", TOKEN);
        assertEquals(200, cleaned.statusCode(), cleaned.body());
        assertEquals("{\"deleted\":3}", cleaned.body());
        assertEquals(before + 3, Metrics.value(a.jvm(), "weft_store_expired_deleted_total"));
        assertTrue(Metrics.value(a.jvm(), "weft_store_bytes") > 0);
        assertNotNull(a.jvm().awaitStderr(line -> line.contains("cleanup: deleted 3 expired entries in "),
                Duration.ofSeconds(5)));
        String health = get(a, "/health");
        assertTrue(health.contains("\"kind\":\"PostgreSQL\"") && health.contains("\"store\":{"), health);
    }

    private static HttpResponse<String> post(SampleApp app, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Metrics.port(app.jvm()) + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(SampleApp app, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + Metrics.port(app.jvm()) + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
