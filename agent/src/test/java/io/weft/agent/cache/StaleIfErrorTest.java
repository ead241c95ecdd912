package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.metrics.InvalidationOrigin;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §12, {@code @CacheResult(staleIfError = …)}: when the method throws and the key's value expired less than
 * {@code staleIfError} ago, that value is returned instead and counted; otherwise the exception propagates. A value
 * invalidated since the call read it is gone (SPEC §5): it stands in for nothing. L1 on the runtime's ticker (no
 * sleeping); Redis, which keeps values for TTL + staleIfError, on a real server.
 */
class StaleIfErrorTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration STALE = Duration.ofSeconds(60);

    private final Closer closer = new Closer();
    private final FakeTicker ticker = new FakeTicker();
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, Duration.ofHours(1).toNanos(),
            Duration.ofSeconds(5), ticker, ticker);

    @AfterEach
    void close() throws Exception {
        closer.close();
    }

    /** A cached method's body (its declared type is what Redis values are read as). */
    static String price(String sku) {
        return "price of " + sku;
    }

    private int prices(boolean usesL1) {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "price", List.of("java.lang.String"),
                List.of("sku"), getClass().getClassLoader());
        return methods.register(new CachedMethod(declared, caches.cache("prices", true),
                (args, result) -> "price:" + args[0], scopes.of(getClass().getClassLoader()), TTL.toMillis(),
                TTL.toNanos(), false, usesL1, ResultShape.PLAIN, null, List.of((args, result) -> "sku:" + args[0]),
                false, STALE.toMillis()));
    }

    /** An {@code @InvalidateCache} of the price of its argument. */
    private int priceChanges() {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "changePrice", List.of("java.lang.String"),
                List.of("sku"), getClass().getClassLoader());
        return methods.register(new Invalidation(declared, List.of((args, result) -> "price:" + args[0]), List.of(),
                false, "price.changed"));
    }

    /** Connects the runtime to {@code redis} as its shared level (namespace {@code ns:}); returns the store. */
    private RedisStore connect(RedisFixture redis) throws InterruptedException {
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        RedisStore store = closer.later(new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("stale")));
        assertTrue(store.awaitOpen(Duration.ofSeconds(10)));
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1)), null,
                "stale-test", bound -> true);
        return store;
    }

    static CompletableFuture<String> priceLater(String sku) {
        return CompletableFuture.completedFuture("price of " + sku);
    }

    private int pricesLater() {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "priceLater", List.of("java.lang.String"),
                List.of("sku"), getClass().getClassLoader());
        return methods.register(new CachedMethod(declared, caches.cache("prices", true),
                (args, result) -> "priceLater:" + args[0], scopes.of(getClass().getClassLoader()), TTL.toMillis(),
                TTL.toNanos(), false, true, ResultShape.FUTURE, null, List.of(), false, STALE.toMillis()));
    }

    /** A call of the future-returning method as woven code makes it: a hit's future, or what exitFuture returns. */
    private CompletableFuture<?> callLater(int id, String sku, CompletableFuture<String> body) {
        Object[] args = {sku};
        Token token = runtime.enterCached(id, args);
        if (token instanceof Hit) {
            return (CompletableFuture<?>) ((Hit) token).value();
        }
        return (CompletableFuture<?>) runtime.exitFuture(id, token, args, body);
    }

    /** A call whose body throws: the value returned instead, or {@code null} when the exception propagates. */
    private Object failingCall(int id, String sku) {
        return failingCall(id, sku, () -> { });
    }

    /** As {@link #failingCall(int, String)}, the body doing {@code meanwhile} before it throws. */
    private Object failingCall(int id, String sku, Runnable meanwhile) {
        Object[] args = {sku};
        Token token = runtime.enterCached(id, args);
        if (token instanceof Hit) {
            return ((Hit) token).value();
        }
        meanwhile.run();
        Hit instead = runtime.exitThrown(id, token, args, new IllegalStateException("the price service is down"));
        return instead == null ? null : instead.value();
    }

    private long staleServed() {
        return caches.find("prices").stats().staleServed();
    }

    @Test
    void aFailureWithinStaleIfErrorAfterTheTtlReturnsTheLastValue() {
        int id = prices(true);
        assertEquals("v1", WovenCall.call(runtime, id, "a", "v1"));
        assertEquals("v1", failingCall(id, "a"), "within the TTL it is a hit: the body does not run");
        assertEquals(0, staleServed());

        ticker.advance(TTL.plusSeconds(1));
        assertEquals("v1", failingCall(id, "a"), "past the TTL the body runs, fails, and the stale value stands in");
        assertEquals(1, staleServed());
        assertEquals(1, caches.find("prices").stats().loadFailures());

        assertEquals("v2", WovenCall.call(runtime, id, "a", "v2"), "past the TTL a body that succeeds gives a new value");
        ticker.advance(TTL.plus(STALE).plusSeconds(1));
        assertNull(failingCall(id, "a"), "past TTL + staleIfError the failure propagates");
        assertEquals(1, staleServed());
    }

    @Test
    void aFutureThatFailsAfterTheMethodReturnedCompletesWithTheStaleValueForItsCallerAndThoseWhoJoined()
            throws Exception {
        int id = pricesLater();
        assertEquals("v1", callLater(id, "a", CompletableFuture.completedFuture("v1")).get());
        ticker.advance(TTL.plusSeconds(1));

        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<?> owner = callLater(id, "a", failing);
        CompletableFuture<?> joiner = CompletableFuture.supplyAsync(() -> callLater(id, "a", null)).get();
        assertFalse(owner.isDone() || joiner.isDone(), "the body's future is still running");
        failing.completeExceptionally(new IllegalStateException("the price service is down"));

        assertEquals("v1", owner.get(), "the stale value stands in for the later failure");
        assertEquals("v1", joiner.get(), "for the caller that joined the load too");
        assertEquals(2, staleServed());
    }

    @Test
    void aFutureThatFailsWithoutAStaleValueFailsWithTheBodysOwnException() {
        int id = pricesLater();
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<?> mine = callLater(id, "new", failing);
        IllegalStateException down = new IllegalStateException("down");
        failing.completeExceptionally(down);
        assertSame(down, mine.handle((value, thrown) -> thrown).join(),
                "nothing can stand in: the caller's future fails as the body's does, with the same exception");
        assertEquals(0, staleServed());
    }

    @Test
    void withoutAnEarlierValueTheFailurePropagates() {
        int id = prices(true);
        assertNull(failingCall(id, "new"));
        assertEquals(0, staleServed());
    }

    /**
     * The call read the value past its TTL, then the key was invalidated while its body ran, in each way an
     * invalidation reaches L1: the body's failure propagates, and the next call runs the body.
     */
    @ParameterizedTest
    @ValueSource(strings = {"evictKey", "@InvalidateCache", "event: keys", "event: prefixes", "event: tags",
        "event: clear all"})
    void aValueInvalidatedWhileTheBodyRunsDoesNotStandInForItsFailure(String invalidation) {
        int id = prices(true);
        int changes = priceChanges();
        assertEquals("v1", WovenCall.call(runtime, id, "a", "v1"));
        ticker.advance(TTL.plusSeconds(1));

        assertNull(failingCall(id, "a", () -> {
            switch (invalidation) {
                case "evictKey" -> runtime.evictKey("price:a");
                case "@InvalidateCache" -> runtime.invalidate(changes, new Object[] {"a"}, null);
                case "event: keys" -> runtime.evictKeys(List.of("price:a"), false);
                case "event: prefixes" -> runtime.evictPrefixes(List.of("price:"), false);
                case "event: tags" -> runtime.evictTags(List.of("sku:a"), false);
                case "event: clear all" -> runtime.clearAll("a test");
                default -> throw new IllegalArgumentException(invalidation);
            }
        }), "the invalidated value is gone: the failure propagates");
        assertEquals(0, staleServed());
        assertEquals("v2", WovenCall.call(runtime, id, "a", "v2"), "and the next call runs the body");
    }

    @Test
    void aValueInvalidatedBeforeAFutureFailsDoesNotStandInForTheFailure() {
        int id = pricesLater();
        assertEquals("v1", callLater(id, "a", CompletableFuture.completedFuture("v1")).join());
        ticker.advance(TTL.plusSeconds(1));

        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<?> call = callLater(id, "a", failing);
        runtime.clearAll("a test");
        failing.completeExceptionally(new IllegalStateException("the price service is down"));

        assertThrows(ExecutionException.class, call::get, "the invalidated value is gone: the future fails");
        assertEquals(0, staleServed());
    }

    /**
     * An invalidation that came between the call's read of the value and its load's registration marked no load:
     * the value it removed from L1 stands in for nothing all the same.
     */
    @Test
    void aValueInvalidatedBeforeTheLoadWasRegisteredDoesNotStandInForItsFailure() {
        LocalCache l1 = new LocalCache(100, Duration.ofHours(1).toNanos(), scopes, ticker);
        CacheKey key = CacheKey.of(scopes.of(getClass().getClassLoader()), "price:a");
        l1.putUnless(key, l1.staleableEntry("v1", TTL.toNanos(), STALE.toNanos(),
                caches.cache("prices", true).stats()), () -> false);
        ticker.advance(TTL.plusSeconds(1));
        CacheEntry read = l1.get(key);
        assertFalse(l1.fresh(read), "past its TTL, kept to stand in for a failure");

        l1.remove("price:a", InvalidationOrigin.RECEIVED);
        Load load = new Load(key, ticker.read(), null);
        load.standIn(read);
        assertNull(load.standIn());
    }

    @Test
    void aValueInvalidatedInRedisWhileTheBodyRunsDoesNotStandInForItsFailure() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        connect(redis);
        int id = prices(false);
        assertEquals("v1", WovenCall.call(runtime, id, "c", "v1"));
        Await.until("the value stored in Redis", () -> redis.admin().exists("ns:price:c") == 1);
        redis.admin().pexpire("ns:price:c", STALE.toMillis() - 1_000); // its TTL ran out a second ago

        assertNull(failingCall(id, "c", () -> {
            // another instance's @InvalidateCache: deleted in Redis, then announced
            redis.admin().del("ns:price:c");
            runtime.evictKeys(List.of("price:c"), false);
        }), "the stale value read from Redis was invalidated since: the failure propagates");
        assertEquals(0, staleServed());
    }

    /**
     * A value read from Redis, which keeps it for TTL + staleIfError, is fresh in L1 only until its TTL ends, which
     * is staleIfError before its Redis expiry: past it, L1 no longer answers with it as a hit (the staleIfError part
     * of its Redis life is for failures only).
     */
    @Test
    void aValueReadFromRedisIsFreshInL1OnlyUntilItsTtlEnds() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        connect(redis);
        int id = prices(true);
        // as another instance stored it 5 s ago: fresh for 5 s more, then stale for STALE
        redis.admin().psetex("ns:price:c", TTL.plus(STALE).minusSeconds(5).toMillis(), "\"v1\"");
        assertEquals("v1", WovenCall.call(runtime, id, "c", "unused"), "an L2 hit, now in L1");

        ticker.advance(Duration.ofSeconds(6));
        redis.admin().pexpire("ns:price:c", STALE.toMillis() - 1_000); // in Redis too, its TTL ran out a second ago
        assertEquals("v2", WovenCall.call(runtime, id, "c", "v2"), "past the TTL the body runs");
    }

    @Test
    void redisKeepsTheValueForStaleIfErrorAndHandsItBackAsStale() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        RedisStore store = connect(redis);
        int id = prices(false);
        assertEquals("v1", WovenCall.call(runtime, id, "b", "v1"));
        Await.until("the value stored in Redis", () -> redis.admin().exists("ns:price:b") == 1);
        long pttl = redis.admin().pttl("ns:price:b");
        assertTrue(pttl > STALE.toMillis() && pttl <= TTL.plus(STALE).toMillis(), "kept TTL + staleIfError: " + pttl);

        redis.admin().pexpire("ns:price:b", STALE.toMillis() - 1_000); // its TTL ran out a second ago
        assertEquals("v1", failingCall(id, "b"), "the stale value from Redis stands in for the failure");
        assertEquals(1, staleServed());
        // the failed load gives its lease back without waiting (the script's first use may take a round trip more)
        Await.until("the failed load's lease released", () -> redis.admin().exists(store.leaseKey("ns:price:b")) == 0);

        assertEquals("v2", WovenCall.call(runtime, id, "b", "v2"), "a stale value is a miss: the body runs");
        Await.until("the new value stored under the lease the stale lookup took",
                () -> "\"v2\"".equals(redis.admin().get("ns:price:b")));
        assertInstanceOf(Hit.class, runtime.enterCached(id, new Object[] {"b"}), "and read back fresh");
    }
}
