package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Fleet-wide single flight for methods returning futures (SPEC §12): a miss whose lease another instance holds
 * gets a future at once, and its wait runs on one Weft thread ({@code weft-lease-wait}, ended after a minute
 * without work): the looks at the key ({@link SharedLevel#lookupLater}), then what they found settled as a lookup
 * is, or, when no value came in time, the method called on the receiver the call handed over, which the woven
 * method, entered on this thread, runs as the call's load ({@link HandOverThread}). The same thread bounds the
 * wait of a call that joined another call's load of a future-returning method ({@link #atMost}).
 */
final class FutureWaits {

    /** What a look at the shared level found becomes: a hit, or the load itself, for its body to run. */
    interface Settler {
        Token settle(CachedMethod method, Load mine, SharedLevel shared, SharedLevel.Found found, Object[] args);
    }

    /** Ends a load nobody will run: its lease given back, its waiters released with {@code cause}. */
    interface Abandoner {
        void abandon(Load load, Throwable cause);
    }

    /** Why a load handed to a woven method was not run: the call did not enter it (an override that does not). */
    private static final CancellationException NOT_ENTERED =
            new CancellationException("the cached method was not entered");

    static {
        NOT_ENTERED.setStackTrace(new StackTraceElement[0]);
    }

    private final ScheduledThreadPoolExecutor thread =
            new ScheduledThreadPoolExecutor(1, HandOverThread.threads("weft-lease-wait", false));
    /** Where the calls of {@link #atMost} run: a body stuck there holds up no other wait (threads end when idle). */
    private final ThreadPoolExecutor calls = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.MINUTES,
            new SynchronousQueue<>(), HandOverThread.threads("weft-load-wait", false));
    private final Refresher.Invoker invoker;
    private final Settler settler;
    private final Abandoner abandoner;
    private final BiConsumer<CachedMethod, Throwable> failures;

    /** @param failures where an unexpected failure of the caching path is reported */
    FutureWaits(Refresher.Invoker invoker, Settler settler, Abandoner abandoner,
            BiConsumer<CachedMethod, Throwable> failures) {
        this.invoker = invoker;
        this.settler = settler;
        this.abandoner = abandoner;
        this.failures = failures;
        thread.setRemoveOnCancelPolicy(true); // a bounded join's timer, cancelled when the load ends first
        thread.setKeepAliveTime(1, TimeUnit.MINUTES);
        thread.allowCoreThreadTimeOut(true);
    }

    /**
     * The future a call returns at once while another instance loads its key; completed on the Weft thread, as the
     * future it settles on completes (a failure as the same exception object, not wrapped as {@code thenCompose} would).
     */
    CompletableFuture<Object> await(int methodId, CachedMethod method, Load mine, SharedLevel shared,
            Object receiver, Object[] args) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        shared.lookupLater(method, mine.key(), mine.tags(), thread).thenAcceptAsync(found -> CallersFuture.following(
                settle(methodId, method, mine, shared, found, receiver, args), answer, value -> value), thread)
                .exceptionally(failure -> {
                    answer.completeExceptionally(failure);
                    return null;
                });
        return answer;
    }

    /**
     * {@code joined} (another call's load of the key), or, when it has not completed after {@code waitNanos}, the
     * future that the method called on {@code receiver} on a Weft thread of its own returns: that call finds the load
     * past {@code weft.load.maxWait} and runs uncached, or, if the load has ended meanwhile, looks the key up anew.
     * A load given up past its deadline ({@link Load#GIVEN_UP}) is not an answer: the wait ends as if it were over
     * (the method is called now, if it was not yet).
     */
    CompletableFuture<Object> atMost(CompletableFuture<Object> joined, long waitNanos, CachedMethod method,
            Object receiver, Object[] args) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        Runnable callInstead = () -> {
            if (!answer.isDone()) {
                calls.execute(() -> call(method, receiver, args)
                        .whenComplete((value, failure) -> settleWith(answer, value, failure)));
            }
        };
        ScheduledFuture<?> timer = thread.schedule(callInstead, waitNanos, TimeUnit.NANOSECONDS);
        joined.whenComplete((value, failure) -> {
            boolean pending = timer.cancel(false);
            if (failure == Load.GIVEN_UP) {
                if (pending) {
                    callInstead.run();
                }
            } else {
                settleWith(answer, value, failure);
            }
        });
        return answer;
    }

    private static void settleWith(CompletableFuture<Object> answer, Object value, Throwable failure) {
        if (failure == null) {
            answer.complete(value);
        } else {
            answer.completeExceptionally(failure);
        }
    }

    private CompletionStage<Object> settle(int methodId, CachedMethod method, Load mine, SharedLevel shared,
            SharedLevel.Found found, Object receiver, Object[] args) {
        Token token;
        try {
            token = settler.settle(method, mine, shared, found, args);
        } catch (Throwable t) {
            // the caching path failed: the call is still answered, by the method as if it were not cached
            abandoner.abandon(mine, t);
            failures.accept(method, t);
            return call(method, receiver, args);
        }
        if (token instanceof Hit) {
            return futureOf(((Hit) token).value());
        }
        HandOverThread self = HandOverThread.current();
        self.hand(methodId, mine);
        try {
            Object result = invoker.invoke(method, receiver, args);
            endUntaken(self.take(methodId), NOT_ENTERED);
            return futureOf(result);
        } catch (Throwable t) {
            endUntaken(self.take(methodId), t);
            return CompletableFuture.failedFuture(t);
        }
    }

    private CompletionStage<Object> call(CachedMethod method, Object receiver, Object[] args) {
        try {
            return futureOf(invoker.invoke(method, receiver, args));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    /** Ends a load that the woven method did not take (it was not entered, or threw first). */
    private void endUntaken(Load untaken, Throwable cause) {
        if (untaken != null) {
            abandoner.abandon(untaken, cause);
        }
    }

    @SuppressWarnings("unchecked")
    private static CompletionStage<Object> futureOf(Object result) {
        return result == null ? CompletableFuture.failedFuture(new NullPointerException("a null future"))
                : (CompletionStage<Object>) result;
    }
}
