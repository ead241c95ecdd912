package io.weft.agent.ops.jmx;

import io.weft.agent.cache.NamedCache;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import io.weft.agent.metrics.LoadTimes;
import io.weft.agent.ops.Ops;
import io.weft.agent.ops.Snapshot;
import java.util.List;

/** {@link CacheControlMXBean} over one {@link NamedCache}; reads its counters directly. */
public final class CacheControl implements CacheControlMXBean {

    private final Ops ops;
    private final NamedCache cache;

    CacheControl(Ops ops, NamedCache cache) {
        this.ops = ops;
        this.cache = cache;
    }

    private CacheStats stats() {
        return cache.stats();
    }

    @Override
    public String getName() {
        return cache.name();
    }

    @Override
    public boolean isEnabled() {
        return ops.switches().cacheEnabled(cache);
    }

    @Override
    public void setEnabled(boolean enabled) {
        ops.setCacheEnabled(cache, enabled, "over JMX");
    }

    @Override
    public boolean isActive() {
        return cache.enabled();
    }

    @Override
    public long getL1Hits() {
        return stats().l1Hits();
    }

    @Override
    public long getL2Hits() {
        return stats().l2Hits();
    }

    @Override
    public long getHits() {
        return stats().l1Hits() + stats().l2Hits();
    }

    @Override
    public long getMisses() {
        return stats().misses();
    }

    @Override
    public double getHitRatio() {
        return stats().hitRatio();
    }

    @Override
    public long getLoads() {
        return stats().loadTimes().count();
    }

    @Override
    public long getLoadFailures() {
        return stats().loadFailures();
    }

    @Override
    public double getLoadTimeMeanMillis() {
        LoadTimes times = stats().loadTimes();
        long count = times.count();
        return count == 0 ? 0 : times.totalNanos() / 1e6 / count;
    }

    @Override
    public double getLoadTimeP50Millis() {
        return stats().loadTimes().quantileNanos(0.5) / 1e6;
    }

    @Override
    public double getLoadTimeP95Millis() {
        return stats().loadTimes().quantileNanos(0.95) / 1e6;
    }

    @Override
    public double getLoadTimeP99Millis() {
        return stats().loadTimes().quantileNanos(0.99) / 1e6;
    }

    @Override
    public long getEvictionsBySize() {
        return stats().sizeEvictions();
    }

    @Override
    public long getExpirations() {
        return stats().expirations();
    }

    @Override
    public long getInvalidations() {
        return stats().invalidations();
    }

    @Override
    public long getInvalidationsSent() {
        return stats().invalidations(InvalidationOrigin.SENT);
    }

    @Override
    public long getInvalidationsReceived() {
        return stats().invalidations(InvalidationOrigin.RECEIVED);
    }

    @Override
    public long getL2Unreadable() {
        return stats().l2Unreadable();
    }

    @Override
    public long getL2NotStored() {
        return stats().l2NotStored();
    }

    @Override
    public long getStaleStoresDiscarded() {
        return stats().staleStoresDiscarded();
    }

    @Override
    public long getLoadWaitTimeouts() {
        return stats().loadWaitTimeouts();
    }

    @Override
    public long getL1Entries() {
        Snapshot.CacheView view = ops.snapshot().cache(cache.name());
        return view == null ? 0 : view.l1Entries;
    }

    @Override
    public List<String> getHotKeys() {
        return ops.hotKeys(cache);
    }

    @Override
    public long clear() {
        return ops.clear(cache, "over JMX");
    }
}
