package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.keys.CacheKey;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.testing.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: an L1 entry past its TTL goes even when nothing reads or writes the L1 any more (an undeployed web
 * application's values hold its class loader), on the coarse clock the L1 reads, which stops ticking when idle.
 */
class IdleExpiryTest {

    @Test
    void anExpiredEntryLeavesAnIdleL1() {
        LoaderScopes scopes = new LoaderScopes();
        CacheStats stats = new CacheStats("books");
        LocalCache l1 = new LocalCache(1_000, TimeUnit.SECONDS.toNanos(1), scopes, CoarseTicker.start());
        CacheKey key = CacheKey.of(scopes.of(getClass().getClassLoader()), "book:1");
        assertTrue(l1.putUnless(key, l1.entry("v", Long.MAX_VALUE, stats), () -> false));
        assertEquals(1, l1.size());

        Await.until(Duration.ofSeconds(10), "the idle L1's expired entry is removed", () -> l1.size() == 0);
        assertEquals(1, stats.expirations(), "counted as expired");
    }
}
