package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.events.StreamReader;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.FailoverWatch;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.WeftIds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One instance of an application for failover and warm-start tests: a runtime connected to Redis as
 * {@code RedisConnector} connects it (store, publisher, reader and {@link FailoverWatch}), with two cached methods,
 * {@code books:<id>} tagged {@code book:<id>} and the untagged {@code authors:<id>} (cache {@code authors}), and two
 * invalidations of the first: by key and by tag. Foreign {@code book.updated} events evict {@code books:<book_id>}.
 */
final class RedisInstance implements AutoCloseable {

    static final String FOREIGN = "book.updated";

    private final Closer closer = new Closer();
    final CacheRuntime runtime;
    final StreamReader reader;
    final FailoverWatch failovers;
    private final int find;
    private final int findAuthor;
    final NamedCache books;
    final NamedCache authors;
    final SharedLevel shared;
    private final int save;
    private final int saveByTag;

    /** The method the instances cache (its return type is how values are read back from Redis). */
    static final class Books {
        String find(String bookId) {
            return bookId;
        }
    }

    /**
     * Connects and waits until the reader is at the end of its streams.
     *
     * @param endpoint where Redis is; closed with this instance
     * @param timeout {@code weft.redis.timeout}
     */
    RedisInstance(RedisEndpoint endpoint, String ns, String id, Duration timeout) {
        this(endpoint, ns, id, timeout, new CircuitBreaker("test instance " + id), true);
    }

    /**
     * Connects as above, the store's commands going through {@code storeBreaker}.
     *
     * @param publishing whether the publisher's thread is started; when it is not, events wait in its queue and no
     *     thread but the callers' retries the shared level's failed deletes (the publisher retries them before it
     *     sends an event)
     */
    RedisInstance(RedisEndpoint endpoint, String ns, String id, Duration timeout, CircuitBreaker storeBreaker,
            boolean publishing) {
        MethodTable methods = new MethodTable();
        CacheRegistry caches = new CacheRegistry();
        LoaderScopes scopes = new LoaderScopes();
        ClassLoader loader = getClass().getClassLoader();
        runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1), Duration.ofSeconds(5),
                Ticker.systemTicker(), Ticker.systemTicker());
        DeclaredMethod declared = new DeclaredMethod(Books.class.getName(), "find", List.of("java.lang.String"),
                List.of("bookId"), loader);
        books = caches.cache("books", true);
        find = methods.register(new CachedMethod(declared, books,
                (args, result) -> "books:" + args[0], scopes.of(loader), 60_000, TimeUnit.MINUTES.toNanos(1), false,
                true, ResultShape.PLAIN, null, List.of((args, result) -> "book:" + args[0]), false, 0));
        authors = caches.cache("authors", true);
        findAuthor = methods.register(new CachedMethod(declared, authors, (args, result) -> "authors:" + args[0],
                scopes.of(loader), 60_000, TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null, List.of(),
                false, 0));
        save = methods.register(new Invalidation(declared, List.of((args, result) -> "books:" + args[0]), List.of(),
                false, EventStreams.CACHE_INVALIDATED));
        saveByTag = methods.register(new Invalidation(declared, List.of(), List.of(),
                List.of((args, result) -> "book:" + args[0]), false, EventStreams.CACHE_INVALIDATED,
                declared.parameterNames()));
        closer.later(endpoint);
        String instanceId = WeftIds.of(id); // the other instances take its events for a Weft instance's
        RedisStore store = closer.later(new RedisStore(endpoint, timeout, storeBreaker));
        RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT); // as the agent does, so lookups do not wait for it
        EventPublisher publisher = closer.later(
                new EventPublisher(endpoint, ns, 10_000, RedisConnector.PUBLISH_BUFFER, timeout, instanceId));
        reader = closer.later(new StreamReader(endpoint, ns, 10_000, instanceId,
                ForeignEventMapping.parse(Map.of(FOREIGN, "books:{book_id}")), runtime));
        shared = new SharedLevel(store, new ValueCodecs(1 << 20, 0), ns, Duration.ofSeconds(1));
        runtime.connect(shared, publisher, instanceId,
                bound -> RedisConnector.caughtUp(store, reader, bound));
        if (publishing) {
            publisher.start();
        }
        reader.start();
        failovers = closer.later(RedisConnector.watchFailovers(endpoint, timeout, runtime));
        Await.until("instance " + id + " reads the streams", reader::positioned);
    }

    /** A call as woven code makes it: the value of a hit, or {@code body} after running the method. */
    Object find(String bookId, String body) {
        return WovenCall.call(runtime, find, bookId, body);
    }

    /** A call whose body reads {@code database} (only on a miss, after the lookup took its lease). */
    Object find(String bookId, Supplier<String> database) {
        return WovenCall.call(runtime, find, bookId, database);
    }

    /** A call of the untagged method: {@code authors:<authorId>}. */
    Object findAuthor(String authorId, Supplier<String> database) {
        return WovenCall.call(runtime, findAuthor, authorId, database);
    }

    /** What the application's save of a book invalidates: {@code books:<bookId>}, with its event. */
    void save(String bookId) {
        runtime.invalidate(save, new Object[] {bookId}, null);
    }

    /** The same save, invalidating by the tag {@code book:<bookId>} instead of the key. */
    void saveByTag(String bookId) {
        runtime.invalidate(saveByTag, new Object[] {bookId}, null);
    }

    @Override
    public void close() throws Exception {
        closer.close();
    }
}
