package io.weft.agent.cache;

import io.weft.agent.keys.CacheKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The L1's index from each tag to the entries carrying it (SPEC §13), so that a tag eviction visits the tag's
 * entries only, not the whole L1. Only tagged entries are indexed; an untagged put or removal costs a null check.
 *
 * <p>Every mapping is to an entry instance, added and removed only as that instance: {@link #forget} of an entry
 * that a newer entry of the same key replaced in the index removes nothing, so no removal can untrack a newer
 * entry, whatever the order of the two. A loader {@linkplain #add adds} its entry before it reads whether an
 * invalidation marked its load, and {@link #take} removes a tag's mapping atomically with those adds: an entry
 * whose load read no mark was added before the mark was written, hence before the tag was taken after it, and is
 * among the entries taken. A put that is refused forgets its entry and adds back the entry it would have replaced,
 * under the key's lock; a tag eviction removes by key whichever entry carries the tag then. A mapping whose entry left the L1 another way (expired, evicted, replaced) is forgotten
 * by the L1 when it leaves, so the index holds what the L1 holds.
 */
final class TagIndex {

    private final ConcurrentHashMap<String, Map<CacheKey, CacheEntry>> byTag = new ConcurrentHashMap<>();

    /** Indexes {@code entry} under each of its tags, as {@code key}'s entry. */
    void add(CacheKey key, CacheEntry entry) {
        List<String> tags = entry.tags();
        if (tags == null) {
            return;
        }
        for (String tag : tags) {
            byTag.compute(tag, (t, entries) -> {
                Map<CacheKey, CacheEntry> indexed = entries == null ? new ConcurrentHashMap<>() : entries;
                indexed.put(key, entry);
                return indexed;
            });
        }
    }

    /** Removes {@code entry}'s mappings, those that are still to this instance; a tag left with none goes. */
    void forget(CacheKey key, CacheEntry entry) {
        List<String> tags = entry.tags();
        if (tags == null) {
            return;
        }
        for (String tag : tags) {
            byTag.computeIfPresent(tag, (t, entries) -> {
                entries.remove(key, entry);
                return entries.isEmpty() ? null : entries;
            });
        }
    }

    /** Removes the tag from the index and hands each entry that carried it to {@code evict}. */
    void take(String tag, BiConsumer<CacheKey, CacheEntry> evict) {
        Map<CacheKey, CacheEntry> entries = byTag.remove(tag);
        if (entries != null) {
            entries.forEach(evict);
        }
    }

    /** The mappings held, an entry once per tag it carries: what the index costs (a walk of the tags). */
    long mappings() {
        long mappings = 0;
        for (Map<CacheKey, CacheEntry> entries : byTag.values()) {
            mappings += entries.size();
        }
        return mappings;
    }
}
