package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A lookup that Redis answers too late does not leave its lease behind (nobody could store the key for 30 s); a key
 * whose delete failed is read neither by a lookup nor by a warm start's read of values.
 */
class SharedLevelLeaseTest {

    /** The cached method's body: its declared type is what values are read from Redis as. */
    static String find(String id) {
        return id;
    }

    /** {@link #find} as a cached method of cache {@code books}, keys {@code books:<id>}. */
    private CachedMethod find() {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "find", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return new CachedMethod(declared, new CacheRegistry().cache("books", true), (args, result) -> "books:" + args[0],
                new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0);
    }

    @Test
    void aLookupThatTimesOutGivesBackTheLeaseItsScriptTookLater() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                RedisEndpoint endpoint = new RedisEndpoint(redis.uri());
                RedisStore store = new RedisStore(endpoint, Duration.ofMillis(150), new CircuitBreaker("lease test"))) {
            SharedLevel shared = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
            CachedMethod method = find();
            assertTrue(store.awaitOpen(Duration.ofSeconds(10)), "the store's connection opens");
            long scriptsBefore = redis.scriptCalls();

            redis.admin().clientPause(800);
            SharedLevel.Found found = shared.lookup(method, "books:1", null);

            assertFalse(found.hit);
            assertNull(found.lease, "no answer in time: no lease to store with");
            Await.until(Duration.ofSeconds(5), "the late lookup and the release both ran",
                    () -> redis.scriptCalls() - scriptsBefore >= 2);
            assertEquals(0, redis.admin().exists("ns:books:1:weft-lease"), "the lease the late script took is gone");
        }
    }

    @Test
    void aWarmStartDoesNotReadAKeyWhoseDeleteIsPending() throws Exception {
        FakeTicker time = new FakeTicker();
        CircuitBreaker breaker = new CircuitBreaker("pending test", 1, Duration.ofMinutes(1), Duration.ofMinutes(1), time);
        try (RedisFixture redis = RedisFixture.startLocal(null);
                RedisEndpoint endpoint = new RedisEndpoint(redis.uri());
                RedisStore store = new RedisStore(endpoint, Duration.ofSeconds(2), breaker)) {
            SharedLevel shared = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
            CachedMethod method = find();
            assertTrue(store.awaitOpen(Duration.ofSeconds(10)), "the store's connection opens");
            SharedLevel.Found miss = shared.lookup(method, "books:1", null);
            shared.store(method, "books:1", "old", miss.lease);
            Await.until("the value is stored", () -> redis.admin().exists("ns:books:1") == 1);
            assertEquals("old", shared.values(method, List.of("books:1")).get("books:1").value, "readable before");

            assertTrue(breaker.tryAcquire());
            breaker.onFailure(); // the store refuses calls: the delete below is kept, pending
            shared.evict(List.of("books:1"), List.of(), List.of());
            assertEquals(1, redis.admin().exists("ns:books:1"), "the value is still in Redis");
            time.advance(Duration.ofMinutes(2)); // calls go through again: the read retries the delete first

            assertTrue(shared.values(method, List.of("books:1")).isEmpty(),
                    "the invalidated value is not filled into L1 while its delete is pending");
        }
    }
}
