package io.weft.agent.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one cache has done since start: {@code recordX} counts an event (as Caffeine's {@code StatsCounter}
 * does), the plural noun reads the count. Counting is a {@link LongAdder} increment: no allocation and
 * no contended write on the hit path.
 */
public final class CacheStats {

    private final String cacheName;
    private final LongAdder l1Hits = new LongAdder();
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LoadTimes loadTimes = new LoadTimes();
    private final LongAdder evictedBySize = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder invalidatedBySent = new LongAdder();
    private final LongAdder invalidatedByReceived = new LongAdder();
    private final LongAdder l2Unreadable = new LongAdder();
    private final LongAdder l2NotStored = new LongAdder();
    private final LongAdder compressed = new LongAdder();
    private final LongAdder compressionSaved = new LongAdder();
    private final LongAdder staleStoresDiscarded = new LongAdder();
    private final LongAdder loadWaitTimeouts = new LongAdder();
    private final LongAdder leaseWaits = new LongAdder();
    private final LongAdder staleServed = new LongAdder();
    private final LongAdder warmed = new LongAdder();
    private final LongAdder leaseWaitTimeouts = new LongAdder();
    private final LongAdder batchCalls = new LongAdder();
    private final LongAdder batchL1 = new LongAdder();
    private final LongAdder batchL2 = new LongAdder();
    private final LongAdder batchJoined = new LongAdder();
    private final LongAdder batchLoaded = new LongAdder();
    private final LongAdder[] refreshes = new LongAdder[RefreshOutcome.values().length];

    public CacheStats(String cacheName) {
        this.cacheName = cacheName;
        for (int i = 0; i < refreshes.length; i++) {
            refreshes[i] = new LongAdder();
        }
    }

    public String cacheName() {
        return cacheName;
    }

    public void recordL1Hit() {
        l1Hits.increment();
    }

    public void recordL2Hit() {
        l2Hits.increment();
    }

    public void recordMiss() {
        misses.increment();
    }

    /** A method body ran to fill the cache and took {@code nanos}. */
    public void recordLoad(long nanos) {
        loadTimes.record(nanos);
    }

    public void recordLoadFailure() {
        loadFailures.increment();
    }

    public void recordSizeEviction() {
        evictedBySize.increment();
    }

    public void recordExpiration() {
        expired.increment();
    }

    /** An entry was removed from L1 by an invalidation of {@code origin}. */
    public void recordInvalidation(InvalidationOrigin origin) {
        (origin == InvalidationOrigin.SENT ? invalidatedBySent : invalidatedByReceived).increment();
    }

    /** A value in Redis could not be read back as the method's type (it is deleted and counts as a miss). */
    public void recordL2Unreadable() {
        l2Unreadable.increment();
    }

    /** A value was not written to Redis: too large or not serializable. */
    /** A value was written to the shared level gzip-compressed, {@code bytesSaved} smaller than its JSON. */
    public void recordCompressed(long bytesSaved) {
        compressed.increment();
        compressionSaved.add(bytesSaved);
    }

    /** Values written to the shared level gzip-compressed ({@code weft.redis.compress.minBytes}). */
    public long compressed() {
        return compressed.sum();
    }

    /** Bytes that compression saved on the values written to the shared level. */
    public long compressionSaved() {
        return compressionSaved.sum();
    }

    public void recordL2NotStored() {
        l2NotStored.increment();
    }

    /** A loaded value was not kept in L1 because an invalidation of its key overlapped the load (the stale-set race). */
    public void recordStaleStoreDiscarded() {
        staleStoresDiscarded.increment();
    }

    /** A caller gave up waiting for another caller's load of the same key ({@code weft.load.maxWait}) and ran the method. */
    public void recordLoadWaitTimeout() {
        loadWaitTimeouts.increment();
    }

