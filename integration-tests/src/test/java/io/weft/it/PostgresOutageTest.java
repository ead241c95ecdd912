package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.it.support.AppJvm;
import io.weft.it.support.FreePorts;
import io.weft.it.support.Metrics;
import io.weft.it.support.Postgres;
import io.weft.it.support.SampleApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §14 and §7: an instance whose {@code weft.store.uri} names a port where no database answers still serves
 * every call (L1 and the method), each within a bounded time, and reports the database as down; the
 * application's own database (the same server, on its own driver) is unaffected.
 */
class PostgresOutageTest {

    private static final String BOOK = "a1ce0000-0000-0000-0000-000000000002";

    @Test
    void aDatabaseThatDoesNotAnswerNeverBreaksTheApplication() throws Exception {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + FreePorts.freePort() + "/test?user=postgres";
        try (SampleApp app = SampleApp.start(AppJvm.builder().property("weft.store.uri", nowhere)
                .property("weft.store.table", Postgres.randomTable()).property("weft.store.timeout", "250ms")
                .property("weft.namespace", "it-" + UUID.randomUUID() + ":").property("sample.db.url", Postgres.URL)
                .property("weft.http.port", "0"))) {
            String path = "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                app.get(path);
                assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "call " + i + " was bounded");
            }
            assertEquals(1, app.bodyRuns("getBook"), "the first call loaded, the others were L1 hits");
            String title = "While the cache's database is away " + UUID.randomUUID();
            assertEquals(200, app.send("PUT", path, "{\"title\":\"" + title + "\"}").statusCode());
            assertTrue(app.get(path).contains(title), "the write evicted L1");
            Await.until(Duration.ofSeconds(20), "the breaker open", () -> {
                try {
                    return Metrics.value(app.jvm(), "weft_redis_breaker_state", "state", "open") == 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(0, Metrics.value(app.jvm(), "weft_redis_up"));
            assertTrue(Metrics.value(app.jvm(), "weft_events_publish_pending") >= 1, "the write's event is kept");
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + Metrics.port(app.jvm()) + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(health.body().contains("\"kind\":\"PostgreSQL\"") && health.body().contains("does not answer"),
                    health.body());
        }
    }
}
