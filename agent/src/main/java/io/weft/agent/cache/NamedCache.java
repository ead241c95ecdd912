package io.weft.agent.cache;

import io.weft.agent.metrics.CacheStats;

/**
 * One cache by name, as operators see it: its runtime switch and its statistics. All methods whose
 * annotations name the same cache share it.
 */
public final class NamedCache {

    private final String name;
    private final CacheStats stats;
    private volatile boolean enabled;

    NamedCache(String name, boolean enabled) {
        this.name = name;
        this.stats = new CacheStats(name);
        this.enabled = enabled;
    }

    public String name() {
        return name;
    }

    /** Whether lookups and stores happen; a disabled cache calls straight through to its methods. */
    public boolean enabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public CacheStats stats() {
        return stats;
    }
}
