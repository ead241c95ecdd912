package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SPEC §12: per cache, the keys with the most hits, most first, from the hits each L1 entry samples. */
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
        hit(books, "warm", 6_000); // about 94 sampled hits
        hit(books, "mild", 1_200); // about 19: none at all has a chance of 1 in 150,000
        hit(books, "cold", 1);
        hit(users, "u", 5_000);

        assertEquals(List.of("book:warm", "book:mild"), runtime.hotKeys(caches.find("books"), 2));
        assertEquals(List.of("user:u"), runtime.hotKeys(caches.find("users"), 10), "only that cache's keys");
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
