package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.SetArgs;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12, fleet-wide single flight for methods returning futures: a miss whose lease another instance holds gets a
 * future at once (its thread is not held), which completes with that instance's value once Redis has it, without
 * running the method; or, when none arrives within {@code weft.lease.wait}, with the method's own result, run by
 * Weft on the receiver and stored as any load. A runtime on a private {@code redis-server}; the other instance is
 * its lease key, set by the test.
 */
class FutureLeaseWaitTest {

    private static final String NS = "futures:";

    /** The cached method; its declared type is what Redis values are read back as. */
    static final class Prices {
        CompletableFuture<String> price(String sku) {
            return CompletableFuture.completedFuture(sku);
        }
    }

    private final Closer closer = new Closer();
    private final RedisFixture redis = closer.later(RedisFixture.startLocal(null));
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final List<String> bodyRuns = new CopyOnWriteArrayList<>();
    private final Prices receiver = new Prices();
    private final NamedCache cache = new CacheRegistry().cache("price", true);
    private CacheRuntime runtime;
    private int price;
    /** What the body's future fails with; {@code null}: it succeeds. */
    private volatile Throwable bodyFailure;
    /** Whether the body returns {@code null} instead of a future. */
    private volatile boolean nullBody;

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    /** A runtime connected to the Redis, whose reload and wait-ended calls enter the method as woven code does. */
    private void start(Duration leaseWait) {
        runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.HOURS.toNanos(1), Duration.ofSeconds(5),
                Ticker.systemTicker(), Ticker.systemTicker(), (method, on, args) -> call((Prices) on, (String) args[0]), 1, 10);
        DeclaredMethod declared = new DeclaredMethod(Prices.class.getName(), "price", List.of("java.lang.String"),
                List.of("sku"), getClass().getClassLoader());
        price = methods.register(new CachedMethod(declared, cache,
                (args, result) -> "price:" + args[0], scopes.of(getClass().getClassLoader()), 3_600_000,
                TimeUnit.HOURS.toNanos(1), false, true, ResultShape.FUTURE, null, List.of(), false, 0));
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        RedisStore store = closer.later(new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("test")));
        RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT);
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, leaseWait), null, "test", b -> true);
    }

    /** The woven method: a hit's future, or the body's (which records the thread it ran on), stored as a load. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<String> call(Prices on, String sku) {
        Object[] args = {sku};
        Token token = runtime.enterWithReceiver(price, on, args);
        if (token instanceof Hit) {
            return (CompletableFuture<String>) ((Hit) token).value();
        }
        bodyRuns.add(Thread.currentThread().getName());
        CompletableFuture<String> body = nullBody ? null
                : bodyFailure == null ? CompletableFuture.completedFuture("loaded here")
                : CompletableFuture.failedFuture(bodyFailure);
        runtime.exitCached(price, token, args, body);
        return body;
    }

    private void leasedElsewhere(String sku) {
        redis.admin().set(NS + "price:" + sku + ":weft-lease", "another instance", SetArgs.Builder.px(30_000));
    }

    @Test
    void aMissLeasedElsewhereReturnsAtOnceAndCompletesWithTheOtherInstancesValue() throws Exception {
        start(Duration.ofSeconds(20));
        leasedElsewhere("a");

        CompletableFuture<String> waiting = call(receiver, "a");
        assertFalse(waiting.isDone(), "the caller got its future without waiting for the other instance");
        // the other instance stores under its lease, as set-if-leased does
        redis.admin().set(NS + "price:a", "\"from the other instance\"");
        redis.admin().del(NS + "price:a:weft-lease");

        assertEquals("from the other instance", waiting.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(), bodyRuns, "the method never ran here");
        assertTrue(call(receiver, "a").isDone(), "kept in L1: the next call is a hit");
        assertEquals("from the other instance", call(receiver, "a").get());
        assertEquals(1, cache.stats().leaseWaits());
        assertEquals(0, cache.stats().leaseWaitTimeouts());
    }

    @Test
    void whenNoValueArrivesInTimeTheMethodRunsOnAWeftThreadAndItsValueIsKept() throws Exception {
        start(Duration.ofMillis(100));
        leasedElsewhere("b");

        CompletableFuture<String> waiting = call(receiver, "b");

        assertEquals("loaded here", waiting.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("weft-lease-wait"), bodyRuns, "run once, by Weft, on the receiver");
        assertInstanceOf(CompletableFuture.class, call(receiver, "b"));
        assertEquals("loaded here", call(receiver, "b").get());
        assertEquals(1, bodyRuns.size(), "the value was kept in L1");
        assertEquals(1, cache.stats().leaseWaitTimeouts());
        assertEquals("another instance", redis.admin().get(NS + "price:b:weft-lease"), "the lease is not ours");
    }

    /** The method run instead fails: the caller's future fails with its exception object, as the method's own would. */
    @Test
    void whenTheMethodRunInsteadFailsTheCallersFutureFailsWithItsOwnException() throws Exception {
        start(Duration.ofMillis(100));
        leasedElsewhere("c");
        bodyFailure = new IllegalStateException("the price service is down");

        CompletableFuture<String> waiting = call(receiver, "c");

        assertSame(bodyFailure, waiting.handle((value, thrown) -> thrown).get(10, TimeUnit.SECONDS),
                "not a CompletionException around it");
        assertEquals(List.of("weft-lease-wait"), bodyRuns);
    }

    /**
     * SPEC §5, §7: a body that returns a null future gives back the lease its miss took, so that the next miss of the
     * key, here or in another instance, runs the method at once instead of waiting {@code weft.lease.wait} for a value
     * that never comes (and then failing the future it handed out with a {@link NullPointerException}).
     */
    @Test
    void aBodyReturningANullFutureGivesBackItsLease() throws Exception {
        start(Duration.ofSeconds(20));
        nullBody = true;

        assertNull(call(receiver, "d"), "the caller gets the body's null, as without the agent");
        Await.until("the lease is released", () -> redis.admin().exists(NS + "price:d:weft-lease") == 0);
        assertNull(call(receiver, "d"), "the next miss runs the method, not a wait for the lease");
        assertEquals(2, bodyRuns.size());
    }
}
