package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.bootstrap.Dispatch;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through the real {@link Dispatch} while Redis is down, with the L2 breaker on a {@link FakeTicker}: once
 * open, calls do not touch Redis; after the cool-down one probe goes through, and its success closes the breaker.
 */
class DispatchedBreakerTest {

    private static final String NS = "breaker:";

    private final Closer closer = new Closer();
    private final FakeTicker ticker = new FakeTicker();
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private RedisFixture redis;
    private RedisStore store;
    private int find;
    private int calls;
    private long settled;

    @BeforeEach
    void start() {
        redis = closer.later(RedisFixture.startLocal(null));
        redis.stop();
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        store = closer.later(new RedisStore(endpoint, Duration.ofSeconds(2),
                new CircuitBreaker("breaker test", 3, Duration.ofSeconds(1), Duration.ofSeconds(10), ticker)));
        CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1),
                Duration.ofSeconds(5), ticker, ticker);
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, Duration.ofSeconds(1)), null, "breaker-test",
                bound -> true);
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "title", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        find = methods.register(new CachedMethod(declared, caches.cache("titles", true), (args, result) -> "titles:" + args[0],
                scopes.of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0));
        Dispatch.install(runtime);
    }

    @AfterEach
    void stop() throws Exception {
        Dispatch.install(null);
        closer.close();
    }

    /** The cached method's body (its declared type is what Redis values would be read as). */
    static String title(String id) {
        return "title " + id;
    }

    /**
     * A miss of a new key, as woven code makes it; returns once the store has settled what the call sent: one lookup,
     * a failure or a rejection. With Redis down the lookup never reached it (the connection cannot open), so it took
     * no lease and no release follows it (a release would go past the breaker: {@code SharedLevelLeaseTest}).
     */
    private void missOfANewKey() {
        String id = Integer.toString(++calls);
        settled++;
        assertEquals(title(id), WovenCall.call(WovenCall.DISPATCH, find, id, title(id)));
        Await.until("the commands of call " + calls + " are settled", () -> store.failures() + store.rejections() == settled);
    }

    @Test
    void anOpenBreakerKeepsCallsOffRedisUntilAProbeSucceeds() {
        missOfANewKey();
        missOfANewKey();
        assertEquals(CircuitBreaker.State.CLOSED, store.state(), "2 failures leave it closed");
        missOfANewKey();
        assertEquals(CircuitBreaker.State.OPEN, store.state(), "3 failures in a row open it");
        long failures = store.failures();

        missOfANewKey();
        ticker.advance(Duration.ofMillis(999));
        missOfANewKey();
        assertEquals(failures, store.failures(), "no call touched Redis while the breaker was open");

        ticker.advance(Duration.ofMillis(1));
        missOfANewKey();
        assertEquals(failures + 1, store.failures(), "after the cool-down one probe went to Redis, and failed");
        assertEquals(CircuitBreaker.State.OPEN, store.state());

        redis.restart();
        ticker.advance(Duration.ofMillis(1999));
        missOfANewKey();
        assertEquals(failures + 1, store.failures(), "the cool-down doubled: still no call to Redis");
        assertEquals(CircuitBreaker.State.OPEN, store.state(), "Redis is up, but only a probe may find that out");

        ticker.advance(Duration.ofMillis(1));
        long rejections = store.rejections();
        assertEquals("title x", WovenCall.call(WovenCall.DISPATCH, find, "x", "title x"));
        assertEquals(CircuitBreaker.State.CLOSED, store.state(), "the probe succeeded");
        assertEquals(rejections, store.rejections());
        Await.until("the miss is stored in Redis under its lease", () -> redis.admin().exists(NS + "titles:x") == 1);
        assertEquals(caches.find("titles").stats().misses(), calls + 1L, "every call ran the method");
    }
}
