package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.function.BooleanSupplier;
import io.weft.agent.metrics.CacheStats;
import java.util.HashMap;
import java.util.Map;

/** The L1: one size-bounded Caffeine cache for all caches of the JVM, each entry with its own TTL. */
final class LocalCache {

    private final Cache<String, CacheEntry> cache;

    LocalCache(long maxSize) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfter(new Expiry<String, CacheEntry>() {
                    @Override
                    public long expireAfterCreate(String key, CacheEntry entry, long currentTime) {
                        return entry.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, CacheEntry entry, long currentTime, long currentDuration) {
                        return entry.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, CacheEntry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .evictionListener((String key, CacheEntry entry, RemovalCause cause) -> {
                    if (entry != null) {
                        if (cause == RemovalCause.EXPIRED) {
                            entry.stats().expired();
                        } else {
                            entry.stats().evictedBySize();
                        }
                    }
                })
                .build();
    }

    CacheEntry get(String key) {
        return cache.getIfPresent(key);
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
            return put[0] ? entry : current;
        });
        return put[0];
    }

    void remove(String key) {
        CacheEntry removed = cache.asMap().remove(key);
        if (removed != null) {
            removed.stats().invalidated();
        }
    }

    void removePrefix(String prefix) {
        cache.asMap().entrySet().removeIf(entry -> {
            if (entry.getKey().startsWith(prefix)) {
                entry.getValue().stats().invalidated();
                return true;
            }
            return false;
        });
    }

    void clear() {
        cache.invalidateAll();
    }

    /** Removes the entries of one cache (those counting toward {@code stats}); returns how many. */
    long clear(CacheStats stats) {
        long[] removed = {0};
        cache.asMap().values().removeIf(entry -> {
            if (entry.stats() == stats) {
                removed[0]++;
                return true;
            }
            return false;
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
