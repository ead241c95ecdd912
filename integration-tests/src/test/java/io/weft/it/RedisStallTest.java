package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 and §12: a stall of Redis under misses leaves no lease behind, also for the lookup whose timeout opens the
 * circuit breaker. Once Redis answers, each key's next miss takes its lease, stores its value and is then an L2 hit,
 * without waiting {@code weft.lease.wait} for a load that nobody runs; in one JVM of the {@code levels} app, whose
 * {@code item} cache skips L1 (every call reads Redis). The stall is a {@code kill -STOP}: like {@code CLIENT PAUSE}
 * (the audit's), Redis runs what it received once it goes on, but it goes on when the test says so, not on a clock
 * that a slow machine could outrun.
 */
class RedisStallTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @Test
    void missesDuringAStallLeaveNoLeaseBehind() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                AppJvm app = AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .property("weft.cache.levels:item.l1", "false").property("weft.http.port", "0")
                        .classpath(TestApps.compile("levels", List.of("-g")), Paths.annotationsJar())
                        .main("app.Levels").start()) {
            app.awaitStdout("READY"::equals, CALL);
            Await.until(Duration.ofSeconds(30), "a miss stored in Redis (the scripts known, the connection open)", () -> {
                app.call("item warm", CALL);
                return redis.admin().exists("levels:item:warm") == 1;
            });

            redis.suspend();
            List<String> keys = List.of("s1", "s2", "s3", "s4");
            try {
                for (String key : keys) { // each lookup times out (250 ms); the third opens the breaker, which skips s4
                    app.call("item " + key, CALL);
                }
                assertEquals(1, Metrics.value(app, "weft_redis_breaker_state", "state", "open"),
                        () -> "the stall opened the breaker\n" + app.transcript());
            } finally {
                redis.resume();
            }
            AtomicInteger probes = new AtomicInteger();
            Await.until("the breaker closes once Redis answers", () -> {
                app.call("item probe" + probes.incrementAndGet(), CALL); // a miss: the probe, after the cool-down
                return Metrics.value(app, "weft_redis_breaker_state", "state", "closed") == 1;
            });

            for (String key : keys) {
                String loaded = app.call("item " + key, CALL);
                Await.until("the value of " + key + " in Redis", () -> redis.admin().exists("levels:item:" + key) == 1);
                assertEquals(loaded, app.call("item " + key, CALL), "an L2 hit on " + key);
            }
            assertEquals(0, Metrics.value(app, "weft_cache_lease_waits_total", "cache", "levels:item"),
                    "no miss waited for a lease");
        }
    }
}
