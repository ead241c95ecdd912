package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.Range;
import io.weft.agent.events.EventJson;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.LogCapture;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A prefix template that renders empty ({@code prefixes = "{tenant}"}, the tenant {@code ""}) would evict every key,
 * in Redis and in each instance's L1: it is skipped with a warning naming the method, and the rest of the
 * invalidation happens (the other keys and prefixes, in Redis and L1, and the event).
 */
class EmptyPrefixTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Closer closer = new Closer();
    private final RedisFixture redis = closer.later(RedisFixture.startLocal(null));
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1),
            Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());

    /** The cached method (its return type is how values are read back from Redis). */
    static final class Books {
        String find(String bookId) {
            return bookId;
        }
    }

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    /** Without a namespace the empty prefix was refused by the store, and the L1 eviction and the event were lost. */
    @Test
    void anEmptyPrefixIsSkippedAndTheRestOfTheInvalidationHappens() throws Exception {
        assertSkipped("", "save");
    }

    /** In a namespace the empty prefix was the namespace: every key of it was deleted, and all of L1. */
    @Test
    void inANamespaceAnEmptyPrefixDoesNotEvictTheWholeNamespace() throws Exception {
        assertSkipped("app:", "saveInApp");
    }

    /** Invalidates {@code books:7}, the prefixes {@code {tenant}} (empty) and {@code lists:} by {@code method}. */
    private void assertSkipped(String ns, String method) throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        DeclaredMethod find = new DeclaredMethod(Books.class.getName(), "find", List.of("java.lang.String"),
                List.of("bookId"), loader);
        int books = methods.register(new CachedMethod(find, new CacheRegistry().cache("books", true),
                (args, result) -> "books:" + args[0], scopes.of(loader), 60_000, TimeUnit.MINUTES.toNanos(1), false,
                true, ResultShape.PLAIN, null, List.of(), false, 0));
        DeclaredMethod save = new DeclaredMethod(Books.class.getName(), method,
                List.of("java.lang.String", "java.lang.String"), List.of("bookId", "tenant"), loader);
        int invalidate = methods.register(new Invalidation(save, List.of((args, result) -> "books:" + args[0]),
                List.of((args, result) -> (String) args[1], (args, result) -> "lists:"), false,
                EventStreams.CACHE_INVALIDATED));
        connect(ns);
        WovenCall.call(runtime, books, "7", "old 7");
        WovenCall.call(runtime, books, "8", "old 8");
        Await.until("both values stored in Redis", () -> redis.admin().exists(ns + "books:7", ns + "books:8") == 2);
        redis.admin().set(ns + "lists:all", "\"old\"");

        try (LogCapture log = new LogCapture()) {
            runtime.invalidate(invalidate, new Object[] {"7", ""}, null);
            assertTrue(log.text().contains("a call of " + Books.class.getName() + "#" + method + " rendered an empty"
                    + " @InvalidateCache prefix"), log.text());
        }
        assertEquals(0, redis.admin().exists(ns + "books:7", ns + "lists:all"), "the key and the other prefix");
        assertEquals(1, redis.admin().exists(ns + "books:8"), "nothing else");
        assertEquals("new 7", WovenCall.call(runtime, books, "7", "new 7"), "evicted from L1");
        assertEquals("old 8", WovenCall.call(runtime, books, "8", "new 8"), "the rest of L1 kept");
        String stream = EventStreams.key(ns, EventStreams.CACHE_INVALIDATED);
        Await.until("the event published", () -> redis.admin().xlen(stream) == 1);
        InvalidationEvent event = EventJson.decode(
                redis.admin().xrange(stream, Range.unbounded()).get(0).getBody().get("event"));
        assertEquals(List.of("books:7"), event.keys());
        assertEquals(List.of("lists:"), event.prefixes());
    }

    private void connect(String ns) {
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        RedisStore store = closer.later(new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("empty prefix")));
        EventPublisher publisher = closer.later(new EventPublisher(endpoint, ns, 10_000, 100, TIMEOUT, "host-1"));
        RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT);
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), ns, Duration.ofSeconds(1)), publisher,
                "host-1", bound -> true);
        publisher.start();
    }
}
