package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.weft.agent.keys.ArgumentKey;
import io.weft.agent.metrics.CacheStats;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The L1: one size-bounded Caffeine cache for all caches of the JVM, keyed by the rendered keys. Caffeine
 * expires every entry {@code weft.l1.ttl} after it was written (fixed expiry: no timer-wheel work on a
 * read); an entry that must die sooner carries its own deadline, checked when it is read.
 *
 * <p>Beside the key table, an argument index finds the same entries by {@link ArgumentKey}, so a hit
 * of a method keyed by strings, numbers or UUIDs builds no key text. The key table stays the truth:
 * every entry that leaves it, for whatever reason, is retired first, and the index never serves a
 * retired entry; so an eviction by key text (an invalidation, an event from another instance) also
 * ends the entry's life in the index.
 */
final class LocalCache {

    private final Cache<String, CacheEntry> cache;
    private final Cache<ArgumentKey, CacheEntry> byArguments;
    private final long maxTtlNanos;

    LocalCache(long maxSize, long maxTtlNanos) {
        this.maxTtlNanos = maxTtlNanos;
        this.byArguments = Caffeine.newBuilder().maximumSize(maxSize).build();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfterWrite(maxTtlNanos, TimeUnit.NANOSECONDS)
                .evictionListener((String key, CacheEntry entry, RemovalCause cause) -> {
                    if (entry != null) {
                        retire(entry);
                        if (cause == RemovalCause.EXPIRED) {
                            entry.stats().expired();
                        } else {
                            entry.stats().evictedBySize();
                        }
                    }
                })
                .build();
    }

    /** An entry that lives {@code ttlNanos}, or {@code weft.l1.ttl} if that is shorter. */
    CacheEntry entry(Object value, long ttlNanos, CacheStats stats) {
        return new CacheEntry(value, stats, System.nanoTime() + Math.min(ttlNanos, maxTtlNanos), ttlNanos < maxTtlNanos);
    }

    /** The live entry of {@code key}, or {@code null}; an entry past its own deadline is removed. */
    CacheEntry get(String key) {
        CacheEntry entry = cache.getIfPresent(key);
        if (entry != null && entry.expiredBeforeL1Ttl()) {
            if (remove(key, entry)) {
                entry.stats().expired();
            }
            return null;
        }
        return entry;
    }

    /**
     * The live entry indexed under {@code key}, or {@code null}, and then the caller looks the key text
     * up. The deadline is checked here because the key table's expiry, which runs when the key table is
     * read or written, may not run while every read is served from the index.
     */
    CacheEntry get(ArgumentKey key) {
        CacheEntry entry = byArguments.getIfPresent(key);
        return entry == null || entry.retired() || entry.expired() ? null : entry;
    }

    /**
     * Indexes an entry of the key table under its argument key. If the entry is retired meanwhile, either
     * the retirement sees the index entry and removes it, or this sees the retirement and does.
     */
    void index(ArgumentKey key, CacheEntry entry) {
        entry.indexedAs(key);
        byArguments.put(key, entry);
        if (entry.retired()) {
            byArguments.asMap().remove(key, entry);
        }
    }

    /**
     * Called for every entry that leaves the key table, under the key's lock or before the entry is
     * removed: once any caller sees the key gone, the entry is retired, whoever removed it.
     */
    private void retire(CacheEntry entry) {
        entry.retire();
        ArgumentKey indexed = entry.indexedAs();
        if (indexed != null) {
            byArguments.asMap().remove(indexed, entry);
        }
    }

    /**
     * Puts {@code entry} unless {@code stale} says it must not be kept, deciding under the key's lock,
     * so that a removal of the key that follows the mark cannot be overtaken by the put.
     *
     * @return whether the entry was put
     */
    boolean putUnless(String key, CacheEntry entry, BooleanSupplier stale) {
        boolean[] put = new boolean[1];
        cache.asMap().compute(key, (k, current) -> {
            put[0] = !stale.getAsBoolean();
            if (put[0] && current != null) {
                retire(current);
            }
            return put[0] ? entry : current;
        });
        return put[0];
    }

    void remove(String key) {
        CacheEntry[] removed = new CacheEntry[1];
        cache.asMap().computeIfPresent(key, (k, entry) -> {
            retire(entry);
            removed[0] = entry;
            return null;
        });
        if (removed[0] != null) {
            removed[0].stats().invalidated();
        }
    }

    /** Removes {@code key} if {@code entry} is its entry, retiring it under the key's lock. */
    private boolean remove(String key, CacheEntry entry) {
        boolean[] removed = new boolean[1];
        cache.asMap().computeIfPresent(key, (k, current) -> {
            if (current != entry) {
                return current;
            }
            retire(entry);
            removed[0] = true;
            return null;
        });
        return removed[0];
    }

    /** Removes every key that starts with {@code prefix}. */
    void removePrefix(String prefix) {
        for (String key : cache.asMap().keySet()) {
            if (key.startsWith(prefix)) {
                remove(key);
            }
        }
    }

    void clear() {
        cache.asMap().forEach(this::remove);
    }

    /** Removes the entries of one cache (those counting toward {@code stats}); returns how many. */
    long clear(CacheStats stats) {
        long[] removed = {0};
        cache.asMap().forEach((key, entry) -> {
            if (entry.stats() == stats && remove(key, entry)) {
                removed[0]++;
            }
        });
        return removed[0];
    }

    /** Entries by cache name, counted in one pass over the L1 (for metrics; not on any caller's path). */
    Map<String, Long> sizesByCache() {
        Map<String, Long> sizes = new HashMap<>();
        for (CacheEntry entry : cache.asMap().values()) {
            sizes.merge(entry.stats().cacheName(), 1L, Long::sum);
        }
        return sizes;
    }

    long size() {
        return cache.estimatedSize();
    }
}