    /** A miss waited for another instance's load of the key; {@code served}: its value arrived in time. */
    public void recordLeaseWait(boolean served) {
        leaseWaits.increment();
        if (!served) {
            leaseWaitTimeouts.increment();
        }
    }

    /** The method failed and an entry past its TTL was returned instead ({@code staleIfError}). */
    public void recordStaleServed() {
        staleServed.increment();
    }

    /** A warm start put {@code entries} read from Redis into the L1 ({@code weft.warm}). */
    public void recordWarmed(long entries) {
        warmed.add(entries);
    }

    /** Entries that warm starts put into the L1 from Redis, without calling the method. */
    public long warmed() {
        return warmed.sum();
    }

    /**
     * A call of a batch method (SPEC §13) whose distinct elements were found in L1, in Redis, in another call's load,
     * or loaded by its method call; they count as hits and misses too.
     */
    public void recordBatch(int l1, int l2, int joined, int loaded) {
        batchCalls.increment();
        batchL1.add(l1);
        batchL2.add(l2);
        batchJoined.add(joined);
        batchLoaded.add(loaded);
        l1Hits.add(l1 + joined);
        l2Hits.add(l2);
        misses.add(loaded);
    }

    /** Calls of a batch method. */
    public long batchCalls() {
        return batchCalls.sum();
    }

    /** Elements of batch calls found in L1. */
    public long batchL1Elements() {
        return batchL1.sum();
    }

    /** Elements of batch calls found in Redis. */
    public long batchL2Elements() {
        return batchL2.sum();
    }

    /** Elements of batch calls that another call was loading, taken from its load. */
    public long batchJoinedElements() {
        return batchJoined.sum();
    }

    /** Elements of batch calls that their method call loaded. */
    public long batchLoadedElements() {
        return batchLoaded.sum();
    }

    /** A background reload ({@code refreshAfter}) started, ended or was dropped. */
    public void recordRefresh(RefreshOutcome outcome) {
        refreshes[outcome.ordinal()].increment();
    }

    /** Background reloads ({@code refreshAfter}) that came to {@code outcome}. */
    public long refreshes(RefreshOutcome outcome) {
        return refreshes[outcome.ordinal()].sum();
    }

    /** Failures that an entry past its TTL stood in for ({@code staleIfError}). */
    public long staleServed() {
        return staleServed.sum();
    }

    /** Misses that waited for another instance's load of the same key ({@code weft.lease.wait}). */
    public long leaseWaits() {
        return leaseWaits.sum();
    }

    /** Of {@link #leaseWaits}, those that ran the method themselves: no value arrived in time. */
    public long leaseWaitTimeouts() {
        return leaseWaitTimeouts.sum();
    }

    public long staleStoresDiscarded() {
        return staleStoresDiscarded.sum();
    }

    public long loadWaitTimeouts() {
        return loadWaitTimeouts.sum();
    }

    public long l1Hits() {
        return l1Hits.sum();
    }

    public long l2Hits() {
        return l2Hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long loadFailures() {
        return loadFailures.sum();
    }

    public LoadTimes loadTimes() {
        return loadTimes;
    }

    public long sizeEvictions() {
        return evictedBySize.sum();
    }

    public long expirations() {
        return expired.sum();
    }

    /** Entries removed from L1 by invalidations, sent and received. */
    public long invalidations() {
        return invalidatedBySent.sum() + invalidatedByReceived.sum();
    }

    /** Entries removed from L1 by invalidations of {@code origin}. */
    public long invalidations(InvalidationOrigin origin) {
        return (origin == InvalidationOrigin.SENT ? invalidatedBySent : invalidatedByReceived).sum();
    }

    public long l2Unreadable() {
        return l2Unreadable.sum();
    }

    public long l2NotStored() {
        return l2NotStored.sum();
    }

    /** Hits (both levels) over lookups, or 0 before the first lookup. */
    public double hitRatio() {
        long hits = l1Hits() + l2Hits();
        long lookups = hits + misses();
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
