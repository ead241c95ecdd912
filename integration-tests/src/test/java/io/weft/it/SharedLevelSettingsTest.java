package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.weft.agent.ops.testing.PromText;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import io.weft.it.support.RedisCli;
import io.weft.it.support.TestApps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 and §7 settings that act on Redis and L1, in one JVM of the {@code levels} app driven call by call:
 * the agent starts while Redis is down, keys land in the database of the URI with {@code weft.ttl}, values
 * above {@code weft.redis.maxValueBytes} stay out of Redis, an unreadable value is a miss whose reload replaces
 * it, the event stream stays near {@code weft.stream.maxlen}, L1 evicts by {@code weft.l1.maxSize}, and values
 * from {@code weft.redis.compress.minBytes} on are stored gzip-compressed and read back.
 */
class SharedLevelSettingsTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final AtomicInteger RETRIES = new AtomicInteger();
    private static RedisFixture redis;
    private static AppJvm app;
    private static String callWhileDown;
    private static long callWhileDownNanos;

    @BeforeAll
    static void startWhileRedisIsDown() throws Exception {
        redis = RedisFixture.startLocal(null);
        redis.stop();
        app = AppJvm.builder().property("weft.redis.uri", redis.uri() + "/2").property("weft.ttl", "7m")
                .property("weft.redis.maxValueBytes", "100")
                .property("weft.redis.compress.minBytes", "30").property("weft.cache.levels:medium.l1", "false").property("weft.stream.maxlen", "20")
                .property("weft.l1.maxSize", "2").property("weft.cache.levels:item.l1", "false")
                .property("weft.cache.levels:repo.l1", "false")
                .property("weft.http.port", "0").classpath(TestApps.compile("levels", List.of("-g")), Paths.annotationsJar())
                .main("app.Levels").start();
        app.awaitStdout("READY"::equals, CALL);
        long start = System.nanoTime();
        callWhileDown = call("small", "down");
        callWhileDownNanos = System.nanoTime() - start;
        Await.until(Duration.ofSeconds(30), "the agent found Redis down", () -> {
            PromText metrics = Metrics.of(app);
            return metrics.has("weft_events_read_failures_total")
                    && metrics.value("weft_events_read_failures_total") >= 1;
        });
        redis.restart();
        Await.until(Duration.ofSeconds(30), "a value stored in Redis once it answers",
                () -> call("small", "up-" + RETRIES.incrementAndGet()) != null
                        && !db2().keys("levels:small:up-*").isEmpty());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        redis.close();
    }

    /** Redis as the test reads it: database 2, the one in the agent's URI. */
    private static RedisCommands<String, String> db2() {
        RedisCommands<String, String> admin = redis.admin();
        admin.select(2);
        return admin;
    }

    /** Calls {@code method(argument)} in the app and returns {@code <result> runs=<n>}. */
    private static String call(String method, String argument) {
        return app.call(method + " " + argument, CALL);
    }

    @Test
    void callsWorkWhileRedisIsDownAtStartAndRedisIsUsedOnceItAnswers() {
        assertEquals("s-down runs=1", callWhileDown);
        assertTrue(callWhileDownNanos < Duration.ofSeconds(2).toNanos(), "the call made while Redis was down waited"
                + " for it at most about weft.redis.timeout (250 ms): " + callWhileDownNanos / 1_000_000 + " ms");
        assertTrue(db2().exists("levels:small:down") == 0, "nothing was stored while Redis was down");
        System.out.printf("the call made while Redis was down took %d ms%n", callWhileDownNanos / 1_000_000);
    }

    @Test
    void keysLandInTheDatabaseOfTheUriWithTheDefaultTtl() throws Exception {
        call("small", "ttl");
        Await.until("the value in database 2", () -> db2().exists("levels:small:ttl") == 1);
        long ttl = db2().pttl("levels:small:ttl");
        assertTrue(ttl > Duration.ofMinutes(6).toMillis() && ttl <= Duration.ofMinutes(7).toMillis(),
                "weft.ttl=7m, PTTL " + ttl);
        assertEquals("0", RedisCli.run(redis, "-n", "0", "DBSIZE"), "nothing in database 0");
    }

    @Test
    void valuesLargerThanMaxValueBytesAreNotStoredInRedis() {
        assertEquals("1000 runs=1", call("big", "x"));
        Await.until("the value counted as not stored",
                () -> Metrics.value(app, "weft_cache_l2_not_stored_total", "cache", "levels:big") == 1);
        assertEquals(0, db2().exists("levels:big:x"));
    }

    @Test
    void valuesFromCompressMinBytesOnAreStoredAsGzipAndReadBack() {
        assertEquals("60 runs=1", call("medium", "z"));
        Await.until("the value in Redis", () -> db2().exists("levels:medium:z") == 1);
        List<Long> firstBytes = db2().eval("return {string.byte(redis.call('GET', KEYS[1]), 1, 2)}",
                ScriptOutputType.MULTI, "levels:medium:z");
        assertEquals(List.of(0x1fL, 0x8bL), firstBytes, "the gzip magic bytes first");
        long stored = db2().strlen("levels:medium:z");
        assertTrue(stored < 62, "smaller than its 62 bytes of JSON");
        assertTrue(Metrics.value(app, "weft_cache_l2_compressed_total", "cache", "levels:medium") >= 1);
        assertTrue(Metrics.value(app, "weft_cache_l2_compressed_bytes_saved_total", "cache", "levels:medium")
                >= 62 - stored, "the bytes compression saved are counted");
        assertEquals("60 runs=1", call("medium", "z"), "an L2 hit (the cache skips L1) decodes it");
        assertEquals("\"s-ttl\"", plainValueOf("ttl"), "a value below the threshold stays plain JSON");
    }

    /**
     * SPEC §5, §7: a generic DAO's {@code T find(key)} (here with no L1, so every call would read Redis) is never
     * read back from the shared level as {@code T}'s bound, a {@code LinkedHashMap} the caller cannot cast: its values
     * stay in L1 only (none here: the body runs each time), with one warning naming the method.
     */
    @Test
    void aGenericDaosValuesAreNotReadBackAsMaps() {
        assertEquals("a runs=1", call("repo", "a"));
        assertEquals("a runs=2", call("repo", "a"), "not a ClassCastException from a map read back from Redis");
        assertEquals(0, db2().exists("levels:repo:a"), "nothing stored in Redis");
        assertTrue(app.stderr().stream().anyMatch(l -> l.contains("values of app.Levels$Repo#find are cached in L1 only")),
                app.transcript());
    }

    private static String plainValueOf(String key) {
        call("small", key);
        Await.until("the value in Redis", () -> db2().exists("levels:small:" + key) == 1);
        return db2().get("levels:small:" + key);
    }

    /** SPEC §12: hits renew a sliding entry in Redis, so it outlives its TTL while it is used. */
    @Test
    void aSlidingEntryUsedMoreOftenThanItsTtlOutlivesIt() {
        assertEquals("session-s runs=1", call("session", "s"));
        Await.until("the session in Redis with its 3 s TTL", () -> db2().pttl("levels:session:s") > 2_000);
        for (int i = 0; i < 3; i++) {
            Await.until(Duration.ofSeconds(5), "a second of the TTL gone", () -> db2().pttl("levels:session:s") < 2_000);
            assertEquals("session-s runs=1", call("session", "s"), "a hit, " + (i + 1) + " s or more after the load");
            Await.until(Duration.ofSeconds(5), "the hit renewed the TTL in Redis", () -> db2().pttl("levels:session:s") > 2_500);
        }
        assertEquals("session-s runs=1", call("session", "s"), "still cached, past its 3 s TTL");
    }

    /** SPEC §12: after its TTL, a value kept for staleIfError stands in for the method's exception. */
    @Test
    void aValuePastItsTtlIsReturnedWhenTheMethodThrows() {
        assertEquals("f-x runs=1", call("flaky", "x"));
        Await.until("the value in Redis for TTL + staleIfError", () -> db2().pttl("levels:flaky:x") > 60_000);
        Await.until(Duration.ofSeconds(5), "its 1 s TTL over", () -> db2().pttl("levels:flaky:x") <= 60_000);
        call("down", "true");
        try {
            assertEquals("f-x runs=2", call("flaky", "x"), "the body ran, threw, and the stale value came back");
            assertEquals("threw runs=3", call("flaky", "never-cached"), "without a value the exception propagates");
            assertEquals(1, Metrics.value(app, "weft_cache_stale_served_total", "cache", "levels:flaky"));
        } finally {
            call("down", "false");
        }
    }

    @Test
    void anUnreadableValueInRedisIsACountedMissWhoseReloadReplacesIt() {
        assertEquals("Item[key=u, version=1] runs=1", call("item", "u"));
        Await.until("the value in Redis", () -> db2().exists("levels:item:u") == 1);
        assertEquals("Item[key=u, version=1] runs=1", call("item", "u"), "an L2 hit (the cache skips L1)");
        db2().set("levels:item:u", "{not json");
        assertEquals("Item[key=u, version=2] runs=2", call("item", "u"), "the unreadable value is a miss");
        assertEquals(1, Metrics.value(app, "weft_cache_l2_unreadable_total", "cache", "levels:item"));
        Await.until("the reload stored in Redis in place of the unreadable value", () -> {
            String stored = db2().get("levels:item:u");
            return stored != null && !"{not json".equals(stored);
        });
        assertEquals("Item[key=u, version=2] runs=2", call("item", "u"), "an L2 hit on the reload (SPEC §5)");
    }

    @Test
    void theEventStreamStaysNearItsMaxlen() {
        call("touch", "500");
        Await.until(Duration.ofSeconds(30), "the 500 events published",
                () -> Metrics.value(app, "weft_events_published_total") >= 500);
        long length = db2().xlen("events:cache.invalidated");
        assertTrue(length > 0 && length <= 250, "weft.stream.maxlen=20 (approximate), XLEN " + length);
    }

    @Test
    void l1EvictsBySizeBeyondItsMaxSize() {
        double before = Metrics.value(app, "weft_cache_evictions_total", "cache", "levels:small", "cause", "size");
        for (String key : List.of("e1", "e2", "e3")) {
            call("small", key);
        }
        Await.until("an entry evicted by size (weft.l1.maxSize=2)", () -> Metrics.value(app,
                "weft_cache_evictions_total", "cache", "levels:small", "cause", "size") > before);
    }
}
