package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.KeyScope;
import io.weft.agent.keys.Template;
import io.weft.agent.keys.TemplateBinder;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.LogCapture;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime as woven code drives it (enter, body, exit), without weaving and without Redis, on a
 * {@link FakeTicker}: hits, misses, single flight, the stale-set mark, loader scopes, and the ways a load
 * could be left behind (SPEC §10). {@link DispatchedRuntimeTest} covers what time decides.
 */
class CacheRuntimeTest {

    private static final Duration MAX_WAIT = Duration.ofSeconds(5);
    private static final Duration NEVER = Duration.ofSeconds(20);

    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final FakeTicker ticker = new FakeTicker();
    private final CacheRuntime runtime =
            new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1), MAX_WAIT, ticker, ticker);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private static DeclaredMethod declared(String name) {
        return new DeclaredMethod("com.acme.Books", name, List.of("java.lang.String"), List.of("id"),
                CacheRuntimeTest.class.getClassLoader());
    }

    private static KeyRenderer key(String literal) {
        return (args, result) -> literal + args[0];
    }

    private int cached(String cacheName, KeyScope scope, ResultShape shape, Invalidation alsoEvicts) {
        return cached(cacheName, scope, shape, alsoEvicts, true);
    }

    private int cached(String cacheName, KeyScope scope, ResultShape shape, Invalidation alsoEvicts, boolean usesL1) {
        return methods.register(new CachedMethod(declared("find"), caches.cache(cacheName, true), key("book:"), scope,
                60_000, TimeUnit.MINUTES.toNanos(1), false, usesL1, shape, alsoEvicts, List.of(), false, 0));
    }

    /** {@code Books#find} as the class of {@code webApp} declares it. */
    private int cachedIn(ClassLoader webApp) {
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "find", List.of("java.lang.String"),
                List.of("id"), webApp);
        return methods.register(new CachedMethod(declared, caches.cache("book", true), key("book:"), scopes.of(webApp),
                60_000, TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null, List.of(), false, 0));
    }

    private int cached() {
        return cached("book", scopes.of(getClass().getClassLoader()), ResultShape.PLAIN, null);
    }

    /** A method that also evicts before its body, through a key whose rendering throws (a getter that fails). */
    private int cachedWithFailingEviction() {
        KeyRenderer throwing = (args, result) -> {
            throw new IllegalStateException("a getter in the key template threw");
        };
        Invalidation evictsFirst = new Invalidation(declared("find"), List.of(throwing), List.of(), true, "cache.invalidated");
        return cached("book", scopes.of(getClass().getClassLoader()), ResultShape.PLAIN, evictsFirst);
    }

    /** A call as woven code makes it: the value of a hit, or the body's result after running it. */
    private Object call(int id, String arg, String body) {
        return WovenCall.call(runtime, id, arg, body);
    }

    private long staleDiscarded() {
        return caches.find("book").stats().staleStoresDiscarded();
    }

    @Test
    void aMissRunsTheBodyAndTheNextCallIsAnL1Hit() {
        int id = cached();
        assertEquals("v1", call(id, "1", "v1"));
        assertEquals("v1", call(id, "1", "v2"));
        assertEquals(1, caches.find("book").stats().misses());
        assertEquals(1, caches.find("book").stats().l1Hits());
    }

    @Test
    void withoutAnL1EveryCallRunsTheBody() {
        CacheRuntime noL1 = new CacheRuntime(methods, scopes, 0, TimeUnit.MINUTES.toNanos(1), MAX_WAIT, ticker, ticker);
        int id = cached();
        assertEquals("v1", WovenCall.call(noL1, id, "1", "v1"));
        assertEquals("v2", WovenCall.call(noL1, id, "1", "v2"));
        assertEquals(2, caches.find("book").stats().misses());
        assertEquals(0, caches.find("book").stats().l1Hits());
        assertEquals(0, staleDiscarded(), "a value not kept for want of an L1 is not a stale store");
        assertEquals(0, noL1.l1Size());
    }

    @Test
    void aCacheThatSkipsL1KeepsNothingInIt() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.PLAIN, null, false);
        assertEquals("v1", call(id, "1", "v1"));
        assertEquals("v2", call(id, "1", "v2"), "no L1 (and no Redis here): the body runs again");
        assertEquals(0, runtime.l1Size());
        assertEquals(2, caches.find("book").stats().misses());
    }

    @Test
    void anInvalidationDuringTheLoadDiscardsItsResult() {
        int id = cached();
        Map<String, Runnable> invalidations = new LinkedHashMap<>();
        invalidations.put("key", () -> runtime.evictKey("book:1"));
        invalidations.put("prefix", () -> runtime.evictPrefix("book:"));
        invalidations.put("clear", runtime::clear);
        long discarded = 0;
        for (Map.Entry<String, Runnable> invalidation : invalidations.entrySet()) {
            Object[] args = {"1"};
            Token token = runtime.enterCached(id, args);
            assertInstanceOf(Load.class, token);
            invalidation.getValue().run();
            runtime.exitCached(id, token, args, "loaded before the write");
            assertEquals(++discarded, staleDiscarded(), invalidation.getKey());
            assertEquals("after the write", call(id, "1", "after the write"), invalidation.getKey());
            runtime.evictKey("book:1");
        }
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        runtime.evictPrefix("author:");
        runtime.exitCached(id, token, args, "kept");
        assertEquals("kept", call(id, "1", "not run"), "a prefix of other keys leaves the load alone");
        assertEquals(discarded, staleDiscarded());
    }

    @Test
    void clearingOneCacheLeavesTheEntriesOfTheOthers() {
        KeyScope scope = scopes.of(getClass().getClassLoader());
        int books = cached();
        int authors = cached("author", scope, ResultShape.PLAIN, null);
        assertEquals("b1", call(books, "1", "b1"));
        assertEquals("a2", call(authors, "2", "a2"));

        assertEquals(1, runtime.clear(caches.find("book")));

        assertEquals("b1'", call(books, "1", "b1'"));
        assertEquals("a2", call(authors, "2", "a2'"), "the other cache's entry stays");
    }

    @Test
    void concurrentMissesRunTheBodyOnceAndTheOthersGetItsValue() throws Exception {
        int id = cached();
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        assertInstanceOf(Load.class, token);
        Future<Object> joiner = Joiners.enter(runtime, id, "1");
        Joiners.awaitParked(1);
        runtime.exitCached(id, token, args, "v");
        Object joined = joiner.get(10, TimeUnit.SECONDS);
        assertEquals("v", ((Hit) joined).value());
    }

    /**
     * SPEC §5 and §10: a caller waiting for another caller's load of the same key whose body throws is not handed
     * a value (there is none): it is released at once and runs the method itself.
     */
    @Test
    void aCallerWaitingForALoadWhoseBodyThrowsRunsTheMethodItself() throws Exception {
        int id = cached();
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        assertInstanceOf(Load.class, token);
        Future<Object> joiner = Joiners.enter(runtime, id, "1");
        Joiners.awaitParked(1);
        assertNull(runtime.exitThrown(id, token, args, new IllegalStateException("remote call failed")));
        assertNull(joiner.get(NEVER.toSeconds(), TimeUnit.SECONDS), "the waiter runs the method (uncached)");
        assertEquals(0, caches.find("book").stats().loadWaitTimeouts(), "released at once, not after weft.load.maxWait");
        assertInstanceOf(Load.class, runtime.enterCached(id, args), "nothing was cached: the next call loads");
    }

    @Test
    void theWarningOfAFailedCachingPathSaysWhereAndNotTheMessage() throws Exception {
        KeyRenderer guarded = (args, result) -> {
            throw new IllegalStateException("no access to 123-45-6789");
        };
        // a method of its own: the warning is written once a minute per method, whichever test failed it first
        int id = methods.register(new CachedMethod(declared("findGuarded"), caches.cache("book", true), guarded,
                scopes.of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0));
        try (LogCapture log = new LogCapture()) {
            assertNull(runtime.enterCached(id, new Object[] {"1"}), "the failure makes the method run uncached");
            String text = log.text();
            assertTrue(text.contains("unexpected error in the caching path of com.acme.Books#findGuarded")
                    && text.contains("java.lang.IllegalStateException at " + getClass().getName() + "."), text);
            assertFalse(text.contains("123-45-6789"), "a getter's message may quote data: " + text);
        }
    }

    /** SPEC §2 {@code cacheNull}: a null or empty {@code Optional} result is cached only when it says so. */
    @Test
    void aNullResultIsCachedOnlyWithCacheNull() {
        for (ResultShape shape : List.of(ResultShape.PLAIN, ResultShape.OPTIONAL)) {
            Object nothing = shape == ResultShape.OPTIONAL ? Optional.empty() : null;
            for (boolean cacheNull : new boolean[] {false, true}) {
                int id = methods.register(new CachedMethod(declared("find"), caches.cache("book", true),
                        key("null-" + shape + "-" + cacheNull + ":"), scopes.of(getClass().getClassLoader()), 60_000,
                        TimeUnit.MINUTES.toNanos(1), cacheNull, true, shape, null, List.of(), false, 0));
                Object[] args = {"1"};
                Token first = runtime.enterCached(id, args);
                assertFalse(first instanceof Hit, "the first call runs the body");
                runtime.exitCached(id, first, args, nothing);

                Token second = runtime.enterCached(id, args);

                assertEquals(cacheNull, second instanceof Hit, shape + ", cacheNull=" + cacheNull + ": " + second);
                if (second instanceof Hit) {
                    assertEquals(nothing, ((Hit) second).value());
                } else {
                    runtime.exitCached(id, second, args, nothing);
                }
            }
        }
    }

    @Test
    void aLoadWhoseBeforeInvocationEvictionFailsReleasesItsKey() throws Exception {
        int id = cachedWithFailingEviction();
        assertNull(runtime.enterCached(id, new Object[] {"1"}), "the failure makes the method run uncached");
        assertEquals(0, runtime.loadsInFlight(), "the failed load left the table");
        Object next = assertTimeoutPreemptively(NEVER,
                () -> threads.submit(() -> runtime.enterCached(id, new Object[] {"1"})).get());
        assertNull(next);
        assertEquals(0, caches.find("book").stats().loadWaitTimeouts(), "nobody waited for the abandoned load");
    }

    @Test
    void aLoadWhoseStoreFailsReleasesItsWaitersAtOnce() throws Exception {
        // An OPTIONAL method whose woven exit sees a non-Optional result: unwrapping it fails inside the caching path.
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.OPTIONAL, null);
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        Future<Object> joiner = Joiners.enter(runtime, id, "1");
        Joiners.awaitParked(1);
        runtime.exitCached(id, token, args, "not an Optional");
        assertNull(joiner.get(NEVER.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, runtime.loadsInFlight());
        assertEquals(0, caches.find("book").stats().loadWaitTimeouts(), "released at once, not after weft.load.maxWait");
        Object[] again = {"1"};
        Token retry = runtime.enterCached(id, again);
        assertInstanceOf(Load.class, retry, "the key can be loaded again");
        runtime.exitCached(id, retry, again, Optional.of("v"));
        assertEquals(Optional.of("v"), ((Hit) runtime.enterCached(id, again)).value());
    }

    @Test
    void aFailedFutureIsNotCachedAndReleasesTheKey() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        CompletableFuture<String> body = new CompletableFuture<>();
        runtime.exitCached(id, token, args, body);
        assertEquals(1, runtime.loadsInFlight(), "in flight until the future completes");
        body.completeExceptionally(new IllegalStateException("remote call failed"));
        assertEquals(0, runtime.loadsInFlight());
        assertInstanceOf(Load.class, runtime.enterCached(id, args));
    }

    /**
     * SPEC §5, failed futures are not cached: a call made once the body's future has failed (from a dependent that
     * runs before the runtime's own, as the first caller's does) runs the method instead of getting that failure.
     */
    @Test
    void aCallAfterTheBodysFutureFailedRunsTheMethodInsteadOfGettingItsFailure() {
        int id = cachedFuture();
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        CompletableFuture<Object> body = new CompletableFuture<>();
        runtime.exitCached(id, token, args, body);
        // registered after the runtime's, so it runs first when the body fails: the failure is known, the load not ended
        CompletableFuture<Token> next = body.handle((value, failure) -> runtime.enterCached(id, new Object[] {"1"}));
        body.completeExceptionally(new IllegalStateException("remote call failed"));

        assertNull(next.join(), "the method runs (uncached), as it does for a joiner of a failed load");
        assertEquals(0, runtime.loadsInFlight());
    }

    /**
     * SPEC §5: exceptions are never cached and failed futures are not cached, also in a cache that caches null
     * results ({@code cacheNull}): a failure is not a null result.
     */
    @Test
    void aFailureIsNotCachedEvenWithCacheNull() {
        for (ResultShape shape : List.of(ResultShape.PLAIN, ResultShape.FUTURE)) {
            int id = methods.register(new CachedMethod(declared("find"), caches.cache("book", true),
                    key("failing-" + shape + ":"), scopes.of(getClass().getClassLoader()), 60_000,
                    TimeUnit.MINUTES.toNanos(1), true, true, shape, null, List.of(), false, 0));
            Object[] args = {"1"};
            Token first = runtime.enterCached(id, args);
            assertInstanceOf(Load.class, first, "the first call runs the body");
            IllegalStateException failure = new IllegalStateException("remote call failed");
            if (shape == ResultShape.FUTURE) {
                CompletableFuture<String> body = new CompletableFuture<>();
                runtime.exitFuture(id, first, args, body);
                body.completeExceptionally(failure);
            } else {
                assertNull(runtime.exitThrown(id, first, args, failure), "no stand-in: the exception propagates");
            }
            assertEquals(0, runtime.loadsInFlight(), shape + ": the failed load left the table");
            Token again = runtime.enterCached(id, args);
            assertInstanceOf(Load.class, again, shape + ": the next call runs the body again");
            runtime.exitThrown(id, again, args, failure);
        }
    }

    @Test
    void twoClassLoadersWithTheSameKeyTemplateNeverSeeEachOthersValues() throws Exception {
        try (URLClassLoader webAppA = new URLClassLoader(new URL[0], null);
                URLClassLoader webAppB = new URLClassLoader(new URL[0], null)) {
            int inA = cached("book", scopes.of(webAppA), ResultShape.PLAIN, null);
            int inB = cached("book", scopes.of(webAppB), ResultShape.PLAIN, null);
            assertEquals("A's value", call(inA, "1", "A's value"));
            assertEquals("B's value", call(inB, "1", "B's value"), "B's method runs: A's entry is not B's");
            assertEquals("A's value", call(inA, "1", "unused"));
            assertEquals("B's value", call(inB, "1", "unused"));

            runtime.evictKey("book:1");
            assertEquals("A2", call(inA, "1", "A2"), "an eviction by key text reaches every loader's entry");
            assertEquals("B2", call(inB, "1", "B2"));
        }
    }

    /**
     * SPEC §10: once an application's loader is collected, its methods and its scope's entries (strings here, which
     * do not hold the loader) are forgotten; other loaders' are kept.
     */
    @Test
    void theMethodsAndEntriesOfACollectedLoaderAreForgotten() throws Exception {
        int kept = cached();
        call(kept, "1", "kept");
        int undeployed = callOnceInAnUndeployedApplication();
        assertEquals(2, methods.size());
        assertEquals(2, runtime.l1Size());
        Await.until("the application's loader is collected and its method and entry are forgotten", () -> {
            System.gc();
            return methods.size() == 1 && runtime.l1Size() == 1;
        });
        assertEquals("kept", call(kept, "1", "unused"));
        try (URLClassLoader redeployed = new URLClassLoader(new URL[0], null)) {
            assertEquals(undeployed, cachedIn(redeployed), "the redeploy's method takes the forgotten one's id");
            assertEquals(2, methods.size());
        }
    }

    /** Registers and calls a method in an application that is then undeployed; returns its id. */
    private int callOnceInAnUndeployedApplication() throws Exception {
        try (URLClassLoader webApp = new URLClassLoader(new URL[0], null)) {
            int id = cachedIn(webApp);
            assertEquals("undeployed", call(id, "1", "undeployed"));
            return id;
        }
    }

    @Test
    void concurrentLoadsOfOneKeyInTwoLoadersAreNotJoined() throws Exception {
        try (URLClassLoader webAppA = new URLClassLoader(new URL[0], null);
                URLClassLoader webAppB = new URLClassLoader(new URL[0], null)) {
            int inA = cached("book", scopes.of(webAppA), ResultShape.PLAIN, null);
            int inB = cached("book", scopes.of(webAppB), ResultShape.PLAIN, null);
            Token tokenA = runtime.enterCached(inA, new Object[] {"1"});
            Token tokenB = runtime.enterCached(inB, new Object[] {"1"});
            assertInstanceOf(Load.class, tokenA);
            assertInstanceOf(Load.class, tokenB, "B runs its own load instead of waiting for A's object");
            runtime.exitCached(inA, tokenA, new Object[] {"1"}, "A");
            runtime.exitCached(inB, tokenB, new Object[] {"1"}, "B");
            assertEquals("B", ((Hit) runtime.enterCached(inB, new Object[] {"1"})).value());
        }
    }

    @Test
    void aRecursiveCallOfTheSameKeyRunsUncachedInsteadOfWaitingForItself() {
        int id = cached();
        Token token = runtime.enterCached(id, new Object[] {"1"});
        assertInstanceOf(Load.class, token);
        assertNull(runtime.enterCached(id, new Object[] {"1"}));
        assertEquals(0, caches.find("book").stats().loadWaitTimeouts());
    }

    @Test
    void aCallOnTheSameThreadWhileTheFirstCallsFutureRunsJoinsItInsteadOfRunningTheBodyAgain() throws Exception {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        CompletableFuture<String> body = new CompletableFuture<>();
        runtime.exitCached(id, token, args, body);

        Token second = runtime.enterCached(id, new Object[] {"1"});
        assertInstanceOf(Hit.class, second, "the body returned: this is not a re-entrant call");
        assertEquals(false, ((CompletableFuture<?>) ((Hit) second).value()).isDone(), "the value is not there yet");
        body.complete("v");
        assertEquals("v", ((CompletableFuture<?>) ((Hit) second).value()).get(10, TimeUnit.SECONDS));
    }

    @Test
    void aCallJoiningALoadWhoseFutureSucceededGetsACompletedFuture() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        Token token = runtime.enterCached(id, args);
        CompletableFuture<String> body = new CompletableFuture<>();
        runtime.exitCached(id, token, args, body);
        // registered after the store, so it runs first when the body completes: the value is known, not yet stored
        CompletableFuture<String> joined = body.thenApply(v -> {
            CompletableFuture<?> hit = (CompletableFuture<?>) ((Hit) runtime.enterCached(id, new Object[] {"1"})).value();
            return hit.isDone() + ":" + hit.getNow(null);
        });
        body.complete("v");

        assertEquals("true:v", joined.join(), "a call after the body's future succeeded gets an already completed future");
    }

    /** A future-returning method's miss of {@code symbol}: its body returns {@code body}; what the caller gets. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<Object> missReturning(int id, String symbol, CompletableFuture<Object> body) {
        Object[] args = {symbol};
        Token token = runtime.enterCached(id, args);
        assertInstanceOf(Load.class, token, "a miss");
        return (CompletableFuture<Object>) runtime.exitFuture(id, token, args, body);
    }

    private int cachedFuture() {
        return cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
    }

    @Test
    void aCallerThatCompletesItsFutureOnTimeoutWithAPlaceholderLeavesTheBodysValueCached() {
        int id = cachedFuture();
        CompletableFuture<Object> body = new CompletableFuture<>();
        CompletableFuture<Object> page =
                missReturning(id, "ACME", body).completeOnTimeout("n/a", 1, TimeUnit.MILLISECONDS);
        assertEquals("n/a", page.join(), "the slow caller shows its placeholder");

        body.complete("ACME=42");
        assertEquals("ACME=42", hitValue(runtime.enterCached(id, new Object[] {"ACME"})),
                "the body's value is cached, not the first caller's placeholder");
        assertEquals(1, runtime.l1Size());
    }

    @Test
    void whatACallerCompletesOrObtrudesItsFutureWithIsNotCached() {
        int id = cachedFuture();
        CompletableFuture<Object> completedBody = new CompletableFuture<>();
        missReturning(id, "ACME", completedBody).complete("the caller's x");
        assertEquals(1, runtime.loadsInFlight(), "the load still waits for the body's own future");
        completedBody.complete("v");
        assertEquals("v", hitValue(runtime.enterCached(id, new Object[] {"ACME"})));

        CompletableFuture<Object> obtrudedBody = new CompletableFuture<>();
        CompletableFuture<Object> mine = missReturning(id, "XYZ", obtrudedBody);
        mine.obtrudeValue("the caller's y");
        mine.completeExceptionally(new IllegalStateException("the caller's failure"));
        mine.cancel(true);
        obtrudedBody.complete("w");
        assertEquals("w", hitValue(runtime.enterCached(id, new Object[] {"XYZ"})));
        assertEquals("the caller's y", mine.join(), "the caller's own future is its own to obtrude");
    }

    @Test
    void aCallerThatTimesOutQuicklyDoesNotFailAConcurrentCallerOfTheSameKey() throws Exception {
        int id = cachedFuture();
        CompletableFuture<Object> body = new CompletableFuture<>();
        CompletableFuture<Object> first = missReturning(id, "ACME", body);
        Token second = runtime.enterCached(id, new Object[] {"ACME"});
        assertInstanceOf(Hit.class, second, "the second caller joins the first one's load");

        CompletableFuture<Object> impatient = first.orTimeout(1, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, assertThrows(CompletionException.class, impatient::join).getCause());
        body.complete("ACME=42");
        assertEquals("ACME=42", ((CompletableFuture<?>) ((Hit) second).value()).get(NEVER.toSeconds(), TimeUnit.SECONDS),
                "the patient caller gets the value: another caller's timeout is not the load's failure");
        assertEquals("ACME=42", hitValue(runtime.enterCached(id, new Object[] {"ACME"})));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHitsFutureCompletedOrObtrudedByItsCallerDoesNotChangeTheNextHit() {
        int id = cachedFuture();
        missReturning(id, "ACME", CompletableFuture.completedFuture("v"));
        Object[] args = {"ACME"};
        CompletableFuture<?> first = (CompletableFuture<?>) ((Hit) runtime.enterCached(id, args)).value();
        ((CompletableFuture<Object>) first).obtrudeValue("x");
        first.obtrudeException(new IllegalStateException("the caller's failure"));
        CompletableFuture<?> second = (CompletableFuture<?>) ((Hit) runtime.enterCached(id, args)).value();
        ((CompletableFuture<Object>) second).complete("y");
        assertEquals("v", hitValue(runtime.enterCached(id, args)));
    }

    @Test
    void theCallersFutureIsOfTheBodysClassAndFailsWithTheBodysOwnException() {
        int id = cachedFuture();
        CompletableFuture<Object> body = new OwnFuture<>();
        CompletableFuture<Object> mine = missReturning(id, "ACME", body);
        assertInstanceOf(OwnFuture.class, mine, "a CompletableFuture subclass the body returns stays that class");
        IllegalStateException failure = new IllegalStateException("remote call failed");
        body.completeExceptionally(failure);
        assertSame(failure, mine.handle((value, thrown) -> thrown).join(), "the same exception, not a wrapper");
        assertEquals(0, runtime.l1Size());

        CompletableFuture<Object> minimal = new CompletableFuture<>();
        CompletionStage<Object> readOnly = minimal.minimalCompletionStage();
        Object[] args = {"ACME"};
        Token token = runtime.enterCached(id, args);
        assertSame(readOnly, runtime.exitFuture(id, token, args, readOnly), "a stage nobody can complete is shared");
        minimal.complete("v");
        assertEquals("v", hitValue(runtime.enterCached(id, args)));
    }

    /**
     * A caller that joined the load gets a future of its own that fails as the first caller's does, with the body's
     * own exception object: not a {@link CompletionException} around it, which its {@code exceptionally} or
     * {@code handle} would see instead.
     */
    @Test
    void aCallerJoiningAFutureLoadFailsWithTheSameExceptionAsTheCallerThatRanIt() {
        int id = cachedFuture();
        CompletableFuture<Object> body = new CompletableFuture<>();
        CompletableFuture<Object> first = missReturning(id, "ACME", body);
        Token joining = runtime.enterCached(id, new Object[] {"ACME"});
        Token joiningLater = runtime.enterCached(id, new Object[] {"ACME"});
        CompletableFuture<?> joiner = (CompletableFuture<?>) ((Hit) joining).value();
        CompletableFuture<?> late = (CompletableFuture<?>) ((Hit) joiningLater).value();
        IllegalStateException failure = new IllegalStateException("remote call failed");
        body.completeExceptionally(failure);

        assertSame(failure, first.handle((value, thrown) -> thrown).join());
        assertSame(failure, joiner.handle((value, thrown) -> thrown).join(), "the body's own exception");
        assertSame(failure, late.handle((value, thrown) -> thrown).join(), "the body's own exception");
        assertTrue(joiner != late, "each joiner has a future of its own");
    }

    /** A future class of an application's own, which makes its dependents of its class. */
    private static final class OwnFuture<T> extends CompletableFuture<T> {
        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new OwnFuture<>();
        }
    }

    @Test
    void aDisabledCacheRunsTheBody() {
        int id = cached();
        caches.find("book").setEnabled(false);
        assertNull(runtime.enterCached(id, new Object[] {"1"}));
        assertEquals(0, runtime.loadsInFlight());
    }

    @Test
    void manyCallersOfAKeyWhoseLoadFailsInsideTheCachingPathAllReturnWithinTheBound() throws Exception {
        int id = cachedWithFailingEviction();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(threads.submit(() -> {
                start.await();
                return runtime.enterCached(id, new Object[] {"1"});
            }));
        }
        start.countDown();
        for (Future<Object> call : calls) {
            Object token = call.get(NEVER.toSeconds(), TimeUnit.SECONDS);
            assertTrue(token == null || token instanceof Hit, "every call ran uncached or got a value: " + token);
        }
        assertEquals(0, runtime.loadsInFlight());
        assertEquals(0, caches.find("book").stats().loadWaitTimeouts(), "every waiter was released, none timed out");
    }

    /** A cached list ({@code list:<id>}) and a method that caches a book and evicts that list, before or after its body. */
    private int[] listAndSave(boolean evictsBefore) {
        int list = methods.register(new CachedMethod(declared("list"), caches.cache("list", true), key("list:"),
                scopes.of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0));
        Invalidation evictsList = new Invalidation(declared("save"), List.of(key("list:")), List.of(), evictsBefore,
                "cache.invalidated");
        return new int[] {list, cached("book", scopes.of(getClass().getClassLoader()), ResultShape.PLAIN, evictsList)};
    }

    @Test
    void aMethodThatAlsoInvalidatesStillInvalidatesWhenItsCacheIsSwitchedOff() {
        for (boolean before : new boolean[] {false, true}) {
            int[] ids = listAndSave(before);
            call(ids[0], "1", "old list");
            caches.find("book").setEnabled(false);
            assertEquals("saved", call(ids[1], "1", "saved"), "the cache is off: the body runs");
            assertEquals("new list", call(ids[0], "1", "new list"),
                    "its body ran, so its invalidation happened (before: " + before + ")");
            caches.find("book").setEnabled(true);
            runtime.clear();
        }
    }

    @Test
    void aMethodThatAlsoInvalidatesStillInvalidatesWhenItStopsWaitingForAnotherCallsLoad() throws Exception {
        for (boolean before : new boolean[] {false, true}) {
            int[] ids = listAndSave(before);
            Object[] args = {"1"};
            Token owner = threads.submit(() -> runtime.enterCached(ids[1], args)).get();
            assertInstanceOf(Load.class, owner);
            call(ids[0], "1", "old list");
            ticker.advance(MAX_WAIT.plusSeconds(1));
            assertEquals("saved", call(ids[1], "1", "saved"), "the other call's load is past weft.load.maxWait");
            assertEquals("new list", call(ids[0], "1", "new list"),
                    "its body ran, so its invalidation happened (before: " + before + ")");
            runtime.exitCached(ids[1], owner, args, "the owner's");
            runtime.clear();
        }
    }

    @Test
    void aReEntrantCallOfAMethodThatAlsoInvalidatesStillInvalidates() {
        int[] ids = listAndSave(false);
        Object[] args = {"1"};
        Token outer = runtime.enterCached(ids[1], args);
        assertInstanceOf(Load.class, outer);
        call(ids[0], "1", "old list");
        assertEquals("inner", call(ids[1], "1", "inner"), "re-entrant: the body runs");
        assertEquals("new list", call(ids[0], "1", "new list"), "the inner call's body ran, so it invalidated");
        runtime.exitCached(ids[1], outer, args, "outer");
    }

    @Test
    void aCallJoiningAFutureLoadPastTheWaitRunsTheMethodItself() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        Token owner = runtime.enterCached(id, args);
        runtime.exitFuture(id, owner, args, new CompletableFuture<>()); // a future that never completes
        ticker.advance(MAX_WAIT.plusSeconds(1));

        assertNull(runtime.enterCached(id, args), "the load is past weft.load.maxWait: the caller runs the method");
        assertEquals(1, caches.find("book").stats().loadWaitTimeouts());
    }

    @Test
    void aCallJoiningAFutureLoadThatNeverEndsGetsTheMethodsOwnFutureAfterTheWait() throws Exception {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        List<String> ranOn = new ArrayList<>();
        CacheRuntime[] bounded = new CacheRuntime[1];
        // the fallback call enters the woven method as any call does; its body answers "its own"
        bounded[0] = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1), Duration.ofMillis(200),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(), (method, on, callArgs) -> {
                    Token token = bounded[0].enterWithReceiver(id, on, callArgs);
                    if (token instanceof Hit) {
                        return ((Hit) token).value();
                    }
                    ranOn.add(Thread.currentThread().getName() + (token == null ? " uncached" : " as a load"));
                    return bounded[0].exitFuture(id, token, callArgs, CompletableFuture.completedFuture("its own"));
                }, 1, 10);
        Object[] args = {"1"};
        Token owner = bounded[0].enterWithReceiver(id, this, args);
        bounded[0].exitFuture(id, owner, args, new CompletableFuture<>()); // a future that never completes

        Token joined = bounded[0].enterWithReceiver(id, this, args);
        assertInstanceOf(Hit.class, joined, "within the wait, the call joins the load");
        CompletableFuture<?> answer = (CompletableFuture<?>) ((Hit) joined).value();
        assertEquals("its own", answer.get(NEVER.toSeconds(), TimeUnit.SECONDS),
                "after weft.load.maxWait the caller's future is the method's own, not the load's that never ends");
        assertEquals(List.of("weft-load-wait uncached"), ranOn);
        assertEquals(1, caches.find("book").stats().loadWaitTimeouts());
    }

    /** Past a future load's deadline: {@code weft.load.maxWait}, or the lease's 30 s, which is longer here. */
    private static final Duration PAST_THE_DEADLINE = Duration.ofMillis(SharedLevel.LEASE_MILLIS).plusSeconds(1);

    /** The future a hit of a method returning futures holds: its value. */
    private static Object hitValue(Token token) {
        assertInstanceOf(Hit.class, token, "a hit");
        return ((CompletableFuture<?>) ((Hit) token).value()).join();
    }

    @Test
    void aFutureLoadThatNeverEndsIsGivenUpAfterItsDeadlineAndTheNextCallLoadsAnew() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        Token stuck = runtime.enterCached(id, args);
        runtime.exitFuture(id, stuck, args, new CompletableFuture<>()); // an async call without a timeout
        ticker.advance(PAST_THE_DEADLINE);

        Token next = runtime.enterCached(id, args);
        assertInstanceOf(Load.class, next, "the stuck load is given up: this call loads the key itself");
        assertEquals(1, runtime.loadsInFlight(), "only the new load is in flight");
        runtime.exitFuture(id, next, args, CompletableFuture.completedFuture("fresh"));
        assertEquals("fresh", hitValue(runtime.enterCached(id, args)), "the new load's value is cached");
        assertEquals(0, runtime.loadsInFlight());
    }

    @Test
    void callsAfterTheWaitAttachNothingToAFutureLoadThatNeverEnds() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        Load stuck = (Load) runtime.enterCached(id, args);
        runtime.exitFuture(id, stuck, args, new CompletableFuture<>());
        ticker.advance(MAX_WAIT.plusSeconds(1));
        int before = stuck.waiting();

        for (int i = 0; i < 1_000; i++) {
            assertNull(runtime.enterCached(id, args), "past weft.load.maxWait: the caller runs the method");
        }
        assertEquals(before, stuck.waiting(), "no late caller left a callback on the load that never ends");
        assertEquals(1_000, caches.find("book").stats().loadWaitTimeouts());
    }

    @Test
    void aGivenUpLoadsLateValueIsNotStored() {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        Object[] args = {"1"};
        CompletableFuture<Object> late = new CompletableFuture<>();
        Token stuck = runtime.enterCached(id, args);
        runtime.exitFuture(id, stuck, args, late);
        ticker.advance(PAST_THE_DEADLINE);
        Token next = runtime.enterCached(id, args);
        assertInstanceOf(Load.class, next);

        late.complete("late");
        assertEquals(0, runtime.l1Size(), "the given-up load's value is not stored");
        assertEquals(1, runtime.loadsInFlight(), "nor does it end the load that replaced it");
        runtime.exitFuture(id, next, args, CompletableFuture.completedFuture("fresh"));
        assertEquals("fresh", hitValue(runtime.enterCached(id, args)));

        // in the other order: the replacing load stores first, the given-up one completes after
        CompletableFuture<Object> later = new CompletableFuture<>();
        Object[] other = {"2"};
        Token stuckToo = runtime.enterCached(id, other);
        runtime.exitFuture(id, stuckToo, other, later);
        ticker.advance(PAST_THE_DEADLINE);
        Token replacing = runtime.enterCached(id, other);
        runtime.exitFuture(id, replacing, other, CompletableFuture.completedFuture("fresh 2"));
        later.complete("late 2");
        assertEquals("fresh 2", hitValue(runtime.enterCached(id, other)), "the late value does not overwrite it");
    }

    @Test
    void aCallJoiningAFutureLoadThatIsGivenUpIsAnsweredByTheMethodNotFailed() throws Exception {
        int id = cached("book", scopes.of(getClass().getClassLoader()), ResultShape.FUTURE, null);
        CountDownLatch replaced = new CountDownLatch(1);
        CacheRuntime[] fake = new CacheRuntime[1];
        // a wait longer than the test: the joiner's wait ends only through the load being given up; its call of the
        // method waits until the load that replaces the given-up one has stored, so that it finds that value
        fake[0] = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1), Duration.ofMinutes(10), ticker,
                ticker, (method, on, callArgs) -> {
                    assertTrue(replaced.await(NEVER.toSeconds(), TimeUnit.SECONDS));
                    Token token = fake[0].enterWithReceiver(id, on, callArgs);
                    return token instanceof Hit ? ((Hit) token).value()
                            : fake[0].exitFuture(id, token, callArgs, CompletableFuture.completedFuture("its own"));
                }, 1, 10);
        Object[] args = {"1"};
        Token stuck = fake[0].enterWithReceiver(id, this, args);
        fake[0].exitFuture(id, stuck, args, new CompletableFuture<>());
        Token joined = fake[0].enterWithReceiver(id, this, args);
        assertInstanceOf(Hit.class, joined, "within the wait, the call joins the load");
        ticker.advance(Duration.ofMinutes(10).plusSeconds(1));

        Token next = fake[0].enterWithReceiver(id, this, args);
        assertInstanceOf(Load.class, next, "past the deadline (weft.load.maxWait here) the load is given up");
        fake[0].exitFuture(id, next, args, CompletableFuture.completedFuture("fresh"));
        replaced.countDown();
        CompletableFuture<?> answer = (CompletableFuture<?>) ((Hit) joined).value();
        assertEquals("fresh", answer.get(NEVER.toSeconds(), TimeUnit.SECONDS),
                "the joiner is not failed by the give-up: its call of the method finds the new load's value");
    }

    @Test
    void theSameLoaderAlwaysHasTheSameScope() {
        assertSame(scopes.of(getClass().getClassLoader()), scopes.of(getClass().getClassLoader()));
        assertSame(scopes.of(null), scopes.of(null));
    }
    /**
     * A key that cannot be rendered (nested too deep, or of a class without its own toString()) is an error in the
     * caching path: the call runs the method uncached, nothing is kept, and the application never sees the error.
     */
    @Test
    void aCallWhoseKeyCannotBeRenderedRunsUncached() {
        KeyRenderer byList = TemplateBinder.bind(Template.parse("books:{filter}"),
                new TestSignature(List.of("filter"), List.of("java.lang.Object"), "java.lang.String"), false);
        int id = methods.register(new CachedMethod(declared("find"), caches.cache("book", true), byList,
                scopes.of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0));
        Object deep = ":";
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        for (Object unrenderable : new Object[] {deep, new Object()}) {
            for (int call = 0; call < 2; call++) {
                Object[] args = {unrenderable};
                Token token = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> runtime.enterCached(id, args));
                assertNull(token, "no load, no hit: the woven code runs the body");
                runtime.exitCached(id, token, args, "v");
            }
        }
        assertEquals(0, runtime.loadsInFlight());
        assertEquals(0, runtime.l1Size());
        assertEquals(0, caches.find("book").stats().misses());
        assertEquals("v1", call(id, "1", "v1"), "a key that renders is cached as ever");
        assertEquals("v1", call(id, "1", "v2"));
    }
}
