package io.weft.it.ops;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.ops.testing.PromText;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.SampleApp;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11, health that tells the truth: a Redis that is full ({@code maxmemory} reached with {@code noeviction})
 * answers every write with {@code OOM}. The sample service keeps serving every call (its method bodies run), the
 * breaker opens, {@code /health} is {@code DEGRADED} and quotes Redis's reply, and
 * {@code weft_redis_errors_total{reason="oom"}} counts it.
 */
class RedisOutOfMemoryTest {

    @Test
    void aFullRedisIsReportedAsFullAndCallsGoOn() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                SampleApp app = SampleApp.start(AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .property("weft.namespace", "oom:").property("weft.http.port", "0"))) {
            app.jvm().awaitStderr(l -> l.contains("reading invalidation events"), Duration.ofSeconds(30));
            app.get("/api/v1/storybook/books?user=" + ALICE);
            int port = Operator.port(app.jvm());
            assertTrue(Operator.get(port, "/health").startsWith("{\"status\":\"UP\""));

            redis.admin().configSet("maxmemory-policy", "noeviction");
            redis.admin().configSet("maxmemory", "1");
            long runs = app.bodyRuns("getBooks");
            for (int i = 0; i < 20; i++) {
                app.get("/api/v1/storybook/books?user=" + UUID.randomUUID()); // a miss: a lease to write, refused
            }

            assertEquals(runs + 20, app.bodyRuns("getBooks"), "every call was served by its method");
            PromText metrics = Metrics.of(app.jvm());
            assertTrue(metrics.value("weft_redis_errors_total", "reason", "oom") >= 3,
                    metrics.family("weft_redis_errors_total").samples.toString());
            String health = Operator.get(port, "/health");
            assertEquals(1, metrics.value("weft_redis_breaker_state", "state", "open"), health);
            assertEquals(0, metrics.value("weft_redis_up"));
            assertTrue(health.startsWith("{\"status\":\"DEGRADED\""), health);
            assertTrue(health.contains("its last error reply: OOM command not allowed when used memory > 'maxmemory'."),
                    health);

            redis.admin().configSet("maxmemory", "0");
            Await.until(Duration.ofSeconds(20), "the breaker closes once Redis takes writes again", () -> {
                try {
                    app.get("/api/v1/storybook/books?user=" + UUID.randomUUID());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return Metrics.value(app.jvm(), "weft_redis_breaker_state", "state", "closed") == 1;
            });
        }
    }
}
