package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §13, batch methods in two agent JVMs on one private Redis: a batch calls its method once with exactly the
 * elements that are cached nowhere, in the declared kind (list, set, array) and the caller's order; it shares its
 * entries (the same keys and JSON) with a single-element method in the other JVM; a fully cached batch calls
 * nothing; an invalidation of {@code price:{skus[*]}} evicts each element in Redis and in the other JVM; and 1,000
 * SKUs of which 900 are in Redis cost two scripts.
 */
class BatchMethodsTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    private String ns;
    private RedisFixture redis;

    @Test
    void batchesCallTheirMethodWithTheMissingElementsOnlyAndShareEntriesAcrossJvms() throws Exception {
        try (Closer closer = new Closer()) {
            List<AppJvm> apps = startTwo(closer);
            AppJvm a = apps.get(0);
            AppJvm b = apps.get(1);
            assertEquals("Price[sku=a, cents=100] calls= singles=2", a.call("price a", CALL));
            Await.until("a's price in Redis", () -> redis.admin().exists(key("a")) == 1);

            assertEquals("a=100,bb=200,ccc=300 calls=list:bb,ccc singles=1", b.call("prices list a,bb,ccc", CALL),
                    "a read from Redis as the single-element method stored it");
            assertEquals("dddd=400,a=100,ccc=300 calls=set:dddd singles=1", b.call("prices set dddd,a,ccc", CALL));
            assertEquals("eeeee=500,bb=200 calls=array:eeeee,none singles=1", b.call("prices array eeeee,bb,none", CALL), "a SKU without a price is left out");
            Await.until("b's prices in Redis", () -> redis.admin().exists(key("bb"), key("dddd"), key("eeeee")) == 3);
            assertEquals(redis.admin().get(key("a")).replace("\"a\"", "\"bb\"").replace("100", "200"),
                    redis.admin().get(key("bb")), "the same JSON from both methods");

            assertEquals("Price[sku=bb, cents=200] calls= singles=2", a.call("price bb", CALL),
                    "the single-element method reads what the batch stored");
            assertEquals("bb=200,a=100 calls= singles=2", a.call("prices list bb,a", CALL), "all cached: no call");

            b.call("reprice a,bb", CALL);
            assertEquals(0, redis.admin().exists(key("a"), key("bb")), "each element deleted from Redis");
            Await.until("the event", () -> last(ns + "events:prices.changed") != null);
            String event = last(ns + "events:prices.changed");
            assertTrue(event.contains("\"keys\":[\"price:a\",\"price:bb\"]"), event);
            Await.until(Duration.ofSeconds(10), "a evicts a", () -> a.call("price a", CALL).endsWith("singles=3"));
            assertEquals("a=100,bb=200,ccc=300 calls=list:bb singles=3", a.call("prices list a,bb,ccc", CALL),
                    "bb evicted too; ccc read from Redis");
        }
    }

    @Test
    void aThousandSkusWithNineHundredInRedisCostTwoScripts() throws Exception {
        try (Closer closer = new Closer()) {
            List<AppJvm> apps = startTwo(closer);
            AppJvm a = apps.get(0);
            AppJvm b = apps.get(1);
            a.call("prices list " + skus(0, 900), CALL);
            Await.until("900 in Redis", () -> redis.values(ns + "price:s*") == 900);
            long scripts = redis.scriptCalls();

            String reply = b.call("prices list " + skus(0, 1000), CALL);

            assertTrue(reply.endsWith(" calls=list:" + skus(900, 1000) + " singles=1"), reply);
            assertTrue(reply.startsWith("s0=200,s1=200,"), reply);
            Await.until("1,000 in Redis", () -> redis.values(ns + "price:s*") == 1000);
            assertEquals(2, redis.scriptCalls() - scripts, "one lookup and one store script");
        }
    }

    /**
     * A private Redis (its command counts are this test's alone) and two JVMs of the app, each reading events and
     * having called its single-element method once with a SKU of its own.
     */
    private List<AppJvm> startTwo(Closer closer) throws Exception {
        Path classes = TestApps.compile("batches", List.of("-g"));
        ns = "batch-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        redis = closer.later(RedisFixture.startLocal(null));
        List<AppJvm> apps = List.of(closer.later(start(classes)), closer.later(start(classes)));
        for (AppJvm app : apps) {
            app.awaitStdout("READY"::equals, CALL);
            app.call("price warmup" + app.pid(), CALL);
            app.awaitStderr(line -> line.contains("reading invalidation events"), CALL);
            // a call made while Redis was still being connected is stored once it is (with scripts of its own):
            // done before a test counts the scripts of its calls
            Await.until("the warm-up value of " + app.pid() + " in Redis",
                    () -> redis.admin().exists(key("warmup" + app.pid())) == 1);
        }
        return apps;
    }

    private static String skus(int from, int to) {
        List<String> skus = new ArrayList<>();
        for (int i = from; i < to; i++) {
            skus.add("s" + i);
        }
        return String.join(",", skus);
    }

    private AppJvm start(Path classes) throws Exception {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", ns)
                .property("weft.redis.timeout", "2s").classpath(classes, Paths.annotationsJar()).main("app.Prices")
                .start();
    }

    private String key(String sku) {
        return ns + "price:" + sku;
    }

    private String last(String stream) {
        List<StreamMessage<String, String>> entries = redis.admin().xrevrange(stream, Range.create("-", "+"),
                Limit.from(1));
        return entries.isEmpty() ? null : entries.get(0).getBody().get("event");
    }
}
