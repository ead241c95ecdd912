package io.weft.benchmarks.l2;

import java.util.function.LongSupplier;

/**
 * How often a benchmark subject's body had run once its L2 was filled, and the check, after every
 * iteration, that no measured call ran it again (each was an L2 hit).
 */
final class BodyRuns {

    private final String subject;
    private final String store;
    private final LongSupplier count;
    private long afterFill = -1;

    /**
     * @param subject the cached method, for the message ({@code WeftRemoteBooks#getBooks})
     * @param store what holds its L2, for the message ({@code Redis})
     */
    BodyRuns(String subject, String store, LongSupplier count) {
        this.subject = subject;
        this.store = store;
        this.count = count;
    }

    /** The fill is done: from now on the body must not run. */
    void filled() {
        afterFill = count.getAsLong();
    }

    /** @throws IllegalStateException when the body ran since {@link #filled} */
    void requireNone() {
        long more = count.getAsLong() - afterFill;
        if (more != 0) {
            throw new IllegalStateException("the body of " + subject + " ran " + more + " times after " + store
                    + " was filled: these calls were not L2 hits");
        }
    }
}
