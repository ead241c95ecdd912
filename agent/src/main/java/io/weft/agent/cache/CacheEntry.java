package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;

/**
 * A value in the local cache: the method's unwrapped result (the content of an {@code Optional} or
 * of a completed future) and how long it may live. For methods that return the plain value, the
 * entry itself is the {@link Hit} that woven code returns, so a hit allocates nothing.
 */
final class CacheEntry extends Hit {

    private final long ttlNanos;

    CacheEntry(Object value, long ttlNanos) {
        super(value);
        this.ttlNanos = ttlNanos;
    }

    long ttlNanos() {
        return ttlNanos;
    }
}
