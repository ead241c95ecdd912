package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

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

    void put(String key, CacheEntry entry) {
        cache.put(key, entry);
    }

    /** Removes {@code key} only while it still maps to {@code entry}. */
    void remove(String key, CacheEntry entry) {
        cache.asMap().remove(key, entry);
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

    long size() {
        return cache.estimatedSize();
    }
}
