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
    /** Another of Alice's books: the warm-up's key, so that the measured calls of {@link #BOOK} start with a miss. */
    private static final String WARM_UP_BOOK = "a1ce0000-0000-0000-0000-000000000001";
    /** {@code weft.store.timeout}: each command to the database is given up after this. */
    private static final Duration STORE_TIMEOUT = Duration.ofMillis(250);
    /**
     * The bound on each measured call: 12 store timeouts, room for the few commands a call may wait for (the wait
     * for the store being connected, the lookup) on a busy machine, each cut at the timeout.
     */
    private static final Duration CALL_BOUND = STORE_TIMEOUT.multipliedBy(12);

    @Test
    void aDatabaseThatDoesNotAnswerNeverBreaksTheApplication() throws Exception {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + FreePorts.freePort() + "/test?user=postgres";
        try (SampleApp app = SampleApp.start(AppJvm.builder().property("weft.store.uri", nowhere)
                .property("weft.store.table", Postgres.randomTable())
                .property("weft.store.timeout", STORE_TIMEOUT.toMillis() + "ms")
                .property("weft.namespace", "it-" + UUID.randomUUID() + ":").property("sample.db.url", Postgres.URL)
                .property("weft.http.port", "0"))) {
            String path = "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;
            // not measured: the first request of a new JVM loads the classes of the whole request path (the app's,
            // its JDBC driver's and Weft's miss path through the unreachable store), seconds on a busy machine
            app.get("/api/v1/storybook/books/" + WARM_UP_BOOK + "?user=" + ALICE);
            long runsBefore = app.bodyRuns("getBook");
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                app.get(path);
                long took = System.nanoTime() - started;
                assertTrue(took < CALL_BOUND.toNanos(), "call " + i + " (the first a miss) was bounded: "
                        + took / 1_000_000 + " ms");
            }
            assertEquals(runsBefore + 1, app.bodyRuns("getBook"), "the first call loaded, the others were L1 hits");
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
