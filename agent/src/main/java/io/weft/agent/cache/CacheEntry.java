package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.metrics.CacheStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A value in the local cache: the method's unwrapped result (the content of an {@code Optional} or
 * of a completed future), and the statistics its evictions count toward. For methods that return the plain value,
 * the entry itself is the {@link Hit} that woven code returns, so a hit allocates nothing. A plain entry takes 24
 * bytes and lives as long as the L1 lets any entry live; one that must die sooner is {@link Timed} (32 bytes), and
 * the few that need a freshness bound ({@code staleIfError}), a {@code refreshAfter} time or tags are
 * {@link Decorated}.
 */
class CacheEntry extends Hit {

    /** The deadline of an entry that lives as long as the L1 lets any entry live. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    /**
     * For the hot keys (SPEC §12), an entry counts each of its first this many hits, so that keys hit a few times
     * rank exactly; past it, it samples them ({@link #HIT_SAMPLE_MASK}).
     */
    static final int EXACT_HITS = 1_024;

    /**
     * Past {@link #EXACT_HITS}, one hit in 64 is counted, and stands for 64: few writes to a shared entry, whose
     * cache line every core reading it must fetch again after one (at one in eight, two threads hitting one key
     * took 60 ns a hit instead of 40).
     */
    private static final int HIT_SAMPLE_MASK = 63;

    private final CacheStats stats;
    /**
     * Hits counted ({@link #countHit}): every hit up to {@link #EXACT_HITS}, one in 64 past it. Racy by design (a hit
     * that another thread's hit overtakes may go uncounted); ranks keys, counts nothing else.
     */
    private int countedHits;

    private CacheEntry(Object value, CacheStats stats) {
        super(value);
        this.stats = stats;
    }

    /** @param deadlineNanos the L1's ticker reading at which it expires, or {@link #NO_DEADLINE} */
    static CacheEntry of(Object value, CacheStats stats, long deadlineNanos) {
        return deadlineNanos == NO_DEADLINE ? new CacheEntry(value, stats) : new Timed(value, stats, deadlineNanos);
    }

    /**
     * An entry that is fresh until {@code freshUntilNanos} and then only stands in for failures ({@code staleIfError}).
     */
    static CacheEntry staleable(Object value, CacheStats stats, long deadlineNanos, long freshUntilNanos) {
        return new Decorated(value, stats, deadlineNanos, freshUntilNanos);
    }

    /** Whether it is still fresh at {@code nowNanos} (not only standing in for failures). */
    boolean freshAt(long nowNanos) {
        return true;
    }

    /** Whether the entry has a deadline of its own (a TTL shorter than {@code weft.l1.ttl}); Caffeine expires the others. */
    final boolean hasDeadline() {
        return this instanceof Timed && ((Timed) this).deadlineNanos != NO_DEADLINE;
    }

    /** Whether an entry {@linkplain #hasDeadline with a deadline} has passed it at {@code nowNanos}. */
    boolean expiredAt(long nowNanos) {
        return false;
    }

    /**
     * For sliding TTLs: moves an entry's deadline to {@code nowNanos + ttlNanos}, on every hit (SPEC §12).
     *
     * @return whether the entry is due for a renewal in Redis too, which the caller makes: at most once per tenth of
     *     the TTL
     */
    boolean renew(long nowNanos, long ttlNanos) {
        return false;
    }

    /**
     * Gives the entry the time at which a hit reloads it ({@code refreshAfter}), before it is put in L1, or again
     * when a reload was dropped.
     *
     * @return the entry to put: this one, or before it is put, a copy that can carry the time
     */
    CacheEntry refreshingAt(long nanos) {
        return decorated().refreshingAt(nanos);
    }

    /**
     * Whether a hit at {@code nowNanos} is the one that reloads the entry: it is due, and no other hit claimed the
     * reload before (the first claim clears the time; {@link #refreshingAt} sets it again when a reload is dropped).
     */
    boolean claimRefresh(long nowNanos) {
        return false;
    }

    /**
     * Gives the entry its tags ({@code null}: none), before it is put in L1.
     *
     * @return the entry to put: this one, or a copy that carries the tags
     */
    CacheEntry tagged(List<String> tags) {
        return tags == null ? this : decorated().tagged(tags);
    }

    /** The entry's tags, or {@code null}. */
    List<String> tags() {
        return null;
    }

    /**
     * Records that an invalidation or a clear removed the entry from L1: from then on it stands in for no failure
     * ({@code staleIfError}; an invalidated value is gone, SPEC §5). Only an entry with a freshness bound can stand in,
     * so only a {@link Decorated} one keeps the record.
     */
    void withdraw() {
    }

    /** Whether an invalidation or a clear removed the entry from L1 ({@link #withdraw}). */
    boolean withdrawn() {
        return false;
    }

    /** This entry as one that can carry what few entries need: a copy, made before it is put in L1. */
    Decorated decorated() {
        return new Decorated(value(), stats, NO_DEADLINE, NO_DEADLINE);
    }

