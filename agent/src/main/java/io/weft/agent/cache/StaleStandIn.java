package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.log.WeftLog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code staleIfError} (SPEC §12): the entry past its TTL that a load kept stands in for the method's failure,
 * counted ({@code weft_cache_stale_served_total}) and logged, rate-limited; for a future, for its later failure too.
 * An invalidation of the key since the entry was read takes it away ({@link Load#standIn}): the failure propagates.
 */
final class StaleStandIn {

    private StaleStandIn() {
    }

    /** What woven code returns instead of {@code thrown}: the load's stale entry as a hit; null when it kept none. */
    static Hit forFailure(CachedMethod method, Load load, Throwable thrown) {
        CacheEntry stale = entry(method, load, thrown);
        return stale == null ? null : method.shape().hit(stale);
    }

    /**
     * {@code future}, or, when {@code load} keeps a stale entry, a future that completes as it does except that the
     * stale value stands in for its failure.
     */
    static Object forLaterFailure(CachedMethod method, Load load, Object future) {
        if (load.standIn() == null || !(future instanceof CompletionStage)) {
            return future;
        }
        CompletableFuture<Object> answer = CallersFuture.incompleteLike(future);
        ((CompletionStage<?>) future).whenComplete((value, failure) -> {
            CacheEntry stale = failure == null ? null : entry(method, load, failure);
            if (failure == null) {
                answer.complete(value);
            } else if (stale != null) {
                answer.complete(stale.value());
            } else {
                answer.completeExceptionally(failure);
            }
        });
        return answer;
    }

    /** The load's stale entry, counted and logged as served; null when it kept none. */
    private static CacheEntry entry(CachedMethod method, Load load, Throwable thrown) {
        CacheEntry stale = load.standIn();
        if (stale == null) {
            return null;
        }
        method.cache().stats().recordStaleServed();
        WeftLog.warnRateLimited("stale:" + method.declared().owner(), method.declared().owner()
                + (thrown == null ? " failed in another call" : " threw " + thrown)
                + "; its value past its TTL is returned instead (staleIfError)");
        return stale;
    }
}
