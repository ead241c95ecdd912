package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.events.EventStreams;
import io.weft.agent.keys.BatchTemplate;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.Template;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        return methods.register(method("find", "java.lang.String", "id", (args, result) -> "book:" + args[0],
                ResultShape.PLAIN, ttl));
    }

    /** {@code book:{ids[*]}} over a {@code List<String>}, with a TTL of an hour: its elements are {@link #cached}'s. */
    private int batch() {
        BatchTemplate key = BatchTemplate.bind(Template.parse("book:{ids[*]}"),
                new ListParameter("ids", "java.lang.String"), false);
        return methods.register(new BatchMethod(method("findAll", "java.util.List", "ids", key.element(),
                ResultShape.BATCH, Duration.ofHours(1)), key));
    }

    /** A {@code com.acme.Books} method of one parameter, caching in {@code book}. */
    private CachedMethod method(String name, String parameterType, String parameter, KeyRenderer key, ResultShape shape,
            Duration ttl) {
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", name, List.of(parameterType),
                List.of(parameter), getClass().getClassLoader());
        return new CachedMethod(declared, caches.cache("book", true), key, scopes.of(getClass().getClassLoader()),
                ttl.toMillis(), Math.min(ttl.toNanos(), L1_TTL.toNanos()), false, true, shape, null, List.of(), false,
                0);
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

    /**
     * A batch call meets other calls' loads of its elements that do not end: it waits for them {@code
     * weft.load.maxWait} in all, not once per element. The load of 1 ends only when the call has waited that long,
     * and the loads of 2 and 3, which other calls started meanwhile, would each still have half of it left: the call
     * does not wait for them, and loads them itself.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aBatchCallWaitsForOtherCallsLoadsAtMostTheMaxWaitInAll() throws Exception {
        int single = cached(Duration.ofHours(1));
        int batch = batch();
        Object one = Joiners.enter(WovenCall.DISPATCH, single, "1").get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertInstanceOf(Load.class, one, "another call loads 1");
        Object[] args = {List.of("1", "2", "3")};
        CompletableFuture<Object> entered = Joiners.onThread(() -> Dispatch.enterBatch(batch, args));
        Joiners.awaitParked(1);
        ticker.advance(MAX_WAIT.dividedBy(2));
        for (String element : List.of("2", "3")) {
            assertInstanceOf(Load.class, Joiners.enter(WovenCall.DISPATCH, single, element)
                    .get(HANG.toSeconds(), TimeUnit.SECONDS), "other calls start loading " + element + " meanwhile");
        }
        ticker.advance(MAX_WAIT.dividedBy(2));
        Dispatch.exitCached(single, one, new Object[] {"1"}, "v1");

        Object token = assertTimeoutPreemptively(HANG, entered::join,
                "the call has waited weft.load.maxWait: it does not wait for the loads of 2 and 3 (half of it left)");
        assertInstanceOf(BatchLoad.class, token);
        assertEquals(List.of("2", "3"), args[0], "the elements whose loads it did not wait for, loaded by the call");
        assertEquals(1, stats().batchJoinedElements());
        assertEquals(1, stats().loadWaitTimeouts(), "one call gave up waiting");
        Map<String, String> merged = (Map<String, String>) Dispatch.exitBatch(batch, token, args,
                Map.of("2", "v2", "3", "v3"));
        assertEquals(Map.of("1", "v1", "2", "v2", "3", "v3"), merged);
        assertEquals(2, runtime.loadsInFlight(), "the loads of 2 and 3 are still the other calls'");
    }
}
