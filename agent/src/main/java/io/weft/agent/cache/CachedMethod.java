package io.weft.agent.cache;

import io.weft.agent.keys.KeyRenderer;

/** A woven {@code @CacheResult} method: its cache, key, TTL and result shape, bound at weave time. */
public final class CachedMethod {

    private final String owner;
    private final String cacheName;
    private final KeyRenderer key;
    private final long ttlNanos;
    private final boolean cacheNull;
    private final ResultShape shape;
    private final Invalidation invalidation;
    private volatile boolean enabled;

    /**
     * @param owner {@code Class#method}, for messages
     * @param ttlNanos the entry's life in L1, already capped by {@code weft.l1.ttl}
     * @param invalidation what the method also evicts when its body runs, or {@code null}
     */
    public CachedMethod(String owner, String cacheName, KeyRenderer key, long ttlNanos, boolean cacheNull,
            ResultShape shape, Invalidation invalidation, boolean enabled) {
        this.owner = owner;
        this.cacheName = cacheName;
        this.key = key;
        this.ttlNanos = ttlNanos;
        this.cacheNull = cacheNull;
        this.shape = shape;
        this.invalidation = invalidation;
        this.enabled = enabled;
    }

    public String owner() {
        return owner;
    }

    public String cacheName() {
        return cacheName;
    }

    public boolean enabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    KeyRenderer key() {
        return key;
    }

    long ttlNanos() {
        return ttlNanos;
    }

    boolean cacheNull() {
        return cacheNull;
    }

    ResultShape shape() {
        return shape;
    }

    Invalidation invalidation() {
        return invalidation;
    }
}
