package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.events.EventStreams;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime behind the real {@link Dispatch} entry points, in one JVM, on a {@link FakeTicker}: hits, misses,
 * single flight, the stale-set mark, the L1 lifetime cap, TTL expiry and the {@code weft.load.maxWait} bound, each
 * decided by the ticker, never by sleeping.
 */
class DispatchedRuntimeTest {

    private static final Duration L1_TTL = Duration.ofMinutes(1);
    /** Long enough that a wait measured by the wall clock, not the ticker, would hang the test. */
    private static final Duration MAX_WAIT = Duration.ofHours(1);
    private static final Duration HANG = Duration.ofSeconds(20);

    private final FakeTicker ticker = new FakeTicker();
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, L1_TTL.toNanos(), MAX_WAIT, ticker, ticker);

    @BeforeEach
    void install() {
        Dispatch.install(runtime);
    }

    @AfterEach
    void uninstall() {
        Dispatch.install(null);
    }

    /** {@code book:<id>} with a TTL of {@code ttl}, as {@code MethodPlanner} binds it (L1 life capped by {@code weft.l1.ttl}). */
    private int cached(Duration ttl) {
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "find", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return methods.register(new CachedMethod(declared, caches.cache("book", true), (args, result) -> "book:" + args[0],
                scopes.of(getClass().getClassLoader()), ttl.toMillis(), Math.min(ttl.toNanos(), L1_TTL.toNanos()), false,
                true, ResultShape.PLAIN, null, List.of(), false, 0));
    }

    private int invalidatesBook() {
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "save", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return methods.register(new Invalidation(declared, List.of((args, result) -> "book:" + args[0]), List.of(), false,
                EventStreams.CACHE_INVALIDATED));
    }

    private Object call(int id, String arg, String body) {
        return WovenCall.call(WovenCall.DISPATCH, id, arg, body);
    }

    private CacheStats stats() {
        return caches.find("book").stats();
    }

    @Test
    void aMissRunsTheBodyAndTheNextCallIsAHit() {
        int id = cached(Duration.ofHours(1));
        assertEquals("v1", call(id, "1", "v1"));
        assertEquals("v1", call(id, "1", "v2"));
        assertEquals(1, stats().misses());
        assertEquals(1, stats().l1Hits());
    }

    @Test
    void concurrentCallersOfOneKeyRunTheBodyOnce() throws Exception {
        int id = cached(Duration.ofHours(1));
        Object[] args = {"1"};
        Object token = Dispatch.enterCached(id, args);
        assertInstanceOf(Load.class, token);
        CompletableFuture<Object> joined = Joiners.enter(WovenCall.DISPATCH, id, "1");
        Joiners.awaitParked(1);
        Dispatch.exitCached(id, token, args, "v");
        assertEquals("v", ((Hit) joined.get(HANG.toSeconds(), TimeUnit.SECONDS)).value());
        assertEquals(1, stats().misses(), "the body ran once");
        assertEquals(0, stats().loadWaitTimeouts());
    }

    @Test
    void aLoadInvalidatedWhileItRunsIsNotKept() {
        int id = cached(Duration.ofHours(1));
        int save = invalidatesBook();
        Object[] args = {"1"};
        Object token = Dispatch.enterCached(id, args);
        Dispatch.invalidate(save, new Object[] {"1"}, null);
        Dispatch.exitCached(id, token, args, "loaded before the write");
        assertEquals(1, stats().staleStoresDiscarded());
        assertEquals("after the write", call(id, "1", "after the write"));
    }

    @Test
    void anEntryLivesNoLongerThanTheL1Ttl() {
        int id = cached(Duration.ofHours(1));
        assertEquals("v1", call(id, "1", "v1"));
        ticker.advance(L1_TTL.minusNanos(1));
        assertEquals("v1", call(id, "1", "v2"), "still within weft.l1.ttl");
        ticker.advance(Duration.ofNanos(1));
        assertEquals("v2", call(id, "1", "v2"), "weft.l1.ttl after it was written, though its TTL is an hour");
        assertEquals(2, stats().misses());
    }

    @Test
    void anEntryWithAShorterTtlExpiresAfterIt() {
        int id = cached(Duration.ofSeconds(10));
        assertEquals("v1", call(id, "1", "v1"));
        ticker.advance(Duration.ofSeconds(10).minusNanos(1));
        assertEquals("v1", call(id, "1", "v2"));
        ticker.advance(Duration.ofNanos(1));
        assertEquals("v2", call(id, "1", "v2"), "its own TTL is up");
        assertEquals(2, stats().misses());
    }

    @Test
    void aCallerOfALoadThatHasRunTheMaxWaitRunsTheMethodItself() throws Exception {
        int id = cached(Duration.ofHours(1));
        Object stuck = Joiners.enter(WovenCall.DISPATCH, id, "1").get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertInstanceOf(Load.class, stuck, "the other thread owns the load and never finishes it");
        ticker.advance(MAX_WAIT);
        Object late = assertTimeoutPreemptively(HANG, () -> Dispatch.enterCached(id, new Object[] {"1"}));
        assertNull(late, "runs uncached, without waiting");
        assertEquals(1, stats().loadWaitTimeouts());
        assertEquals(1, runtime.loadsInFlight(), "the stuck load is still the key's load");
    }
}
