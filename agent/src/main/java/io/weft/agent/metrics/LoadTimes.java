package io.weft.agent.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long loads took, in power-of-two buckets of nanoseconds (1 µs … ~9 min), so percentiles can be
 * read without keeping samples. A percentile is reported as its bucket's upper bound: at most twice
 * the true value.
 */
public final class LoadTimes {

    private static final int MIN_SHIFT = 10;
    private static final int BUCKETS = 30;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder totalNanos = new LongAdder();

    void record(long nanos) {
        int bucket = Math.max(0, Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(nanos >>> MIN_SHIFT)));
        counts.incrementAndGet(bucket);
        totalNanos.add(nanos);
    }

    /** Number of loads recorded. */
    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    public long totalNanos() {
        return totalNanos.sum();
    }

    /** Number of buckets of {@link #bucketCounts()}. */
    public static int buckets() {
        return BUCKETS;
    }

    /**
     * The (exclusive) upper bound of bucket {@code i} in nanoseconds: 2^(10+i). The last bucket also holds
     * every longer load.
     */
    public static long upperBoundNanos(int i) {
        return 1L << (MIN_SHIFT + i);
    }

    /** A copy of the count of each bucket (for histograms); bucket {@code i} holds loads shorter than
     * {@link #upperBoundNanos(int) upperBoundNanos(i)} and not shorter than the previous bound. */
    public long[] bucketCounts() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /** The {@code quantile} (0..1) of load times in nanoseconds, or 0 before the first load. */
    public long quantileNanos(double quantile) {
        long n = count();
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return 1L << (MIN_SHIFT + i);
            }
        }
        return 1L << (MIN_SHIFT + BUCKETS - 1);
    }
}
