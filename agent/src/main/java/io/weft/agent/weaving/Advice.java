package io.weft.agent.weaving;

/** What is inlined into a woven method; each kind calls one {@code Dispatch} entry point. */
enum Advice {
    /** {@code @CacheResult}: a hit returns at once; otherwise the body runs and its outcome is handed back. */
    CACHE_RESULT,
    /**
     * A batch {@code @CacheResult} ({@code [*]} key, {@code Map} result): a hit returns at once; otherwise the body
     * runs with the batch argument the runtime put in the arguments array, and returns what the runtime merges.
     */
    CACHE_BATCH,
    /**
     * {@code @CacheResult(refreshAfter = …)}, or returning a future: as {@link #CACHE_RESULT}, and entry also hands over
     * the receiver, which a background reload of the entry, or the body run of a call that waited for another
     * instance's load in vain, calls the method on.
     */
    CACHE_RESULT_WITH_RECEIVER,
    /** {@code @InvalidateCache(beforeInvocation = true)}: evicts on entry. */
    INVALIDATE_BEFORE,
    /** {@code @InvalidateCache}: evicts after a normal return (not after an exception). */
    INVALIDATE_AFTER
}
