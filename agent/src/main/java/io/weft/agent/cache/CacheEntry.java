package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.metrics.CacheStats;
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

    /** The deadline of an entry that lives as long as the L1 lets any entry live. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    /** One hit in this many is counted per entry, for the hot keys (SPEC §12): few writes to a shared entry. */
    private static final int HIT_SAMPLE_MASK = 7;

    private final CacheStats stats;
    private final long deadlineNanos;
    /** The entry's rendered tags ({@code @CacheResult(tags)}), or {@code null}: most entries have none. */
    private List<String> tags;
    /** Hits sampled (about one in eight): approximate, and racy by design; ranks keys, counts nothing else. */
    private int sampledHits;

    /** @param deadlineNanos the {@link System#nanoTime()} at which it expires, or {@link #NO_DEADLINE} */
    CacheEntry(Object value, CacheStats stats, long deadlineNanos) {
        super(value);
        this.stats = stats;
        this.deadlineNanos = deadlineNanos;
    }

    /** Whether the entry outlived its own TTL (shorter than {@code weft.l1.ttl}); free for the others. */
    boolean expired() {
        return deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos >= 0;
    }

    /** Gives the entry its tags, before it is put in L1. */
    CacheEntry tagged(List<String> tags) {
        this.tags = tags;
        return this;
    }

    /** Whether the entry carries {@code tag}. */
    boolean hasTag(String tag) {
        return tags != null && tags.contains(tag);
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
