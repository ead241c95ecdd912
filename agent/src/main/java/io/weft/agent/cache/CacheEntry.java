package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.metrics.CacheStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A value in the local cache: the method's unwrapped result (the content of an {@code Optional} or
 * of a completed future), when it expires if sooner than any L1 entry, and the statistics its evictions
 * count toward. For
 * methods that return the plain value, the entry itself is the {@link Hit} that woven code returns,
 * so a hit allocates nothing.
 */
final class CacheEntry extends Hit {

    private static final VarHandle REFRESH_AT;

    static {
        try {
            REFRESH_AT = MethodHandles.lookup().findVarHandle(CacheEntry.class, "refreshAtNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The deadline of an entry that lives as long as the L1 lets any entry live. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    /** One hit in this many is counted per entry, for the hot keys (SPEC §12): few writes to a shared entry. */
    private static final int HIT_SAMPLE_MASK = 7;

    private final CacheStats stats;
    /** Moved on by {@link #renew} (sliding TTLs); a stale read only moves an expiry by one renewal. */
    private volatile long deadlineNanos;
    private final long freshUntilNanos;
    /**
     * When a hit starts a background reload ({@code refreshAfter}), or {@link #NO_DEADLINE}: never, or one was
     * claimed already ({@link #claimRefresh}).
     */
    private volatile long refreshAtNanos = NO_DEADLINE;
    /** The entry's rendered tags ({@code @CacheResult(tags)}), or {@code null}: most entries have none. */
    private List<String> tags;
    /** Hits sampled (about one in eight): approximate, and racy by design; ranks keys, counts nothing else. */
    private int sampledHits;

    /** @param deadlineNanos the L1's ticker reading at which it expires, or {@link #NO_DEADLINE} */
    CacheEntry(Object value, CacheStats stats, long deadlineNanos) {
        this(value, stats, deadlineNanos, NO_DEADLINE);
    }

    /**
     * @param freshUntilNanos when it stops being fresh and only stands in for failures ({@code staleIfError}), or
     *     {@link #NO_DEADLINE}: fresh until it expires
     */
    CacheEntry(Object value, CacheStats stats, long deadlineNanos, long freshUntilNanos) {
        super(value);
        this.stats = stats;
        this.deadlineNanos = deadlineNanos;
        this.freshUntilNanos = freshUntilNanos;
    }

    /** Whether it is still fresh at {@code nowNanos} (not only standing in for failures). */
    boolean freshAt(long nowNanos) {
        return freshUntilNanos == NO_DEADLINE || nowNanos - freshUntilNanos < 0;
    }

    /** Whether the entry has a deadline of its own (a TTL shorter than {@code weft.l1.ttl}); Caffeine expires the others. */
    boolean hasDeadline() {
        return deadlineNanos != NO_DEADLINE;
    }

    /** Whether an entry {@linkplain #hasDeadline with a deadline} has passed it at {@code nowNanos}. */
    boolean expiredAt(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /**
     * For sliding TTLs: moves an entry's deadline to {@code nowNanos + ttlNanos} when less than nine tenths of the
     * TTL are left, so at most once per tenth of the TTL.
     *
     * @return whether it moved (the caller renews the entry in Redis too)
     */
    boolean renew(long nowNanos, long ttlNanos) {
        if (deadlineNanos - nowNanos >= ttlNanos - ttlNanos / 10) {
            return false;
        }
        deadlineNanos = nowNanos + ttlNanos;
        return true;
    }

    /** Gives the entry the time at which a hit reloads it ({@code refreshAfter}), before it is put in L1. */
    CacheEntry refreshingAt(long nanos) {
        this.refreshAtNanos = nanos;
        return this;
    }

    /**
     * Whether a hit at {@code nowNanos} is the one that reloads the entry: it is due, and no other hit claimed the
     * reload before (the first claim clears the time; {@link #refreshingAt} sets it again when a reload is dropped).
     */
    boolean claimRefresh(long nowNanos) {
        long at = refreshAtNanos;
        return at != NO_DEADLINE && nowNanos - at >= 0 && REFRESH_AT.compareAndSet(this, at, NO_DEADLINE);
    }

    /** Gives the entry its tags, before it is put in L1. */
    CacheEntry tagged(List<String> tags) {
        this.tags = tags;
        return this;
    }

    /** The entry's tags, or {@code null}. */
    List<String> tags() {
        return tags;
    }

    CacheStats stats() {
        return stats;
    }

    /** Counts an L1 hit on this entry, one in eight at random, for {@link #sampledHits}. */
    void sampleHit() {
        if ((ThreadLocalRandom.current().nextInt() & HIT_SAMPLE_MASK) == 0) {
            sampledHits++;
        }
    }

    /** About an eighth of the hits on this entry, to rank the hot keys. */
    int sampledHits() {
        return sampledHits;
    }
}
