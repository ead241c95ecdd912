package io.weft.agent.ops.jmx;

import java.util.List;

/**
 * One cache over JMX: {@code io.weft:type=Cache,name=<ObjectName.quote(name)>}. Counters count since the
 * JVM started; times are in milliseconds (percentiles are bucket bounds: at most twice the true value).
 */
public interface CacheControlMXBean {

    String getName();

    /** The cache's own switch; writable. The cache is active only while the agent's switch is on too. */
    boolean isEnabled();

    void setEnabled(boolean enabled);

    /** Whether lookups happen now (its switch and the agent's are on). */
    boolean isActive();

    long getL1Hits();

    long getL2Hits();

    long getHits();

    long getMisses();

    /** Hits over lookups since start, 0 before the first lookup. */
    double getHitRatio();

    long getLoads();

    long getLoadFailures();

    double getLoadTimeMeanMillis();

    double getLoadTimeP50Millis();

    double getLoadTimeP95Millis();

    double getLoadTimeP99Millis();

    long getEvictionsBySize();

    long getExpirations();

    long getInvalidations();

    /** Entries of this cache evicted from the L1 by this instance's own invalidations (whose events it sends). */
    long getInvalidationsSent();

    /** Entries of this cache evicted from the L1 by events of other instances and services. */
    long getInvalidationsReceived();

    long getL2Unreadable();

    long getL2NotStored();

    /** Loaded values not kept because an invalidation of their key overlapped the load. */
    long getStaleStoresDiscarded();

    /** Callers that stopped waiting for another caller's load after {@code weft.load.maxWait}. */
    long getLoadWaitTimeouts();

    /** Entries of this cache in this JVM's L1. */
    long getL1Entries();

    /** The keys of this cache with the most hits in this JVM's L1, most first (Caffeine's frequency sketch). */
    List<String> getHotKeys();

    /** Removes this cache's entries from this JVM's L1 (Redis keeps its copies); returns how many. */
    long clear();
}
