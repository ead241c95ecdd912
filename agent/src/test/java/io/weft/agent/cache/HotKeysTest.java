package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12: per cache, the keys with the most hits, most first, from the hits each L1 entry counts (every one up to
 * {@link CacheEntry#EXACT_HITS}, then a sample; {@link CacheEntryTest} checks the counts).
 */
class HotKeysTest {

    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1),
            Duration.ofSeconds(1), Ticker.systemTicker(), Ticker.systemTicker());

    private int cached(String cacheName, String prefix) {
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "find", List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return methods.register(new CachedMethod(declared, caches.cache(cacheName, true),
                (args, result) -> prefix + args[0], scopes.of(getClass().getClassLoader()), 60_000,
                TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null, List.of(), false, 0));
    }

    private void hit(int method, String id, int times) {
        for (int i = 0; i < times; i++) {
            WovenCall.call(runtime, method, id, "value " + id);
        }
    }

    @Test
    void theKeysWithTheMostHitsComeFirstPerCache() {
        int books = cached("books", "book:");
        int users = cached("users", "user:");
        hit(books, "warm", 6_000); // 1,024 counted, then about 78 sampled
        hit(books, "mild", 1_200); // 1,024 counted, then about 3 sampled
        hit(books, "cold", 1); // its load: no hit
        hit(users, "u", 5_000);

        assertEquals(List.of("book:warm", "book:mild"), runtime.hotKeys(caches.find("books"), 2));
        assertEquals(List.of("user:u"), runtime.hotKeys(caches.find("users"), 10), "only that cache's keys");
    }

    /** Each call after the first (the load) is a hit: 29, 9 and 2 here, ranked exactly, not left to a sample. */
    @Test
    void keysHitAFewTimesRankExactly() {
        int books = cached("books", "book:");
        hit(books, "c", 3);
        hit(books, "a", 30);
        hit(books, "b", 10);
        hit(books, "once", 2);

        assertEquals(List.of("book:a", "book:b", "book:c", "book:once"), runtime.hotKeys(caches.find("books"), 10));
        assertEquals(List.of("book:a", "book:b"), runtime.hotKeys(caches.find("books"), 2));
    }

    @Test
    void aKeyNoLongerInL1IsNoLongerHot() {
        int books = cached("books", "book:");
        hit(books, "warm", 1_200);
        assertEquals(List.of("book:warm"), runtime.hotKeys(caches.find("books"), 10));

        runtime.evictKey("book:warm");

        assertTrue(runtime.hotKeys(caches.find("books"), 10).isEmpty());
    }
}
