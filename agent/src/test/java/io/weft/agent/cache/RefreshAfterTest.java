package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.RefreshOutcome;
import io.weft.agent.testing.Await;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12, {@code @CacheResult(refreshAfter = …)}, on the runtime's ticker: a hit on an entry older than
 * refreshAfter returns it at once and one background reload, on a reload thread, replaces it; an invalidation during
 * the reload wins; a full reload queue drops the reload (counted) and a later hit tries again; a failed reload keeps
 * the entry. Reloads call a private method reflectively, as in production.
 */
class RefreshAfterTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration REFRESH_AFTER = Duration.ofSeconds(4);

    private final FakeTicker ticker = new FakeTicker();
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private CacheRuntime runtime = runtime(2, 10);
    private final CountDownLatch release = new CountDownLatch(1);

    private final Closer closer = new Closer();

    @AfterEach
    void releaseReloads() throws Exception {
        release.countDown();
        closer.close();
    }

    private CacheRuntime runtime(int threads, int queue) {
        return new CacheRuntime(methods, scopes, 1_000, Duration.ofHours(1).toNanos(), Duration.ofSeconds(5), ticker, ticker,
                Refresher.REFLECTIVE, threads, queue);
    }

    private int register(String cache) {
        return register(cache, Books.class, "find", ResultShape.PLAIN);
    }

    private int register(String cache, Class<?> type, String name, ResultShape shape) {
        DeclaredMethod declared = new DeclaredMethod(type.getName(), name, List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return methods.register(new CachedMethod(declared, caches.cache(cache, true), (args, result) -> cache + ":"
                + args[0], scopes.of(getClass().getClassLoader()), TTL.toMillis(), TTL.toNanos(), false, true,
                shape, null, List.of(), false, 0, REFRESH_AFTER.toMillis()));
    }

    /** The shared level on {@code redis}, namespace {@code ns:}, once its connection is open. */
    private SharedLevel sharedLevel(RedisFixture redis) throws InterruptedException {
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        RedisStore store = closer.later(new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("refresh")));
        assertTrue(store.awaitOpen(Duration.ofSeconds(10)));
        return new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
    }

    private CacheStats stats(String cache) {
        return caches.find(cache).stats();
    }

    /**
     * What the agent makes of {@code @CacheResult(key = "…:{id}", refreshAfter = "4s") private String find(String id)}:
     * the woven entry hands over the receiver; the body counts its runs and their threads, and the reloads' wait
     * for the test.
     */
    final class Books {
        private final int methodId;
        final AtomicInteger runs = new AtomicInteger();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        volatile boolean holdReloads;
        volatile boolean failReloads;

        Books(int methodId) {
            this.methodId = methodId;
        }

        /** A call in the runtime of the moment (a test may switch instances while a reload runs in the other). */
        private String find(String id) {
            CacheRuntime instance = runtime;
            Object[] args = {id};
            Token token = instance.enterWithReceiver(methodId, this, args);
            if (token instanceof Hit) {
                return (String) ((Hit) token).value();
            }
            try {
                String value = body(id);
                instance.exitCached(methodId, token, args, value);
                return value;
            } catch (RuntimeException e) {
                instance.exitThrown(methodId, token, args, e);
                throw e;
            }
        }

        private String body(String id) {
            int run = runs.incrementAndGet();
            threads.add(Thread.currentThread());
            boolean reload = Thread.currentThread().getName().startsWith("weft-refresh-");
            if (reload && holdReloads) {
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            if (reload && failReloads) {
                throw new IllegalStateException("database down");
            }
            return id + " v" + run;
        }
    }

    /** What the agent makes of a {@code refreshAfter} method returning a future: its value is cached, not the future. */
    final class Quotes {
        private final int methodId;
        final AtomicInteger runs = new AtomicInteger();
        final CompletableFuture<String> pending = new CompletableFuture<>();

        Quotes(int methodId) {
            this.methodId = methodId;
        }

        @SuppressWarnings("unchecked")
        private CompletableFuture<String> quote(String id) {
            Object[] args = {id};
            Token token = runtime.enterWithReceiver(methodId, this, args);
            if (token instanceof Hit) {
                return (CompletableFuture<String>) ((Hit) token).value();
            }
            int run = runs.incrementAndGet();
            CompletableFuture<String> value = run == 1 ? CompletableFuture.completedFuture(id + " v1")
                    : pending.thenApply(v -> id + " v" + run);
            runtime.exitCached(methodId, token, args, value);
            return value;
        }
    }

    @Test
    void aReloadOfAFutureStoresItsValueOnceTheFutureCompletes() {
        Quotes quotes = new Quotes(register("quotes", Quotes.class, "quote", ResultShape.FUTURE));
        assertEquals("q v1", quotes.quote("q").join());
        ticker.advance(REFRESH_AFTER);
        assertEquals("q v1", quotes.quote("q").join());
        Await.until("the reload's body ran", () -> quotes.runs.get() == 2);
        assertEquals("q v1", quotes.quote("q").join(), "its future has not completed");
        assertEquals(0, stats("quotes").refreshes(RefreshOutcome.SUCCEEDED));

        quotes.pending.complete("done");
        Await.until("the reload replaced the entry", () -> "q v2".equals(quotes.quote("q").join()));
        Await.until("the reload counted", () -> stats("quotes").refreshes(RefreshOutcome.SUCCEEDED) == 1);
    }

    @Test
    void aHitOnAnOldEntryReturnsItAtOnceAndOneReloadReplacesIt() {
        Books books = new Books(register("books"));
        assertEquals("1 v1", books.find("1"));
        ticker.advance(REFRESH_AFTER.minusMillis(1));
        assertEquals("1 v1", books.find("1"));
        assertEquals(1, books.runs.get(), "younger than refreshAfter: a plain hit");

        books.holdReloads = true;
        ticker.advance(Duration.ofMillis(1));
        for (int i = 0; i < 50; i++) {
            assertEquals("1 v1", books.find("1"), "the old value, at once, while the reload runs");
        }
        release.countDown();
        Await.until("the reload replaced the entry", () -> "1 v2".equals(books.find("1")));

        assertEquals(2, books.runs.get(), "one reload for 50 hits");
        assertTrue(books.threads.get(1).getName().startsWith("weft-refresh-"), "not on the caller's thread");
        assertEquals(1, stats("books").refreshes(RefreshOutcome.STARTED));
        // counted once the reflective call returned, which may come after the new entry is seen
        Await.until("the reload counted", () -> stats("books").refreshes(RefreshOutcome.SUCCEEDED) == 1);
        assertEquals(1, stats("books").misses(), "no caller missed");

        ticker.advance(REFRESH_AFTER);
        books.find("1");
        Await.until("the replaced entry is reloaded once old in its turn", () -> "1 v3".equals(books.find("1")));
    }

    /** SPEC §12's hot keys: a reload replaces a key's entry in L1, and the hits counted on the key stay with it. */
    @Test
    void aReloadedKeyKeepsItsHitsAmongTheHotKeys() {
        Books books = new Books(register("books"));
        for (int i = 0; i < 100; i++) {
            books.find("hot");
        }
        for (int i = 0; i < 5; i++) {
            books.find("mild");
        }
        ticker.advance(REFRESH_AFTER);
        books.find("hot");
        Await.until("the reload replaced the entry", () -> "hot v3".equals(books.find("hot")));

        assertEquals(List.of("books:hot", "books:mild"), runtime.hotKeys(caches.find("books"), 10));
    }

    @Test
    void anInvalidationDuringTheReloadWins() {
        Books books = new Books(register("books"));
        books.find("1");
        books.holdReloads = true;
        ticker.advance(REFRESH_AFTER);
        assertEquals("1 v1", books.find("1"));
        Await.until("the reload runs", () -> books.runs.get() == 2);

        runtime.evictKey("books:1");
        release.countDown();
        Await.until("the reload ended", () -> stats("books").refreshes(RefreshOutcome.SUCCEEDED) == 1);

        assertEquals(1, stats("books").staleStoresDiscarded(), "the reload's value was not kept");
        assertEquals("1 v3", books.find("1"), "after the invalidation, a miss loads afresh");
    }

    @Test
    void aFullQueueDropsTheReloadCountedAndALaterHitTriesAgain() {
        runtime = runtime(1, 1);
        Books books = new Books(register("books"));
        books.find("a");
        books.find("b");
        books.find("c");
        books.holdReloads = true;
        ticker.advance(REFRESH_AFTER);
        books.find("a");
        Await.until("the first reload holds the only thread", () -> books.runs.get() == 4);
        books.find("b");
        books.find("c");
        assertEquals(1, stats("books").refreshes(RefreshOutcome.DROPPED), "b's reload waits, c's is dropped");

        release.countDown();
        Await.until("a's and b's reloads ended", () -> stats("books").refreshes(RefreshOutcome.SUCCEEDED) == 2);
        assertEquals("c v3", books.find("c"), "the dropped entry is still served");
        Await.until("a later hit reloaded it", () -> "c v6".equals(books.find("c")));
    }

    @Test
    void aFailedReloadKeepsTheEntryUntilItsTtl() {
        Books books = new Books(register("books"));
        books.find("1");
        books.failReloads = true;
        ticker.advance(REFRESH_AFTER);
        books.find("1");
        Await.until("the reload failed", () -> stats("books").refreshes(RefreshOutcome.FAILED) == 1);
        assertEquals("1 v1", books.find("1"));
        assertEquals(0, stats("books").refreshes(RefreshOutcome.SUCCEEDED));
        assertEquals(0, runtime.loadsInFlight(), "the reload's load ended");

        books.failReloads = false;
        ticker.advance(TTL.minus(REFRESH_AFTER));
        assertEquals("1 v3", books.find("1"), "past its TTL the caller loads it");
        assertFalse(books.threads.get(2).getName().startsWith("weft-refresh-"));
    }

    /**
     * An entry read from Redis is as old as it is there (TTL − PTTL): an instance that reads an old value reloads it,
     * and one that reads a young value does not, until it is due.
     */
    @Test
    void anEntryReadFromRedisIsAsOldAsItIsThere() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        SharedLevel shared = sharedLevel(redis);
        runtime.connect(shared, null, "first", bound -> true);
        Books books = new Books(register("books"));
        books.find("old");
        books.find("young");
        books.find("marker");
        Await.until("all stored in Redis",
                () -> redis.admin().exists("ns:books:old", "ns:books:young", "ns:books:marker") == 3);
        long fiveSecondsOld = TTL.minus(REFRESH_AFTER).minusSeconds(1).toMillis();
        redis.admin().pexpire("ns:books:old", fiveSecondsOld);
        redis.admin().pexpire("ns:books:young", TTL.minusSeconds(1).toMillis()); // 1 s old
        redis.admin().pexpire("ns:books:marker", fiveSecondsOld);

        // another instance, whose L1 is empty, with one reload thread: its reloads run one after the other, in the
        // order the hits queued them
        runtime = runtime(1, 10);
        runtime.connect(shared, null, "second", bound -> true);
        assertEquals("old v1", books.find("old"), "from Redis");
        assertEquals("young v2", books.find("young"), "from Redis");
        Await.until("the old entry was reloaded", () -> "old v4".equals(books.find("old")));
        assertEquals(1, stats("books").refreshes(RefreshOutcome.STARTED));

        assertEquals("young v2", books.find("young"), "a hit on the young entry returns it");
        // a reload the young entry's hit queued (a reload returns the old value at once and runs later) would run
        // before the marker's, queued after it on the same thread: once the marker is reloaded, it has run
        assertEquals("marker v3", books.find("marker"), "from Redis");
        Await.until("the marker was reloaded", () -> !"marker v3".equals(books.find("marker")));
        assertEquals(5, books.runs.get(), "1 s old: the young entry was not reloaded");
        assertEquals(2, stats("books").refreshes(RefreshOutcome.STARTED), "the old entry's and the marker's");
        assertEquals("marker v5", books.find("marker"));

        ticker.advance(REFRESH_AFTER.minusSeconds(1));
        // as old in Redis: a value younger there would replace the entry instead (another instance reloaded it)
        redis.admin().pexpire("ns:books:young", TTL.minus(REFRESH_AFTER).toMillis());
        Await.until("due 3 s later", () -> "young v6".equals(books.find("young")));
        assertEquals(3, stats("books").refreshes(RefreshOutcome.STARTED));
    }

    /**
     * SPEC §12, one reload per key across the fleet: an instance whose entry is due reads the key in Redis first, and
     * takes the value another instance reloaded instead of running the method again.
     */
    @Test
    void aDueEntryTakesTheValueAnotherInstanceReloaded() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        SharedLevel shared = sharedLevel(redis);
        CacheRuntime first = runtime;
        first.connect(shared, null, "first", bound -> true);
        CacheRuntime second = runtime(1, 10);
        second.connect(shared, null, "second", bound -> true);
        Books books = new Books(register("books"));
        assertEquals("k v1", books.find("k"));
        Await.until("stored in Redis", () -> redis.admin().exists("ns:books:k") == 1);
        runtime = second;
        assertEquals("k v1", books.find("k"), "from Redis");

        ticker.advance(REFRESH_AFTER);
        redis.admin().pexpire("ns:books:k", TTL.minus(REFRESH_AFTER).toMillis()); // as old in Redis
        runtime = first;
        assertEquals("k v1", books.find("k"));
        Await.until("the first instance reloaded the key", () -> "\"k v2\"".equals(redis.admin().get("ns:books:k")));

        runtime = second;
        assertEquals("k v1", books.find("k"), "its own entry, due: at once");
        Await.until("the second instance took the value the first reloaded", () -> "k v2".equals(books.find("k")));
        assertEquals(2, books.runs.get(), "one reload across the fleet");
    }

    /**
     * While another instance holds the key's lease (it is reloading the key), a due entry is due again
     * {@code weft.lease.wait} later, and then takes the value that instance stored.
     */
    @Test
    void whileAnotherInstanceHoldsTheLeaseTheEntryIsDueAgainLater() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        runtime = runtime(1, 10);
        runtime.connect(sharedLevel(redis), null, "only", bound -> true);
        Books books = new Books(register("books"));
        books.find("k");
        books.find("marker");
        Await.until("stored in Redis", () -> redis.admin().exists("ns:books:k", "ns:books:marker") == 2);
        ticker.advance(REFRESH_AFTER);
        long asOld = TTL.minus(REFRESH_AFTER).toMillis();
        redis.admin().pexpire("ns:books:k", asOld);
        redis.admin().pexpire("ns:books:marker", asOld);
        redis.admin().set("ns:books:k:weft-lease", "another instance's");

        assertEquals("k v1", books.find("k"));
        // one reload thread: the marker's reload, queued behind the key's, runs once the key's has ended
        assertEquals("marker v2", books.find("marker"));
        Await.until("the marker was reloaded", () -> "marker v3".equals(books.find("marker")));
        assertEquals(3, books.runs.get(), "the key was not reloaded: another instance holds its lease");

        redis.admin().set("ns:books:k", "\"k v9\""); // what that instance reloaded
        redis.admin().pexpire("ns:books:k", TTL.toMillis());
        redis.admin().del("ns:books:k:weft-lease");
        assertEquals("k v1", books.find("k"), "not due again before weft.lease.wait");
        ticker.advance(Duration.ofSeconds(1));
        Await.until("due again, it takes that instance's value", () -> "k v9".equals(books.find("k")));
        assertEquals(3, books.runs.get());
    }

    /**
     * SPEC §12 with §13's warm start: an entry a starting instance fills from Redis is as old as it is there, so a hit
     * on an old one reloads it, as a hit on an entry read from Redis at a miss does.
     */
    @Test
    void anEntryFilledByAWarmStartIsAsOldAsItIsInRedis() throws Exception {
        RedisFixture redis = closer.later(RedisFixture.startLocal(null));
        SharedLevel shared = sharedLevel(redis);
        runtime.connect(shared, null, "first", bound -> true);
        Books books = new Books(register("books"));
        books.find("old");
        books.find("old");
        closer.later(runtime.startWarmStarts(10, Duration.ofHours(1))).record(shared);
        Await.until("stored in Redis", () -> redis.admin().exists("ns:books:old") == 1);
        redis.admin().pexpire("ns:books:old", TTL.minus(REFRESH_AFTER).minusSeconds(1).toMillis()); // 5 s old

        runtime = runtime(1, 10);
        runtime.connect(shared, null, "second", bound -> true);
        closer.later(runtime.startWarmStarts(10, Duration.ofHours(1)));
        Await.until("the warm start filled the key", () -> stats("books").warmed() == 1);
        assertEquals("old v1", books.find("old"), "from the L1 the warm start filled");
        Await.until("the old entry was reloaded", () -> "old v2".equals(books.find("old")));
        assertEquals(1, stats("books").refreshes(RefreshOutcome.STARTED));
    }
}
