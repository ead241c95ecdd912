package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyRenderer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Tags in one JVM, without Redis (SPEC §13): a tag eviction removes exactly the L1 entries carrying the tag,
 * and marks the loads in flight and the values waiting for Redis whose entries carry it, so that a value
 * loaded before the eviction is never kept (the stale-set race, for tags).
 */
class TagEvictionTest {

    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1),
            Duration.ofMillis(300), Ticker.systemTicker(), Ticker.systemTicker());
    private final DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "find",
            List.of("java.lang.String", "java.lang.String"), List.of("id", "user"), getClass().getClassLoader());

    /** {@code book:<id>}, tagged {@code user:<user>} and {@code all}. */
    private final int tagged = methods.register(new CachedMethod(declared, caches.cache("book", true),
            (args, result) -> "book:" + args[0], scopes.of(getClass().getClassLoader()), 60_000,
            TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null,
            List.of((args, result) -> "user:" + args[1], (args, result) -> "all"), false, 0));

    /** {@code plain:<id>}, untagged. */
    private final int untagged = methods.register(new CachedMethod(declared, caches.cache("plain", true),
            (args, result) -> "plain:" + args[0], scopes.of(getClass().getClassLoader()), 60_000,
            TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null, List.of(), false, 0));

    private Object call(int id, String bookId, String user, String body) {
        Object[] args = {bookId, user};
        Token token = runtime.enterCached(id, args);
        if (!(token instanceof Load)) {
            return ((Hit) token).value();
        }
        runtime.exitCached(id, token, args, body);
        return body;
    }

    @Test
    void aTagEvictionRemovesTheEntriesCarryingItAndNoOthers() {
        call(tagged, "1", "alice", "b1");
        call(tagged, "2", "alice", "b2");
        call(tagged, "3", "bob", "b3");
        call(untagged, "1", "alice", "p1");

        runtime.evictTags(List.of("user:alice"), false);

        assertEquals("b1'", call(tagged, "1", "alice", "b1'"), "evicted: the body runs");
        assertEquals("b2'", call(tagged, "2", "alice", "b2'"));
        assertEquals("b3", call(tagged, "3", "bob", "b3'"), "another user's entry stays");
        assertEquals("p1", call(untagged, "1", "alice", "p1'"), "untagged entries stay");
        runtime.evictTags(List.of("all"), false);
        assertEquals("b3''", call(tagged, "3", "bob", "b3''"), "a second tag of the entry evicts it too");
    }

    @Test
    void anInvalidationByTagDiscardsTheResultOfALoadInFlightCarryingIt() {
        Invalidation byUser = new Invalidation(declared, List.of(), List.of(),
                List.<KeyRenderer>of((args, result) -> "user:" + args[1]), false, "cache.invalidated",
                declared.parameterNames());
        int invalidate = methods.register(byUser);
        Object[] args = {"1", "alice"};
        Token token = runtime.enterCached(tagged, args);
        assertInstanceOf(Load.class, token);
        Object[] otherArgs = {"2", "bob"};
        Token other = runtime.enterCached(tagged, otherArgs);

        runtime.invalidate(invalidate, new Object[] {"9", "alice"}, null);
        runtime.exitCached(tagged, token, args, "read before the write");
        runtime.exitCached(tagged, other, otherArgs, "bob's");

        assertEquals(1, caches.find("book").stats().staleStoresDiscarded());
        assertEquals("after the write", call(tagged, "1", "alice", "after the write"));
        assertEquals("bob's", call(tagged, "2", "bob", "again"), "a load without the tag is kept");
    }

    @Test
    void aTagMarksTheValuesWaitingForRedisThatCarryIt() {
        SingleFlight flights = new SingleFlight(scopes);
        Load alices = new Load(CacheKey.of(scopes.of(getClass().getClassLoader()), "book:1"), 0,
                List.of("user:alice"));
        Load untaggedLoad = new Load(CacheKey.of(scopes.of(getClass().getClassLoader()), "plain:1"), 0,
                null);
        flights.deferred().add(methods.cached(tagged), alices, "v");
        flights.deferred().add(methods.cached(untagged), untaggedLoad, "p");

        flights.markTag("user:alice");

        assertTrue(alices.invalidated());
        assertFalse(untaggedLoad.invalidated());
    }
}
