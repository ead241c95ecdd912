package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.events.EventJson;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodec;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invalidations made while Redis is still being connected reach Redis and the other instances once it is. */
class CacheRuntimeConnectTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final String ns = "c" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private RedisFixture redis;
    private RedisEndpoint endpoint;
    private RedisStore store;
    private EventPublisher publisher;
    private MethodTable methods;
    private int invalidateBook;
    private CacheRuntime runtime;

    @BeforeEach
    void start() {
        redis = RedisFixture.startLocal(null);
        endpoint = new RedisEndpoint(redis.uri());
        store = new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("connect test redis"));
        publisher = new EventPublisher(endpoint, ns, 10_000, 100, TIMEOUT, "host-1");
        methods = new MethodTable();
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "save", List.of("java.lang.String"),
                List.of("bookId"), getClass().getClassLoader());
        invalidateBook = methods.register(new Invalidation(declared,
                List.of((args, result) -> "books:" + args[0]), List.of((args, result) -> "lists:"), false,
                EventStreams.CACHE_INVALIDATED));
        runtime = new CacheRuntime(methods, new LoaderScopes(), 1_000, TimeUnit.MINUTES.toNanos(1), Duration.ofSeconds(5),
                Ticker.systemTicker());
    }

    @AfterEach
    void stop() {
        publisher.close();
        store.close();
        endpoint.close();
        redis.close();
    }

    private void connect() {
        connect(runtime);
    }

    private void connect(CacheRuntime through) {
        through.connect(new SharedLevel(store, new ValueCodec(1 << 20), ns), publisher, "host-1");
        publisher.start();
    }

    /** A cached method's body, for the L2 test: its declared return type is what Redis values decode into. */
    static String title(String id) {
        return "title " + id;
    }

    private List<StreamMessage<String, String>> events() {
        return redis.admin().xrange(EventStreams.key(ns, EventStreams.CACHE_INVALIDATED), Range.unbounded());
    }

    @Test
    void anInvalidationBeforeTheConnectionDeletesInRedisAndIsPublishedOnceConnected() throws Exception {
        redis.admin().set(ns + "books:7", "\"old\"");
        redis.admin().set(ns + "lists:all", "\"old\"");
        runtime.connecting(Duration.ofMillis(1));

        runtime.invalidate(invalidateBook, new Object[] {"7"}, null);
        assertEquals(1, redis.admin().exists(ns + "books:7"), "nothing is sent before the connection");

        connect();
        assertEquals(0, redis.admin().exists(ns + "books:7", ns + "lists:all"));
        Await.until("the event is published", () -> events().size() == 1);
        InvalidationEvent event = EventJson.decode(events().get(0).getBody().get("event"));
        assertEquals(List.of("books:7"), event.keys());
        assertEquals(List.of("lists:"), event.prefixes());
        assertEquals("host-1", event.source());
    }

    @Test
    void withoutAnL1EveryCallGoesToRedis() {
        LoaderScopes scopes = new LoaderScopes();
        CacheRuntime noL1 = new CacheRuntime(methods, scopes, 0, TimeUnit.MINUTES.toNanos(1), Duration.ofSeconds(5),
                Ticker.systemTicker());
        connect(noL1);
        NamedCache titles = new CacheRegistry().cache("titles", true);
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "title", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        int id = methods.register(new CachedMethod(declared, titles, (args, result) -> "titles:" + args[0],
                scopes.of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null));
        Object[] args = {"7"};
        Object token = noL1.enterCached(id, args);
        assertFalse(token instanceof Hit, "a miss");
        noL1.exitCached(id, token, args, title("7"), null);
        Await.until("the loaded value stored in Redis", () -> redis.admin().get(ns + "titles:7") != null);

        Object second = noL1.enterCached(id, args);
        assertInstanceOf(Hit.class, second);
        assertEquals("title 7", ((Hit) second).value());
        assertEquals(1, titles.stats().l2Hits());
        assertEquals(0, titles.stats().l1Hits());
        assertEquals(0, noL1.l1Size());
    }

    @Test
    void withoutRedisAnInvalidationIsNotKept() {
        runtime.invalidate(invalidateBook, new Object[] {"7"}, null);
        redis.admin().set(ns + "books:7", "\"new\"");

        connect();
        assertEquals(1, redis.admin().exists(ns + "books:7"), "an L1-only invalidation must not be replayed");
        assertTrue(events().isEmpty());
    }

    @Test
    void afterTheConnectionInvalidationsGoStraightToRedis() {
        runtime.connecting(Duration.ofMillis(1));
        connect();
        redis.admin().set(ns + "books:8", "\"old\"");

        runtime.invalidate(invalidateBook, new Object[] {"8"}, null);
        assertEquals(0, redis.admin().exists(ns + "books:8"));
        Await.until("the event is published", () -> events().size() == 1);
    }

    /** A value Jackson cannot write: no properties. */
    static final class Opaque {
    }

    /** A cached method's body whose values never reach Redis. */
    static Object opaque(String id) {
        return new Opaque();
    }

    /** SPEC §5: a load whose value is not stored in Redis (unwritable, null, failed) leaves no lease behind. */
    @Test
    void aLoadWhoseValueIsNotStoredInRedisReleasesItsLease() {
        connect();
        NamedCache opaque = new CacheRegistry().cache("opaque", true);
        DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "opaque", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        int id = methods.register(new CachedMethod(declared, opaque, (args, result) -> "opaque:" + args[0],
                new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null));
        for (Object[] outcome : new Object[][] {{"unwritable", new Opaque(), null}, {"null", null, null},
                {"failed", null, new IllegalStateException("down")}}) {
            Object[] args = {(String) outcome[0]};
            String lease = store.leaseKey(ns + "opaque:" + outcome[0]);
            Object token = runtime.enterCached(id, args);
            assertFalse(token instanceof Hit, "a miss");
            assertEquals(1, redis.admin().exists(lease), "the miss took a lease");
            runtime.exitCached(id, token, args, outcome[1], (Throwable) outcome[2]);
            Await.until("the lease of the " + outcome[0] + " value released",
                    () -> redis.admin().exists(lease) == 0);
            assertEquals(0, redis.admin().exists(ns + "opaque:" + outcome[0]));
        }
    }
}
