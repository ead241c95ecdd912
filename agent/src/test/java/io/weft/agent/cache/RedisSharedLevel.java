package io.weft.agent.cache;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedLevel} (namespace {@code ns:}) over a private {@code redis-server}, its store's connection open, and
 * the cached method {@link #find} of cache {@code books} (keys {@code books:<id>}, a 60 s TTL), whose declared type
 * is what values are read from Redis as.
 */
final class RedisSharedLevel implements AutoCloseable {

    final RedisFixture redis;
    final RedisStore store;
    final SharedLevel shared;
    private final RedisEndpoint endpoint;

    /** @param timeout {@code weft.redis.timeout} */
    RedisSharedLevel(Duration timeout, CircuitBreaker breaker) throws InterruptedException {
        redis = RedisFixture.startLocal(null);
        endpoint = new RedisEndpoint(redis.uri());
        store = new RedisStore(endpoint, timeout, breaker);
        shared = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
        if (!store.awaitOpen(Duration.ofSeconds(10))) {
            close();
            throw new IllegalStateException("the store's connection did not open");
        }
    }

    /** The cached method's body. */
    static String find(String id) {
        return id;
    }

    /** {@link #find} as a cached method, standing in with a value up to {@code staleIfErrorMillis} past its TTL. */
    CachedMethod find(long staleIfErrorMillis) {
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "find", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return new CachedMethod(declared, new CacheRegistry().cache("books", true), (args, result) -> "books:" + args[0],
                new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, staleIfErrorMillis);
    }

    /**
     * Has Redis learn the lookup scripts, single and batch, as any miss does (taking the leases of {@code warm:*} keys):
     * a lookup is sent by its script's SHA-1, and one that times out on a Redis that does not know the script is never
     * sent in full, so it would take no lease at all. The releases' scripts stay unknown, as on a Redis restarted since
     * the last load that failed.
     */
    void loadLookups(CachedMethod method) {
        shared.lookup(method, "warm:1", null);
        shared.lookupAll(method, List.of("warm:2"));
    }

    /** Whether {@code key} exists in Redis. */
    boolean exists(String key) {
        return redis.admin().exists(key) == 1;
    }

    @Override
    public void close() {
        store.close();
        endpoint.close();
        redis.close();
    }
}
