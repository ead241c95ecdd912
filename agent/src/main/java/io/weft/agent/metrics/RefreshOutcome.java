package io.weft.agent.metrics;

import java.util.Locale;

/** What became of a background reload of an entry older than {@code refreshAfter} (SPEC §12). */
public enum RefreshOutcome {
    /** A hit found the entry due and its reload ran the method (under the key's lease, when Redis is used). */
    STARTED,
    /** The reload's method returned (its value replaces the entry unless an invalidation came in between). */
    SUCCEEDED,
    /** The reload's method threw or its future failed: the entry stays until its TTL. */
    FAILED,
    /** The reload executor's queue was full: no reload, a later hit tries again. */
    DROPPED;

    /** The label value in metrics: {@code started}, {@code succeeded} … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
