package io.weft.agent.bootstrap;

/**
 * What woven methods call, by the numeric id the weaver assigned to each method. Implementations
 * never throw: any unexpected error makes them behave as if the method were not cached.
 */
public interface Handler {

    /**
     * Called on entry to a {@code @CacheResult} method.
     *
     * @return a {@link Hit} to return without running the method, another {@link Token} for
     *     {@link #exitCached}, or {@code null} to run the method without caching its result
     */
    Token enterCached(int methodId, Object[] args);

    /**
     * {@link #enterCached(int, Object[])} for a method of at most {@value Dispatch#SHORT_ENTRY_ARGUMENTS} parameters,
     * which passes them one by one, so that a hit allocates no array: a {@code long}, {@code int} or {@code double}
     * parameter unboxed in {@code n0}…{@code n2} at its position (a double as its raw bits; its {@code a} slot
     * {@code null}), any other in {@code a0}…{@code a2}, boxed if primitive; the slots of positions the method does
     * not have are {@code null} and {@code 0}.
     */
    Token enterCached(int methodId, Object a0, Object a1, Object a2, long n0, long n1, long n2);

    /**
     * {@link #enterCached(int, Object, Object, Object, long, long, long)} for a method of
     * {@value Dispatch#SHORT_ENTRY_ARGUMENTS} to {@value Dispatch#MAX_PASSED_ARGUMENTS} parameters: six slots of each
     * kind, filled in the same way.
     */
    Token enterCached(int methodId, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0, long n1,
            long n2, long n3, long n4, long n5);

    /**
     * Called on entry to a {@code @CacheResult(refreshAfter = …)} method, or one returning a future, instead of
     * {@link #enterCached}: the same, and Weft may call the method later on {@code receiver} ({@code null} for a
     * static method) with {@code args}: a hit on an entry due for a refresh reloads it in the background, and a
     * future-returning call whose wait for another instance's load got no value runs its body so.
     */
    Token enterWithReceiver(int methodId, Object receiver, Object[] args);

    /**
     * {@link #enterWithReceiver(int, Object, Object[])} with the arguments passed one by one, as
     * {@link #enterCached(int, Object, Object, Object, long, long, long)} takes them.
     */
    Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, long n0, long n1, long n2);

    /**
     * {@link #enterWithReceiver(int, Object, Object[])} with the arguments passed one by one in six slots of each kind,
     * as {@link #enterCached(int, Object, Object, Object, Object, Object, Object, long, long, long, long, long, long)}
     * takes them.
     */
    Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, Object a3, Object a4,
            Object a5, long n0, long n1, long n2, long n3, long n4, long n5);

    /** Called when a {@code @CacheResult} method that was not skipped returns. */
    void exitCached(int methodId, Token token, Object[] args, Object result);

    /**
     * Called instead of {@link #exitCached} when a {@code @CacheResult} method returning a future returns
     * {@code result}.
     *
     * @return the future the method returns instead: {@code result} itself (this default), or one that completes
     *     as it does except that a stale value stands in for its failure ({@code staleIfError})
     */
    default Object exitFuture(int methodId, Token token, Object[] args, Object result) {
        exitCached(methodId, token, args, result);
        return result;
    }

    /**
     * Called when a {@code @CacheResult} method that was not skipped throws.
     *
     * @return a {@link Hit} whose value the method returns instead ({@code staleIfError}), or {@code null}: the
     *     method throws {@code thrown}
     */
    Hit exitThrown(int methodId, Token token, Object[] args, Throwable thrown);

    /**
     * Called on entry to a batch {@code @CacheResult} method (a key with {@code [*]}, returning a {@code Map}).
     *
     * @return a {@link Hit} whose value (the map of every element) is returned without running the method; another
     *     {@link Token} for {@link #exitBatch}, having put the elements still missing in place of the batch argument
     *     in {@code args} (the woven code passes that argument to the body); or {@code null} (this default): run it
     *     uncached
     */
    default Token enterBatch(int methodId, Object[] args) {
        return null;
    }

    /**
     * Called when a batch method that was not skipped returns {@code result}.
     *
     * @return what the method returns instead: the values of every element the caller asked for ({@code result}
     *     itself by default)
     */
    default Object exitBatch(int methodId, Token token, Object[] args, Object result) {
        return result;
    }

    /**
     * Called for an {@code @InvalidateCache}-only method: on entry when it invalidates before the
     * invocation, otherwise after a successful return with the method's result.
     */
    void invalidate(int methodId, Object[] args, Object result);
}
