package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12, {@code @CacheResult(sliding = true)}: a hit renews the entry's TTL in L1 (on the runtime's ticker, no
 * sleeping) and in Redis, at most once per tenth of the TTL; an entry nobody hits expires.
 */
class SlidingTtlTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration L1_TTL = Duration.ofHours(1);

    private final Closer closer = new Closer();
    private final FakeTicker ticker = new FakeTicker();
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, L1_TTL.toNanos(), Duration.ofSeconds(5),
            ticker, ticker);
    private RedisFixture redis;

    @AfterEach
    void close() throws Exception {
        closer.close();
    }

    private int session(boolean sliding) {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "user", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return methods.register(new CachedMethod(declared, caches.cache(sliding ? "sessions" : "fixed", true),
                (args, result) -> (sliding ? "session:" : "fixed:") + args[0], scopes.of(getClass().getClassLoader()),
                TTL.toMillis(), TTL.toNanos(), false, true, ResultShape.PLAIN, null, List.of(), sliding, 0));
    }

    /** A cached method's body (its declared type is what Redis values are read as). */
    static String user(String id) {
        return "user " + id;
    }

    private Object call(int id, String arg, String body) {
        return WovenCall.call(runtime, id, arg, body);
    }

    @Test
    void anEntryHitMoreOftenThanItsTtlNeverExpiresAndAnIdleOneDoes() {
        int sliding = session(true);
        int fixed = session(false);
        call(sliding, "1", "v1");
        call(fixed, "1", "v1");
        for (int i = 0; i < 5; i++) {
            ticker.advance(Duration.ofSeconds(6));
            assertEquals("v1", call(sliding, "1", "v" + (i + 2)), "a hit within the TTL renews it");
        }
        assertEquals("v-fixed", call(fixed, "1", "v-fixed"), "30 s later the fixed TTL ran out long ago");

        ticker.advance(TTL);
        assertEquals("v-idle", call(sliding, "1", "v-idle"), "idle for a whole TTL: expired");
        assertEquals(2, caches.find("sessions").stats().misses());
    }

    @Test
    void everyHitRenewsTheEntryInL1EvenSoonAfterItsWrite() {
        int sliding = session(true);
        call(sliding, "1", "v1");
        ticker.advance(Duration.ofMillis(500));
        assertEquals("v1", call(sliding, "1", "v2"), "a hit half a second after the write");
        ticker.advance(TTL.minusMillis(200));
        assertEquals("v1", call(sliding, "1", "v3"), "a TTL after the write but not after the last hit: still there");
        ticker.advance(TTL);
        assertEquals("v-idle", call(sliding, "1", "v-idle"), "a whole TTL after the last hit: expired");
    }

    @Test
    void aHitRenewsTheKeyInRedisAtMostOncePerTenthOfTheTtl() throws Exception {
        RedisStore store = connectToRedis();
        int sliding = session(true);
        call(sliding, "7", "v7");
        Await.until("the value stored in Redis", () -> redis.admin().exists("ns:session:7") == 1);
        redis.admin().pexpire("ns:session:7", 2_000);
        long pexpires = pexpireCalls(redis);

        ticker.advance(Duration.ofMillis(500));
        call(sliding, "7", "unused");
        roundTrip(store);
        assertEquals(pexpires, pexpireCalls(redis), "within the first tenth of the TTL: no renewal");
        assertTrue(redis.admin().pttl("ns:session:7") <= 2_000);

        ticker.advance(Duration.ofMillis(600));
        call(sliding, "7", "unused");
        roundTrip(store);
        assertEquals(pexpires + 1, pexpireCalls(redis), "a tenth of the TTL after the write: one renewal");
        assertTrue(redis.admin().pttl("ns:session:7") > 9_000, "the hit renewed the key's TTL in Redis");

        ticker.advance(Duration.ofMillis(500));
        call(sliding, "7", "unused");
        roundTrip(store);
        assertEquals(pexpires + 1, pexpireCalls(redis), "within a tenth of the TTL of the renewal: no other");

        ticker.advance(Duration.ofMillis(600));
        call(sliding, "7", "unused");
        roundTrip(store);
        assertEquals(pexpires + 2, pexpireCalls(redis), "a tenth of the TTL after the renewal: the next one");
    }

    /**
     * A hit found in Redis (another instance stored the entry, so this one's L1 never held it) renews the key there
     * too: without it, a session used from instance to instance behind a load balancer would expire while in use.
     */
    @Test
    void aHitFoundInRedisRenewsTheKeyThere() throws Exception {
        connectToRedis();
        int sliding = session(true);
        redis.admin().psetex("ns:session:8", 5_000, "\"stored by another instance\"");

        assertEquals("stored by another instance", call(sliding, "8", "unused"), "an L2 hit");
        Await.until("the hit renewed the key's TTL in Redis", () -> redis.admin().pttl("ns:session:8") > 9_000);
    }

    /** Connects the runtime to a private {@code redis-server} ({@link #redis}, namespace {@code ns:}); its store. */
    private RedisStore connectToRedis() throws Exception {
        redis = closer.later(RedisFixture.startLocal(null));
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        RedisStore store = closer.later(new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("sliding")));
        assertTrue(store.awaitOpen(Duration.ofSeconds(10)));
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1)), null,
                "sliding-test", bound -> true);
        return store;
    }

    /**
     * A command on the store's own connection, waited for: Redis answers a connection's commands in order, so any
     * {@code PEXPIRE} a hit sent before it (without waiting) has run once it returns.
     */
    private static void roundTrip(RedisStore store) {
        assertNotNull(store.get("ns:session:7"), "the store's connection answered");
    }

    /** The {@code PEXPIRE} commands this Redis has run ({@code INFO commandstats}). */
    private static long pexpireCalls(RedisFixture redis) {
        for (String line : redis.admin().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_pexpire:")) {
                return Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
            }
        }
        return 0;
    }
}
