package io.weft.agent.weaving;

/** What is inlined into a woven method; each kind calls one {@code Dispatch} entry point. */
enum Advice {
    /** {@code @CacheResult}: a hit returns at once; otherwise the body runs and its outcome is handed back. */
    CACHE_RESULT,
    /** {@code @InvalidateCache(beforeInvocation = true)}: evicts on entry. */
    INVALIDATE_BEFORE,
    /** {@code @InvalidateCache}: evicts after a normal return (not after an exception). */
    INVALIDATE_AFTER
}
