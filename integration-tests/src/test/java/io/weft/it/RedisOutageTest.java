package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.ops.testing.PromText;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.SampleApp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 and §6: Redis lost and back mid-run never fails a call; the circuit breaker opens and the
 * invalidation made during the outage is kept (both read from {@code /metrics}), then published on
 * reconnect with its keys, and applied by the other instance.
 */
class RedisOutageTest {

    private static final String BOOK = "a1ce0000-0000-0000-0000-000000000003";
    private static final String PATH = "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;

    @Test
    void callsSucceedThroughAnOutageAndInvalidationsArriveAfterIt() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            String namespace = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            try (SampleApp a = SampleApp.start(instance(redis, namespace));
                    SampleApp b = SampleApp.start(instance(redis, namespace))) {
                for (SampleApp app : List.of(a, b)) {
                    app.jvm().awaitStderr(l -> l.contains("reading invalidation events"), Duration.ofSeconds(30));
                    app.get(PATH);
                }
                redis.stop();

                long slowest = 0;
                for (int i = 0; i < 20; i++) {
                    for (SampleApp app : List.of(a, b)) {
                        long start = System.nanoTime();
                        app.get(PATH);
                        app.get("/api/v1/storybook/books?user=" + ALICE);
                        slowest = Math.max(slowest, System.nanoTime() - start);
                    }
                }
                String title = "Written during the outage " + UUID.randomUUID();
                assertEquals(200, a.send("PUT", PATH, "{\"title\":\"" + title + "\"}").statusCode());
                assertTrue(a.get(PATH).contains(title), "the writer evicted its own L1");
                Await.until(Duration.ofSeconds(10), "a's breaker open and its invalidation kept", () -> {
                    PromText metrics = Metrics.of(a.jvm());
                    return metrics.value("weft_redis_breaker_state", "state", "open") == 1
                            && metrics.value("weft_events_publish_pending") >= 1;
                });
                assertTrue(slowest < Duration.ofSeconds(5).toNanos(), "no call hangs on the dead Redis: "
                        + slowest / 1_000_000 + " ms");

                redis.restart();
                Await.until(Duration.ofSeconds(30), "b serves the title written during the outage",
                        () -> body(b, PATH).contains(title));
                Await.until(Duration.ofSeconds(30), "a's breaker closes and its pending invalidation is sent", () -> {
                    body(a, "/api/v1/storybook/books?user=" + UUID.randomUUID()); // a miss: it consults Redis
                    PromText metrics = Metrics.of(a.jvm());
                    return metrics.value("weft_redis_breaker_state", "state", "closed") == 1
                            && metrics.value("weft_events_publish_pending") == 0;
                });
                List<StreamMessage<String, String>> events =
                        redis.admin().xrange(namespace + "events:cache.invalidated", Range.create("-", "+"));
                assertTrue(events.stream().anyMatch(e -> e.getBody().get("event").contains("\"keys\":[\"storybook:book:"
                        + BOOK + "\",\"storybook:books:" + ALICE + "\"]")), "the kept invalidation, sent: " + events);
                Await.until(Duration.ofSeconds(10), "b applied a's event (not only a cleared L1)",
                        () -> Metrics.value(b.jvm(), "weft_events_applied_total") >= 1);
                System.out.printf("slowest pair of calls during the outage: %d ms%n", slowest / 1_000_000);
            }
        }
    }

    /** GET expecting 200, unchecked for use inside {@code Await.until}. */
    private static String body(SampleApp app, String path) {
        try {
            return app.get(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AppJvm.Builder instance(RedisFixture redis, String namespace) {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.http.port", "0").property("sample.db.url", CrossInstanceTest.POSTGRES);
    }
}
