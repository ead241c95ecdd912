package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyScope;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import io.weft.agent.testing.Await;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The L1's tag index (SPEC §13, {@link TagIndex}): a tag eviction finds the entries carrying the tag without a
 * scan, the index holds only what the L1 holds (it never grows with entries gone another way), a replacement
 * never untracks the newer entry, and an entry whose put races a tag or prefix eviction or a clear is removed by it.
 */
class LocalCacheTagIndexTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final Ticker ticker = nanos::get;
    private final LoaderScopes scopes = new LoaderScopes();
    private final KeyScope scope = scopes.of(getClass().getClassLoader());
    private final CacheStats stats = new CacheStats("books");
    private final LocalCache l1 = new LocalCache(1_000, TimeUnit.MINUTES.toNanos(10), scopes, ticker);

    private CacheEntry put(String key, String value, String... tags) {
        CacheEntry entry = l1.entry(value, TimeUnit.MINUTES.toNanos(1), stats);
        if (tags.length > 0) {
            entry = entry.tagged(List.of(tags));
        }
        assertTrue(l1.putUnless(CacheKey.of(scope, key), entry, () -> false));
        return entry;
    }

    private Object value(String key) {
        CacheEntry entry = l1.get(CacheKey.of(scope, key));
        return entry == null ? null : entry.value();
    }

    @Test
    void aTagEvictionRemovesTheEntriesCarryingItAndLeavesTheOthers() {
        put("book:1", "b1", "user:alice", "all");
        put("book:2", "b2", "user:alice");
        put("book:3", "b3", "user:bob", "all");
        put("plain:1", "p1");

        l1.removeTag("user:alice", InvalidationOrigin.RECEIVED);

        assertNull(value("book:1"));
        assertNull(value("book:2"));
        assertEquals("b3", value("book:3"));
        assertEquals("p1", value("plain:1"));
        assertEquals(2, l1.tagIndexMappings(), "book:3 under its two tags: book:1 left the index of its other tag too");
        assertEquals(2, stats.invalidations(), "counted as invalidations");
    }

    @Test
    void theIndexHoldsOnlyWhatTheL1Holds() {
        put("book:1", "b1", "user:alice");
        put("book:2", "b2", "user:alice");
        put("book:3", "b3", "user:alice");
        assertEquals(3, l1.tagIndexMappings());

        l1.remove("book:1", InvalidationOrigin.SENT);
        assertEquals(2, l1.tagIndexMappings(), "a key removal");
        l1.removePrefix("book:2", InvalidationOrigin.RECEIVED);
        assertEquals(1, l1.tagIndexMappings(), "a prefix removal");
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(2));
        assertNull(value("book:3"), "past its deadline");
        assertEquals(0, l1.tagIndexMappings(), "an entry read past its deadline");
        assertEquals(1, stats.expirations(), "counted as expired");

        put("book:4", "b4", "user:alice");
        l1.clear();
        assertEquals(0, l1.tagIndexMappings(), "a clear");
        put("book:5", "b5", "user:alice");
        assertEquals(1, l1.clear(stats));
        assertEquals(0, l1.tagIndexMappings(), "a clear of one cache");
        assertEquals(2, stats.invalidations(), "the key and prefix removals; clears are no invalidations");
        assertEquals(1, stats.invalidations(InvalidationOrigin.SENT), "the key's removal, by this instance");
        assertEquals(1, stats.invalidations(InvalidationOrigin.RECEIVED), "the prefix's removal, by an event");
    }

    @Test
    void entriesEvictedBySizeOrExpiryLeaveTheIndex() {
        LocalCache small = new LocalCache(10, TimeUnit.MINUTES.toNanos(10), scopes, ticker);
        for (int i = 0; i < 1_000; i++) {
            CacheEntry entry = small.entry("v" + i, TimeUnit.HOURS.toNanos(1), stats).tagged(List.of("all"));
            small.putUnless(CacheKey.of(scope, "k" + i), entry, () -> false);
        }
        Await.until("the index follows the size bound", () -> small.tagIndexMappings() <= 10);
        assertTrue(stats.sizeEvictions() >= 900, "counted as evicted for size: " + stats.sizeEvictions());
        assertEquals(0, stats.expirations());
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(11));
        Await.until("and Caffeine's expiry", () -> {
            // Caffeine expires in the maintenance that a write starts
            small.putUnless(CacheKey.of(scope, "untagged"), small.entry("u", 1, stats), () -> false);
            return small.tagIndexMappings() == 0;
        });
    }

    @Test
    void aReplacementIsTrackedUnderItsOwnTagsOnly() {
        CacheEntry first = put("book:1", "old", "user:alice");
        put("book:1", "new");
        assertEquals(0, l1.tagIndexMappings(), "the untagged replacement dropped the old entry's mapping");
        l1.removeTag("user:alice", InvalidationOrigin.RECEIVED);
        assertEquals("new", value("book:1"), "the untagged replacement does not carry the tag");

        put("book:2", "old", "user:bob");
        put("book:2", "new", "user:bob");
        assertEquals(1, l1.tagIndexMappings());
        l1.removeTag("user:bob", InvalidationOrigin.RECEIVED);
        assertNull(value("book:2"), "the tagged replacement is tracked");
        assertNotNull(first);
    }

    @Test
    void aRefusedPutLeavesTheEntryItWouldHaveReplacedIndexed() {
        put("book:1", "loaded after the write", "user:alice");
        CacheEntry refused = l1.entry("loaded before the write", TimeUnit.MINUTES.toNanos(1), stats)
                .tagged(List.of("user:alice", "user:bob"));
        assertTrue(!l1.putUnless(CacheKey.of(scope, "book:1"), refused, () -> true), "its load was marked");
        assertEquals("loaded after the write", value("book:1"), "a refused put leaves the entry in L1");
        assertEquals(1, l1.tagIndexMappings(), "the refused entry is not indexed under its tags");

        l1.removeTag("user:alice", InvalidationOrigin.RECEIVED);
        assertNull(value("book:1"), "the entry in L1 is still found by its tag");
    }

    @Test
    void aPutThatRacesATagEvictionIsRemovedByIt() throws Exception {
        CacheKey key = CacheKey.of(scope, "book:1");
        CacheEntry entry = l1.entry("loaded before the eviction", TimeUnit.MINUTES.toNanos(1), stats)
                .tagged(List.of("user:alice"));
        Thread eviction = new Thread(() -> l1.removeTag("user:alice", InvalidationOrigin.RECEIVED), "tag eviction");
        boolean kept = l1.putUnless(key, entry, () -> {
            // the load read no mark, so the eviction's mark comes after this: its removal runs while the put holds
            // the key, and either finds the entry (and waits for the key) or, scanning the L1, ends without it
            eviction.start();
            Await.until("the eviction waits for the key or has ended", () -> eviction.getState() == Thread.State.BLOCKED
                    || eviction.getState() == Thread.State.TERMINATED);
            return false;
        });
        eviction.join(10_000);

        assertTrue(kept);
        assertNull(value("book:1"), "the tag eviction that began during the put removed the entry");
    }

    @Test
    void aPutThatRacesAPrefixEvictionOrAClearIsRemovedByIt() throws Exception {
        assertRemovedByEvictionDuringPut("book:1", () -> l1.removePrefix("book:", InvalidationOrigin.RECEIVED));
        assertRemovedByEvictionDuringPut("book:2", l1::clear);
        put("book:3", "old");
        assertRemovedByEvictionDuringPut("book:3", () -> l1.removePrefix("book:", InvalidationOrigin.RECEIVED));
    }

    /** Puts {@code key}, starting {@code eviction} while the put holds the key (the load read no mark before). */
    private void assertRemovedByEvictionDuringPut(String key, Runnable eviction) throws Exception {
        CacheEntry entry = l1.entry("loaded before the eviction", TimeUnit.MINUTES.toNanos(1), stats);
        Thread evicting = new Thread(eviction, "eviction");
        assertTrue(l1.putUnless(CacheKey.of(scope, key), entry, () -> {
            evicting.start();
            Await.until("the eviction waits or has ended", () -> evicting.getState() == Thread.State.WAITING
                    || evicting.getState() == Thread.State.BLOCKED || evicting.getState() == Thread.State.TERMINATED);
            return false;
        }));
        evicting.join(10_000);
        assertNull(value(key), key + ": the eviction that began during the put removed the entry");
    }

    @Test
    void withoutAnL1NothingIsKeptAndAPutOnlySaysWhetherItsLoadWasMarked() {
        LocalCache none = new LocalCache(0, TimeUnit.MINUTES.toNanos(10), scopes, ticker);
        CacheKey key = CacheKey.of(scope, "book:1");
        CacheEntry entry = none.entry("v", TimeUnit.MINUTES.toNanos(1), stats);

        assertTrue(none.putUnless(key, entry, () -> false));
        assertFalse(none.putUnless(key, entry, () -> true), "a load that an invalidation marked is not kept anywhere");
        assertNull(none.get(key));
        assertEquals(0, none.size());
    }
}
