package io.weft.agent.cache;

import io.weft.agent.metrics.CacheStats;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The L1 entries of values read from the shared level: at an L2 hit, at a warm start's fill, and when a reload finds
 * the value another instance reloaded. An entry lives no longer than its key there, stands in for failures
 * ({@code staleIfError}) only once its TTL there has passed, and is as old as it is there ({@code refreshAfter}).
 */
final class SharedEntries {

    private final LocalCache l1;

    SharedEntries(LocalCache l1) {
        this.l1 = l1;
    }

    /**
     * The entry of {@code value}, read for {@code method}.
     *
     * @param remainingMillis what is left of the key's life in the shared level, or a negative number when it has no
     *     TTL there
     * @param tags the call's rendered tags, or {@code null}
     */
    CacheEntry entry(CachedMethod method, Object value, long remainingMillis, List<String> tags) {
        CacheStats stats = method.cache().stats();
        CacheEntry entry;
        if (method.sliding()) {
            entry = l1.slidingEntry(value, method.slidingTtlNanos(), stats);
        } else if (method.staleIfErrorMillis() > 0) {
            long fresh = remainingMillis < 0 ? method.l1TtlNanos() : Math.min(method.l1TtlNanos(),
                    TimeUnit.MILLISECONDS.toNanos(remainingMillis - method.staleIfErrorMillis()));
            entry = l1.staleableEntry(value, fresh, TimeUnit.MILLISECONDS.toNanos(method.staleIfErrorMillis()), stats);
        } else {
            long ttl = remainingMillis < 0 ? method.l1TtlNanos()
                    : Math.min(method.l1TtlNanos(), TimeUnit.MILLISECONDS.toNanos(remainingMillis));
            entry = l1.entry(value, ttl, stats);
        }
        entry = entry.tagged(tags);
        return method.refreshes() ? entry.refreshingAt(l1.now() + method.refreshDueInNanos(remainingMillis)) : entry;
    }
}
