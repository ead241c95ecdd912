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
 * SPEC §7 and §6: Redis unresponsive (suspended), then lost and back mid-run, never fails a call nor holds one much
 * longer than {@code weft.redis.timeout}; the circuit breaker opens and the invalidation made during the outage is
 * kept (both read from {@code /metrics}), then published on reconnect with its keys, and applied by the other
 * instance.
 */
class RedisOutageTest {

    private static final String BOOK = "a1ce0000-0000-0000-0000-000000000003";
    private static final String PATH = "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;
    /** The longest a call may take while Redis is unreachable: weft.redis.timeout is 250 ms, so 6 times that. */
    private static final Duration BOUND = Duration.ofMillis(1_500);

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
                // unresponsive: connections open (or accepted by the kernel), no reply ever
                redis.suspend();
                long slowestUnanswered;
                try {
                    slowestUnanswered = slowestCall(List.of(a, b), 10);
                } finally {
                    redis.resume();
                }
                assertTrue(slowestUnanswered < BOUND.toNanos(), "each call waits for the unanswering Redis at most about"
                        + " weft.redis.timeout (250 ms): the slowest took " + slowestUnanswered / 1_000_000 + " ms");
                for (SampleApp app : List.of(a, b)) {
                    Await.until(Duration.ofSeconds(30), "the breaker closes once Redis answers again", () -> {
                        body(app, "/api/v1/storybook/books?user=" + UUID.randomUUID()); // a miss: it consults Redis
                        return Metrics.value(app.jvm(), "weft_redis_breaker_state", "state", "closed") == 1;
                    });
                }

                // down: connections refused
                redis.stop();
                long slowest = slowestCall(List.of(a, b), 20);
                String title = "Written during the outage " + UUID.randomUUID();
                assertEquals(200, a.send("PUT", PATH, "{\"title\":\"" + title + "\"}").statusCode());
                assertTrue(a.get(PATH).contains(title), "the writer evicted its own L1");
                Await.until(Duration.ofSeconds(10), "a's breaker open and its invalidation kept", () -> {
                    PromText metrics = Metrics.of(a.jvm());
                    return metrics.value("weft_redis_breaker_state", "state", "open") == 1
                            && metrics.value("weft_events_publish_pending") >= 1;
                });
                assertTrue(slowest < BOUND.toNanos(), "no call hangs on the dead Redis: the slowest took "
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
                System.out.printf("slowest call while Redis did not answer: %d ms, while it was down: %d ms%n",
                        slowestUnanswered / 1_000_000, slowest / 1_000_000);
            }
        }
    }

    /**
     * Calls each app {@code rounds} times, for its cached book and for the books of a new user (a miss, which
     * consults Redis), and returns the slowest single call in nanoseconds.
     */
    private static long slowestCall(List<SampleApp> apps, int rounds) throws Exception {
        long slowest = 0;
        for (int i = 0; i < rounds; i++) {
            for (SampleApp app : apps) {
                for (String path : List.of(PATH, "/api/v1/storybook/books?user=" + UUID.randomUUID())) {
                    long start = System.nanoTime();
                    app.get(path);
                    slowest = Math.max(slowest, System.nanoTime() - start);
                }
            }
        }
        return slowest;
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
