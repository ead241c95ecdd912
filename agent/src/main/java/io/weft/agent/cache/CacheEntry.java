package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.metrics.CacheStats;

/**
 * A value in the local cache: the method's unwrapped result (the content of an {@code Optional} or
 * of a completed future), how long it may live, and the statistics its evictions count toward. For
 * methods that return the plain value, the entry itself is the {@link Hit} that woven code returns,
 * so a hit allocates nothing.
 */
final class CacheEntry extends Hit {

    private final long ttlNanos;
    private final CacheStats stats;

    CacheEntry(Object value, long ttlNanos, CacheStats stats) {
        super(value);
        this.ttlNanos = ttlNanos;
        this.stats = stats;
    }

    long ttlNanos() {
        return ttlNanos;
    }

    CacheStats stats() {
        return stats;
    }
}
