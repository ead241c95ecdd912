package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12, fleet-wide single flight: a miss whose lease another instance holds waits (at most
 * {@code weft.lease.wait}) for that instance's value instead of running the method. Two shared levels on one
 * real Redis stand for two instances.
 */
class SharedLevelLeaseWaitTest {

    private static final Duration LEASE_WAIT = Duration.ofSeconds(3);

    private RedisFixture redis;
    private RedisEndpoint endpoint;
    private RedisStore store;
    private SharedLevel loader;
    private SharedLevel waiter;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final NamedCache cache = new CacheRegistry().cache("books", true);

    @BeforeEach
    void start() throws Exception {
        redis = RedisFixture.startLocal(null);
        endpoint = new RedisEndpoint(redis.uri());
        store = new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("lease wait test"));
        assertTrue(store.awaitOpen(Duration.ofSeconds(10)));
        loader = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", LEASE_WAIT);
        waiter = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", LEASE_WAIT);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        store.close();
        endpoint.close();
        redis.close();
    }

    /** A cached method's body: its declared return type is what Redis values decode into. */
    static String find(String id) {
        return id;
    }

    static CompletableFuture<String> findLater(String id) {
        return CompletableFuture.completedFuture(id);
    }

    private CachedMethod method(String name, ResultShape shape) {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), name, List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return new CachedMethod(declared, cache, (args, result) -> "books:" + args[0],
                new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                shape, null, List.of(), false, 0);
    }

    @Test
    void aMissWaitsForTheValueOfTheInstanceHoldingTheLease() throws Exception {
        CachedMethod find = method("find", ResultShape.PLAIN);
        SharedLevel.Found first = loader.lookup(find, "books:1", null);
        assertNotNull(first.lease, "the first instance's miss takes the lease");

        Future<SharedLevel.Found> second = threads.submit(() -> waiter.lookup(find, "books:1", null));
        awaitLeaseWaitStarted();
        loader.store(find, "books:1", "loaded once", first.lease);

        SharedLevel.Found found = second.get(LEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(found.hit, "the waiting miss got the other instance's value");
        assertEquals("loaded once", found.value);
        assertEquals(1, cache.stats().leaseWaits());
        assertEquals(0, cache.stats().leaseWaitTimeouts());
    }

    @Test
    void aMissTakesTheLeaseOverWhenTheOtherInstanceGivesItUp() throws Exception {
        CachedMethod find = method("find", ResultShape.PLAIN);
        SharedLevel.Found first = loader.lookup(find, "books:2", null);

        Future<SharedLevel.Found> second = threads.submit(() -> waiter.lookup(find, "books:2", null));
        awaitLeaseWaitStarted();
        loader.release("books:2", first.lease);

        SharedLevel.Found found = second.get(LEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertFalse(found.hit);
        assertNotNull(found.lease, "the lease given up is taken: this instance loads and stores");
    }

    @Test
    void aMissRunsTheMethodWhenNoValueArrivesInTime() {
        CachedMethod find = method("find", ResultShape.PLAIN);
        SharedLevel short1 = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofMillis(100));
        assertNotNull(loader.lookup(find, "books:3", null).lease);

        SharedLevel.Found found = short1.lookup(find, "books:3", null);

        assertSame(SharedLevel.Found.LEASED_ELSEWHERE, found);
        assertNull(found.lease);
        assertEquals(1, cache.stats().leaseWaitTimeouts());
    }

    /** A lookup for a method returning a future never blocks its caller: its wait is lookupLater's (FutureLeaseWaitTest). */
    @Test
    void aFutureReturningMethodDoesNotWait() {
        CachedMethod findLater = method("findLater", ResultShape.FUTURE);
        assertNotNull(loader.lookup(findLater, "books:4", null).lease);

        assertSame(SharedLevel.Found.LEASED_ELSEWHERE, waiter.lookup(findLater, "books:4", null));
        assertEquals(0, cache.stats().leaseWaits());
    }

    /** Waits until the waiting lookup has looked at least twice (it is polling), by Redis's script count. */
    private void awaitLeaseWaitStarted() {
        long before = redis.scriptCalls();
        Await.until("the second instance polls the key", () -> redis.scriptCalls() - before >= 2);
    }
}
