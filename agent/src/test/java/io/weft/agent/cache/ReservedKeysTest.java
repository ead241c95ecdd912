package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.events.EventJson;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EventStreams;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.LogCapture;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rendered keys share the namespace's key space with Weft's own Redis names: a key template like {@code {path}} with a
 * caller's argument must not let a call store a value at an event stream's name (which would break every instance's
 * events), read a stream or set (a {@code WRONGTYPE} error counted against the breaker), delete one with an
 * invalidation, or a prefix invalidation delete them. Such keys are cached in L1 only.
 */
class ReservedKeysTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String NS = "reserved:";
    private static final String STREAM = EventStreams.key(NS, EventStreams.CACHE_INVALIDATED);
    private static final String STREAM_KEY = EventStreams.KEY_PREFIX + EventStreams.CACHE_INVALIDATED;

    private final Closer closer = new Closer();
    private final RedisFixture redis = closer.later(RedisFixture.startLocal(null));
    private final MethodTable methods = new MethodTable();
    private final NamedCache files = new CacheRegistry().cache("files", true);
    private RedisStore store;
    private EventPublisher publisher;
    private CacheRuntime runtime;
    private int read;
    private int write;

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    /** The methods of the application: what they return is how values are read back from Redis. */
    static final class Files {
        String read(String path) {
            return path;
        }

        void write(String path) {
        }
    }

    /** {@code Files.read(path)} cached under {@code {path}} and {@code Files.write(path)} evicting it, connected. */
    private void connect() {
        LoaderScopes scopes = new LoaderScopes();
        ClassLoader loader = getClass().getClassLoader();
        DeclaredMethod declared = new DeclaredMethod(Files.class.getName(), "read", List.of("java.lang.String"),
                List.of("path"), loader);
        read = methods.register(new CachedMethod(declared, files, (args, result) -> (String) args[0],
                scopes.of(loader), 60_000, TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null,
                List.of(), false, 0));
        write = methods.register(new Invalidation(new DeclaredMethod(Files.class.getName(), "write",
                List.of("java.lang.String"), List.of("path"), loader), List.of((args, result) -> (String) args[0]),
                List.of(), false, EventStreams.CACHE_INVALIDATED));
        runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1), Duration.ofSeconds(5),
                Ticker.systemTicker(), Ticker.systemTicker());
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        store = closer.later(new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("reserved keys")));
        publisher = closer.later(new EventPublisher(endpoint, NS, 10_000, 100, TIMEOUT, "host-1"));
        RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT);
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, Duration.ofSeconds(1)), publisher,
                "host-1", bound -> true);
        publisher.start();
    }

    private Object read(String path, String body) {
        return WovenCall.call(runtime, read, path, body);
    }

    /**
     * A call of an ordinary key: its lookup waits for its reply on the store's connection, so whatever an earlier call
     * sent there without waiting (a store) has been applied by the time it returns.
     */
    private void roundTrip() {
        assertEquals("ordinary", read("books:1", "ordinary"));
    }

    @Test
    void aKeyNamedLikeTheEventStreamIsCachedInL1OnlyAndTheStreamKeepsWorking() throws Exception {
        connect();
        String log;
        try (LogCapture capture = new LogCapture()) {
            assertEquals("first", read(STREAM_KEY, "first"));
            log = capture.text();
        }
        assertEquals("first", read(STREAM_KEY, "second"), "the second call is an L1 hit");
        assertEquals(1, files.stats().l1Hits());
        roundTrip();

        assertEquals("none", redis.admin().type(STREAM), "nothing was stored at the stream's name");
        assertEquals(0, redis.admin().exists(STREAM + ":weft-lease"), "no lease was taken for it");
        String entry = redis.admin().xadd(STREAM, Map.of("type", "t"));
        assertNotNull(entry, "an XADD works");
        assertEquals("stream", redis.admin().type(STREAM));

        runtime.invalidate(write, new Object[] {STREAM_KEY}, null);
        assertEquals("third", read(STREAM_KEY, "third"), "the invalidation evicted it from L1");
        assertTrue(publisher.awaitPublished(TIMEOUT));
        List<StreamMessage<String, String>> events = redis.admin().xrange(STREAM, Range.create("-", "+"));
        assertEquals(entry, events.get(0).getId(), "the stream is as it was");
        assertEquals(List.of(STREAM_KEY), EventJson.decode(events.get(events.size() - 1).getBody().get("event")).keys(),
                "the event names the key, for the other instances' L1");
        assertEquals(0, store.failures());
        assertTrue(log.contains("key " + STREAM_KEY + " of " + Files.class.getName() + "#read is one of Weft's own"
                + " Redis names (events:, weft-tag:, weft-warm:, :weft-lease); it is cached in L1 only"), log);
    }

    @Test
    void aKeyNamedLikeAnExistingStreamIsNeverReadFromRedis() {
        connect();
        String id = redis.admin().xadd(STREAM, Map.of("type", "t"));
        assertEquals("first", read(STREAM_KEY, "first"));
        roundTrip();
        assertEquals(0, store.failures(), "no WRONGTYPE reply counted against the breaker");
        assertEquals("stream", redis.admin().type(STREAM));
        assertEquals(id, redis.admin().xrange(STREAM, Range.create("-", "+")).get(0).getId());
    }

    @Test
    void invalidatingAKeyNamedLikeWeftsOwnKeysLeavesThemInPlace() throws Exception {
        connect();
        String firstEntry = redis.admin().xadd(STREAM, Map.of("type", "t"));
        redis.admin().zadd(NS + "weft-tag:user:1", 1, NS + "books:1");
        redis.admin().zadd(NS + "weft-warm:books", 5, "books:1");
        redis.admin().set(NS + "books:1:weft-lease", "another instance's token");
        Map<String, String> types = new LinkedHashMap<>();
        types.put(STREAM_KEY, "stream");
        types.put("weft-tag:user:1", "zset");
        types.put("weft-warm:books", "zset");
        types.put("books:1:weft-lease", "string");

        for (String key : types.keySet()) {
            runtime.invalidate(write, new Object[] {key}, null);
        }

        types.forEach((key, type) -> assertEquals(type, redis.admin().type(NS + key), key));
        assertEquals(firstEntry, redis.admin().xrange(STREAM, Range.create("-", "+")).get(0).getId(),
                "the stream's entries are all there");
        assertEquals(1, redis.admin().zcard(NS + "weft-tag:user:1"));
        assertEquals(1, redis.admin().zcard(NS + "weft-warm:books"));
        assertEquals("another instance's token", redis.admin().get(NS + "books:1:weft-lease"));
        assertEquals(0, store.failures());

        assertTrue(publisher.awaitPublished(TIMEOUT));
        List<StreamMessage<String, String>> events = redis.admin().xrange(STREAM, Range.create("-", "+"));
        assertEquals(1 + types.size(), events.size(), "one event per invalidation, for the other instances' L1");
        List<String> keys = List.copyOf(types.keySet());
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(List.of(keys.get(i)), EventJson.decode(events.get(1 + i).getBody().get("event")).keys());
        }
    }

    @Test
    void aPrefixDeleteSparesStreamsTagAndWarmSetsButNotValuesOrLeases() {
        connect();
        SharedLevel shared = new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, Duration.ofSeconds(1));
        List<String> values = List.of("e1", "events-x", "e1:weft-lease", "w1", "weft-x", "weft-tag-x");
        values.forEach(key -> redis.admin().set(NS + key, "v"));
        redis.admin().xadd(NS + "events:t", Map.of("type", "t"));
        redis.admin().zadd(NS + "weft-tag:x", 1, NS + "books:1");
        redis.admin().zadd(NS + "weft-warm:c", 1, "books:1");
        redis.admin().set("other:e1", "v");

        shared.evict(List.of(), List.of("e", "w"), List.of());

        for (String key : values) {
            assertEquals(0, redis.admin().exists(NS + key), key + " is deleted");
        }
        assertEquals("stream", redis.admin().type(NS + "events:t"));
        assertEquals("zset", redis.admin().type(NS + "weft-tag:x"));
        assertEquals("zset", redis.admin().type(NS + "weft-warm:c"));
        assertEquals("v", redis.admin().get("other:e1"), "outside the namespace");
        assertTrue(shared.pendingDeletes().retry(), "nothing failed");
    }
}
