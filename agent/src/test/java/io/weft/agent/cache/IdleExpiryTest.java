package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.testing.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: an L1 entry past its TTL goes even when nothing reads or writes the L1 any more (an undeployed web
 * application's values hold its class loader). The L1's clock here is past the TTL only for the idle clean-up's
 * thread: the maintenance that the put itself starts sees the entry fresh, and Caffeine's own scheduling would wait
 * the hour, so only the clean-up can remove the entry within the wait.
 */
class IdleExpiryTest {

    private static final long TTL = TimeUnit.HOURS.toNanos(1);

    @Test
    void anExpiredEntryLeavesAnIdleL1() {
        Ticker pastTheTtlForTheCleanUp = () -> 1_000_000_000L
                + (Thread.currentThread().getName().equals("weft-l1-cleanup") ? 2 * TTL : 0);
        LoaderScopes scopes = new LoaderScopes();
        CacheStats stats = new CacheStats("books");
        LocalCache l1 = new LocalCache(1_000, TTL, scopes, pastTheTtlForTheCleanUp);
        CacheKey key = CacheKey.of(scopes.of(getClass().getClassLoader()), "book:1");
        assertTrue(l1.putUnless(key, l1.entry("v", Long.MAX_VALUE, stats), () -> false));
        assertEquals(1, l1.size());

        Await.until(Duration.ofSeconds(15), "the idle L1's expired entry is removed", () -> l1.size() == 0);
        assertEquals(1, stats.expirations(), "counted as expired");
    }
}