    CacheStats stats() {
        return stats;
    }

    /**
     * Counts an L1 hit on this entry, for {@link #hits}: each of the first {@link #EXACT_HITS}, then one in 64 at
     * random. A hot key's hit past those costs what a sampled one always did: a thread-local random number, a read of
     * the entry it is returning anyway, and rarely a write.
     */
    void countHit() {
        int counted = countedHits;
        if (counted < EXACT_HITS
                || ((ThreadLocalRandom.current().nextInt() & HIT_SAMPLE_MASK) == 0 && counted != Integer.MAX_VALUE)) {
            countedHits = counted + 1;
        }
    }

    /**
     * Takes over the hits counted on {@code replaced}, the entry of the same key that this one replaces in L1 (a
     * {@code refreshAfter} reload): a key's hits count as long as it stays in L1, whatever reloads it.
     */
    void inheritHits(CacheEntry replaced) {
        countedHits = replaced.countedHits;
    }

    /**
     * The hits on this entry, to rank the hot keys: exact up to {@link #EXACT_HITS} (but for hits lost to races), an
     * unbiased estimate past it (each hit counted there stands for 64).
     */
    long hits() {
        int counted = countedHits;
        return counted <= EXACT_HITS ? counted : EXACT_HITS + (long) (counted - EXACT_HITS) * (HIT_SAMPLE_MASK + 1);
    }

    /** An entry with a deadline of its own. */
    static class Timed extends CacheEntry {
        /** Moved on by {@link #renew} (sliding TTLs); a stale read only moves an expiry by one clock tick. */
        private volatile long deadlineNanos;
        /** The deadline as of the entry's last renewal in Redis (or its write); racy: at worst one renewal more. */
        private long sharedDeadlineNanos;

        private Timed(Object value, CacheStats stats, long deadlineNanos) {
            super(value, stats);
            this.deadlineNanos = deadlineNanos;
            this.sharedDeadlineNanos = deadlineNanos;
        }

        @Override
        boolean expiredAt(long nowNanos) {
            return nowNanos - deadlineNanos >= 0;
        }

        @Override
        boolean renew(long nowNanos, long ttlNanos) {
            long deadline = nowNanos + ttlNanos;
            if (deadline != deadlineNanos) { // the L1's clock ticks coarsely: hits within one tick write nothing
                deadlineNanos = deadline;
            }
            if (deadline - sharedDeadlineNanos < ttlNanos / 10) {
                return false;
            }
            sharedDeadlineNanos = deadline;
            return true;
        }

        @Override
        Decorated decorated() {
            return new Decorated(value(), stats(), deadlineNanos, NO_DEADLINE);
        }
    }

    /** An entry with a freshness bound, a refresh time or tags, and perhaps a deadline. */
    static final class Decorated extends Timed {
        private static final VarHandle REFRESH_AT;

        static {
            try {
                REFRESH_AT = MethodHandles.lookup().findVarHandle(Decorated.class, "refreshAtNanos", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final long freshUntilNanos;
        /**
         * When a hit starts a background reload ({@code refreshAfter}), or {@link #NO_DEADLINE}: never, or one was
         * claimed already ({@link #claimRefresh}).
         */
        private volatile long refreshAtNanos = NO_DEADLINE;
        /** The entry's rendered tags ({@code @CacheResult(tags)}), or {@code null}. */
        private List<String> tags;
        /** Set by {@link #withdraw}; read when a load that kept the entry fails, on another thread. */
        private volatile boolean withdrawn;

        /**
         * @param deadlineNanos the L1's ticker reading at which it expires, or {@link #NO_DEADLINE}
         * @param freshUntilNanos when it stops being fresh and only stands in for failures ({@code staleIfError}), or
         *     {@link #NO_DEADLINE}: fresh until it expires
         */
        private Decorated(Object value, CacheStats stats, long deadlineNanos, long freshUntilNanos) {
            super(value, stats, deadlineNanos);
            this.freshUntilNanos = freshUntilNanos;
        }

        @Override
        boolean freshAt(long nowNanos) {
            return freshUntilNanos == NO_DEADLINE || nowNanos - freshUntilNanos < 0;
        }

        @Override
        CacheEntry refreshingAt(long nanos) {
            this.refreshAtNanos = nanos;
            return this;
        }

        @Override
        boolean claimRefresh(long nowNanos) {
            long at = refreshAtNanos;
            return at != NO_DEADLINE && nowNanos - at >= 0 && REFRESH_AT.compareAndSet(this, at, NO_DEADLINE);
        }

        @Override
        CacheEntry tagged(List<String> tags) {
            this.tags = tags;
            return this;
        }

        @Override
        List<String> tags() {
            return tags;
        }

        @Override
        void withdraw() {
            withdrawn = true;
        }

        @Override
        boolean withdrawn() {
            return withdrawn;
        }

        @Override
        Decorated decorated() {
            return this;
        }
    }
}
