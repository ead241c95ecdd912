package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §13, {@code weft.warm=true} across two agent JVMs on one Redis: an instance started after another served
 * 500 keys fills its L1 from Redis once connected, then answers the first 500 requests for them from its L1 and
 * runs the method for none of them.
 */
class WarmStartAcrossJvmsTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final int KEYS = 500;

    @Test
    void anInstanceStartedAfterAnotherServedHotKeysAnswersThemFromItsL1WithoutRunningTheMethod() throws Exception {
        Path classes = TestApps.compile("levels", List.of("-g"));
        String ns = "warm-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (Closer closer = new Closer()) {
            RedisFixture redis = closer.later(RedisFixture.start());
            AppJvm first = closer.later(start(classes, redis, ns));
            first.awaitStdout("READY"::equals, CALL);
            List<String> served = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                served.add(value(first.call("item k" + i, CALL)));
            }
            for (int i = 0; i < KEYS; i++) {
                assertEquals(served.get(i), value(first.call("item k" + i, CALL)), "an L1 hit in the first instance");
            }
            Await.until(Duration.ofSeconds(15), "the first instance's most-hit keys recorded",
                    () -> redis.admin().zcard(ns + "weft-warm:levels:item") == KEYS);

            AppJvm second = closer.later(start(classes, redis, ns));
            second.awaitStdout("READY"::equals, CALL);
            // as a load balancer waits for readiness: Redis connected and the L1 filled, seconds after the start
            second.awaitStderr(line -> line.contains("warm start: filled") && line.contains("cache levels:item "), CALL);
            for (int i = 0; i < KEYS; i++) {
                String reply = second.call("item k" + i, CALL);
                assertEquals(served.get(i), value(reply), "k" + i + " as the first instance loaded it");
                assertTrue(reply.endsWith(" runs=0"), "the method never ran in the second instance: " + reply);
            }
            double l1 = Metrics.value(second, "weft_cache_hits_total", "cache", "levels:item", "level", "l1");
            assertTrue(l1 >= 0.9 * KEYS, "at least 90 % of the first " + KEYS + " requests from L1: " + l1);
            assertTrue(Metrics.value(second, "weft_cache_warmed_total", "cache", "levels:item") >= 0.9 * KEYS);
        }
    }

    private static AppJvm start(Path classes, RedisFixture redis, String ns) throws Exception {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", ns)
                .property("weft.warm", "true").property("weft.warm.interval", "1s").property("weft.http.port", "0")
                .classpath(classes, Paths.annotationsJar()).main("app.Levels").start();
    }

    /** The value of a reply {@code <value> runs=<n>}. */
    private static String value(String reply) {
        return reply.substring(0, reply.lastIndexOf(" runs="));
    }
}
