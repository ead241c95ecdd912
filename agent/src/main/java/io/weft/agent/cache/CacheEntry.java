package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.keys.ArgumentKey;
import io.weft.agent.metrics.CacheStats;

/**
 * A value in the local cache: the method's unwrapped result (the content of an {@code Optional} or
 * of a completed future), when it expires, and the statistics its evictions count toward. For methods that return the plain value, the entry itself is the {@link Hit} that woven
 * code returns, so a hit allocates nothing. An entry is retired once it leaves the L1's key table, which
 * is what makes the argument index's copies of it die with it.
 */
final class CacheEntry extends Hit {

    private final CacheStats stats;
    private final long deadlineNanos;
    private final boolean diesBeforeL1Ttl;
    private volatile boolean retired;
    private volatile ArgumentKey indexedAs;

    /**
     * @param deadlineNanos the {@link System#nanoTime()} at which it expires
     * @param diesBeforeL1Ttl whether that is sooner than {@code weft.l1.ttl} after it was written, which
     *     the key table's own expiry does not see to
     */
    CacheEntry(Object value, CacheStats stats, long deadlineNanos, boolean diesBeforeL1Ttl) {
        super(value);
        this.stats = stats;
        this.deadlineNanos = deadlineNanos;
        this.diesBeforeL1Ttl = diesBeforeL1Ttl;
    }

    /** Whether the entry is past its deadline. */
    boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /** Whether the entry is past a deadline shorter than {@code weft.l1.ttl}; free for the others. */
    boolean expiredBeforeL1Ttl() {
        return diesBeforeL1Ttl && expired();
    }

    CacheStats stats() {
        return stats;
    }

    /** Marks the entry as gone from the key table; the argument index no longer serves it. */
    void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    /** Records the argument key the entry is indexed under, so that retiring it can drop it from the index. */
    void indexedAs(ArgumentKey key) {
        indexedAs = key;
    }

    ArgumentKey indexedAs() {
        return indexedAs;
    }
}
