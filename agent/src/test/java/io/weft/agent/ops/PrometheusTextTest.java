package io.weft.agent.ops;

import io.weft.agent.config.AgentInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.cache.CacheRuntime;
import io.weft.agent.cache.DeclaredMethod;
import io.weft.agent.cache.Invalidation;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.events.EventStreams;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import io.weft.agent.ops.testing.PromText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Prometheus text is read back by a strict parser of the format, never searched as a string. */
class PrometheusTextTest {

    private final OpsFixture fixture = new OpsFixture();

    @Test
    void cacheCountersAreRenderedPerCacheAndLevel() {
        CacheStats books = fixture.caches.cache("storybook:books", true).stats();
        for (int i = 0; i < 7; i++) {
            books.recordL1Hit();
        }
        books.recordL2Hit();
        books.recordL2Hit();
        books.recordMiss();
        books.recordLoad(3_000_000); // 3 ms
        books.recordLoad(40_000_000); // 40 ms
        books.recordLoadFailure();
        books.recordSizeEviction();
        books.recordExpiration();
        books.recordExpiration();
        books.recordInvalidation(InvalidationOrigin.SENT);
        books.recordInvalidation(InvalidationOrigin.RECEIVED);
        books.recordInvalidation(InvalidationOrigin.RECEIVED);
        books.recordL2Unreadable();
        books.recordL2NotStored();
        fixture.caches.cache("tts:voices", false);

        PromText metrics = PromText.parse(PrometheusText.render(snapshot(OpsFixture.config())));

        assertEquals(7, metrics.value("weft_cache_hits_total", "cache", "storybook:books", "level", "l1"));
        assertEquals(2, metrics.value("weft_cache_hits_total", "cache", "storybook:books", "level", "l2"));
        assertEquals(1, metrics.value("weft_cache_misses_total", "cache", "storybook:books"));
        assertEquals(2, metrics.value("weft_cache_load_seconds_count", "cache", "storybook:books"));
        assertEquals(0.043, metrics.value("weft_cache_load_seconds_sum", "cache", "storybook:books"), 1e-9);
        assertEquals(1, metrics.value("weft_cache_load_failures_total", "cache", "storybook:books"));
        assertEquals(1, metrics.value("weft_cache_evictions_total", "cache", "storybook:books", "cause", "size"));
        assertEquals(2, metrics.value("weft_cache_evictions_total", "cache", "storybook:books", "cause", "expired"));
        assertEquals(3, metrics.value("weft_cache_evictions_total", "cache", "storybook:books", "cause", "invalidated"));
        assertEquals(1, metrics.value("weft_cache_invalidations_total", "cache", "storybook:books", "origin", "sent"));
        assertEquals(2, metrics.value("weft_cache_invalidations_total", "cache", "storybook:books", "origin", "received"));
        assertEquals(1, metrics.value("weft_cache_l2_unreadable_total", "cache", "storybook:books"));
        assertEquals(1, metrics.value("weft_cache_l2_not_stored_total", "cache", "storybook:books"));
        assertEquals(1, metrics.value("weft_cache_enabled", "cache", "storybook:books"));
        assertEquals(0, metrics.value("weft_cache_enabled", "cache", "tts:voices"));
        assertEquals(0, metrics.value("weft_cache_hits_total", "cache", "tts:voices", "level", "l1"));
        assertEquals(0, metrics.value("weft_cache_l1_entries", "cache", "tts:voices"));
        assertEquals(10_000, metrics.value("weft_l1_max_size"));
        assertEquals(0, metrics.value("weft_l1_tag_index_entries"), "nothing tagged");
        assertEquals(1, metrics.value("weft_agent_enabled"));
        assertEquals(0, metrics.value("weft_invalidations_sent_total"));
        assertEquals(0, metrics.value("weft_invalidations_received_total"));
        assertFalse(metrics.has("weft_redis_up"), "no Redis metrics without weft.redis.uri");
    }

