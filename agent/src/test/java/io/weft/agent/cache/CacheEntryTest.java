package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.metrics.CacheStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plain entry carries no freshness bound, refresh time or tags; giving it one yields an entry that does. */
class CacheEntryTest {

    private final CacheStats stats = new CacheStats("books");

    @Test
    void aPlainEntryIsFreshHasNoTagsAndNeverClaimsARefresh() {
        CacheEntry plain = CacheEntry.of("v", stats, 100);
        assertTrue(plain.freshAt(Long.MAX_VALUE));
        assertNull(plain.tags());
        assertFalse(plain.claimRefresh(Long.MAX_VALUE));
        assertSame(plain, plain.tagged(null), "no tags: the entry itself");
        CacheEntry untimed = CacheEntry.of("v", stats, CacheEntry.NO_DEADLINE);
        assertFalse(untimed.hasDeadline());
        assertFalse(untimed.expiredAt(Long.MAX_VALUE), "Caffeine expires it");
        assertTrue(plain.hasDeadline());
    }

    @Test
    void aSlidingRenewalMovesTheDeadlineOnEveryHitAndAsksForRedisAtMostOncePerTenthOfTheTtl() {
        CacheEntry sliding = CacheEntry.of("v", stats, 1_000);
        assertFalse(sliding.renew(50, 1_000), "within a tenth of the TTL of its write: not in Redis");
        assertFalse(sliding.expiredAt(1_049), "but in L1: the hit renewed it");
        assertTrue(sliding.expiredAt(1_050));
        assertTrue(sliding.renew(200, 1_000), "a tenth of the TTL later: in Redis too");
        assertFalse(sliding.renew(250, 1_000), "the next renewal in Redis is a tenth after that one");
        assertFalse(sliding.expiredAt(1_249));
        assertTrue(sliding.expiredAt(1_250));
        assertTrue(sliding.renew(300, 1_000));
        CacheEntry tagged = sliding.tagged(List.of("t"));
        assertTrue(tagged.renew(1_000, 1_000), "a tagged copy keeps renewing");
        assertFalse(tagged.expiredAt(1_999));
    }

    @Test
    void taggingOrTimingAPlainEntryGivesACopyThatCarriesItAll() {
        CacheEntry plain = CacheEntry.of("v", stats, 100);
        CacheEntry tagged = plain.tagged(List.of("user:1"));
        assertEquals("v", tagged.value());
        assertSame(stats, tagged.stats());
        assertTrue(tagged.hasDeadline() && tagged.expiredAt(100) && !tagged.expiredAt(99), "the deadline is kept");
        assertEquals(List.of("user:1"), tagged.tags());
        CacheEntry timed = tagged.refreshingAt(50);
        assertSame(tagged, timed, "an entry that carries tags carries a refresh time too");
        assertFalse(timed.claimRefresh(49));
        assertTrue(timed.claimRefresh(50));
        assertFalse(timed.claimRefresh(60), "claimed once");
        CacheEntry refreshing = CacheEntry.of("w", stats, CacheEntry.NO_DEADLINE).refreshingAt(10);
        assertTrue(refreshing.claimRefresh(10));
        assertNull(refreshing.tags());
    }

    @Test
    void aStaleableEntryStopsBeingFreshAtItsBound() {
        CacheEntry staleable = CacheEntry.staleable("v", stats, 1_000, 500);
        assertTrue(staleable.freshAt(499));
        assertFalse(staleable.freshAt(500));
        assertSame(staleable, staleable.tagged(List.of("t")));
    }

    /** SPEC §12's hot keys: an entry counts its first hits exactly, so that keys hit a few times rank right. */
    @Test
    void anEntryCountsEachOfItsFirstHitsExactly() {
        CacheEntry entry = CacheEntry.of("v", stats, CacheEntry.NO_DEADLINE);
        assertEquals(0, entry.hits());
        for (int i = 1; i <= CacheEntry.EXACT_HITS; i++) {
            entry.countHit();
            assertEquals(i, entry.hits(), "hit " + i);
        }
    }

    /**
     * Past {@link CacheEntry#EXACT_HITS} an entry samples its hits, each counted one standing for 64, so the count
     * still estimates the hits: 200,000 hits leave about 3,100 samples, and the estimate is 10% off about once in
     * 50 million runs.
     */
    @Test
    void pastItsExactHitsAnEntryEstimatesItsHitsWithoutBias() {
        CacheEntry timed = CacheEntry.of("v", stats, 100);
        int hits = 200_000;
        for (int i = 0; i < hits; i++) {
            timed.countHit();
        }
        assertEquals(hits, timed.hits(), hits / 10.0, "an estimate of the hits, not a sample count");
    }
}