    @Test
    void batchElementsAreCountedByOutcomeAndTagInvalidationsByOrigin() {
        CacheStats prices = fixture.caches.cache("price", true).stats();
        prices.recordBatch(3, 2, 1, 4);
        prices.recordBatch(5, 0, 0, 0);
        MethodTable methods = new MethodTable();
        CacheRuntime runtime = new CacheRuntime(methods, new LoaderScopes(), 100, TimeUnit.MINUTES.toNanos(1),
                Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
        DeclaredMethod declared = new DeclaredMethod("com.acme.Users", "save", List.of("java.lang.String"),
                List.of("userId"), getClass().getClassLoader());
        int save = methods.register(new Invalidation(declared, List.of(), List.of(),
                List.of((args, result) -> "user:" + args[0], (args, result) -> "team:" + args[0]), false,
                EventStreams.CACHE_INVALIDATED, declared.parameterNames()));
        runtime.invalidate(save, new Object[] {"u1"}, null);
        runtime.evictTags(List.of("user:u2"), false);

        Switches switches = new Switches();
        switches.attach(fixture.caches);
        PromText metrics = PromText.parse(PrometheusText.render(Snapshot.take(new Snapshot.Parts(fixture.caches, runtime,
                methods, () -> null), OpsFixture.config(), switches, null, false)));

        assertEquals(2, metrics.value("weft_cache_batch_calls_total", "cache", "price"));
        assertEquals(8, metrics.value("weft_cache_batch_elements_total", "cache", "price", "outcome", "l1"));
        assertEquals(2, metrics.value("weft_cache_batch_elements_total", "cache", "price", "outcome", "l2"));
        assertEquals(1, metrics.value("weft_cache_batch_elements_total", "cache", "price", "outcome", "joined"));
        assertEquals(4, metrics.value("weft_cache_batch_elements_total", "cache", "price", "outcome", "loaded"));
        assertEquals(9, metrics.value("weft_cache_hits_total", "cache", "price", "level", "l1"), "joined ones are hits");
        assertEquals(4, metrics.value("weft_cache_misses_total", "cache", "price"));
        assertEquals(2, metrics.value("weft_cache_tag_invalidations_total", "origin", "sent"));
        assertEquals(1, metrics.value("weft_cache_tag_invalidations_total", "origin", "received"));
    }

    @Test
    void theLoadHistogramHasCumulativeBucketsInSeconds() {
        CacheStats stats = fixture.caches.cache("c", true).stats();
        stats.recordLoad(1_500); // 1.5 µs
        stats.recordLoad(3_000_000); // 3 ms
        stats.recordLoad(3_000_000);
        stats.recordLoad(2_000_000_000L); // 2 s

        PromText metrics = PromText.parse(PrometheusText.render(snapshot(OpsFixture.config())));

        PromText.Family histogram = metrics.family("weft_cache_load_seconds");
        assertEquals("histogram", histogram.type);
        List<double[]> buckets = new ArrayList<>();
        for (PromText.Sample sample : histogram.samples) {
            if (sample.name.equals("weft_cache_load_seconds_bucket")) {
                buckets.add(new double[] {Double.parseDouble(sample.labels.get("le").replace("+Inf", "Infinity")),
                    sample.value});
            }
        }
        // the parser checked order, cumulativeness and +Inf == _count; here: each load is counted under its bound
        assertEquals(1, countAtOrBelow(buckets, 2.048e-6));
        assertEquals(1, countAtOrBelow(buckets, 0.002097152));
        assertEquals(3, countAtOrBelow(buckets, 0.008388608));
        assertEquals(3, countAtOrBelow(buckets, 0.536870912));
        assertEquals(4, countAtOrBelow(buckets, 2.147483648));
        assertEquals(4, metrics.value("weft_cache_load_seconds_count", "cache", "c"));
    }

    private static double countAtOrBelow(List<double[]> buckets, double le) {
        for (double[] bucket : buckets) {
            if (Math.abs(bucket[0] - le) < 1e-12) {
                return bucket[1];
            }
        }
        throw new AssertionError("no bucket le=" + le);
    }

    @Test
    void everyFamilyHasHelpAndTypeAndCountersEndInTotal() {
        fixture.caches.cache("a", true).stats().recordL1Hit();
        PromText metrics = PromText.parse(PrometheusText.render(snapshot(OpsFixture.config(
                "weft.redis.uri", "redis://127.0.0.1:1"))));
        assertTrue(metrics.families().size() > 20, metrics.families().keySet().toString());
        for (PromText.Family family : metrics.families().values()) {
            assertNotNull(family.help, family.name + " has no HELP");
            assertFalse(family.type.equals("untyped"), family.name + " has no TYPE");
            assertTrue(family.name.startsWith("weft_"), family.name);
            assertEquals(family.type.equals("counter"), family.name.endsWith("_total"), family.name);
            assertFalse(family.samples.isEmpty(), family.name + " has no samples");
        }
    }

    @Test
    void labelValuesAreEscaped() {
        String weird = "quote\" back\\slash\nnew line {x}=,";
        fixture.caches.cache(weird, true).stats().recordMiss();
        PromText metrics = PromText.parse(PrometheusText.render(snapshot(OpsFixture.config())));
        assertEquals(1, metrics.value("weft_cache_misses_total", "cache", weird));
    }

    @Test
    void withoutCachesOnlyTheAgentIsDescribed() {
        Snapshot empty = Snapshot.take(null, OpsFixture.config(), new Switches(), null, true);
        PromText metrics = PromText.parse(PrometheusText.render(empty));
        assertEquals(0, metrics.value("weft_woven_methods"));
        assertFalse(metrics.has("weft_cache_hits_total"));
        assertEquals(1, metrics.value("weft_info", "version", AgentInfo.version(), "java",
                String.valueOf(Runtime.version().feature())));
    }

    @Test
    void anUnconnectedRedisIsDownAndItsPasswordNeverShows() {
        String text = PrometheusText.render(snapshot(OpsFixture.config(
                "weft.redis.uri", "redis://app:s3cret-pass@127.0.0.1:6390/2")));
        PromText metrics = PromText.parse(text);
        assertEquals(0, metrics.value("weft_redis_up"));
        assertFalse(text.contains("s3cret-pass"));
        Snapshot snapshot = snapshot(OpsFixture.config("weft.redis.uri", "redis://app:s3cret-pass@127.0.0.1:6390/2"));
        assertEquals(Snapshot.Status.DEGRADED, snapshot.status);
        String health = HealthJson.render(snapshot, -1);
        assertFalse(health.contains("s3cret-pass"), health);
    }

    @Test
    void theParserIsStrict() {
        String ok = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 1\n";
        PromText.parse(ok);
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a 1"), "no final line feed");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a{x=\"\\t\"} 1\n"), "bad escape");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a{x=\"1\"} 1\na{x=\"1\"} 2\n"), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a 1\n# TYPE a gauge\n"), "TYPE after samples");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a 1\nb 1\na{x=\"2\"} 1\n"), "split group");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a one\n"), "bad value");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("1a 1\n"), "bad name");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("a{__x=\"1\"} 1\n"), "reserved label");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse(
                "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n"),
                "not cumulative");
        assertThrows(IllegalArgumentException.class, () -> PromText.parse(
                "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"), "no +Inf");
    }

    private Snapshot snapshot(io.weft.agent.config.WeftConfig config) {
        Switches switches = new Switches();
        switches.attach(fixture.caches);
        return Snapshot.take(fixture.parts, config, switches, null, true);
    }
}
