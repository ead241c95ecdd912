package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.RefreshOutcome;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Background reloads of entries older than {@code refreshAfter} (SPEC §12). The hit that finds an entry due claims
 * its reload (one per entry) and queues it; a small pool of daemon threads, never the caller's, runs it: it
 * registers a load of the key as a miss would (so that this JVM's callers join it and an invalidation marks it),
 * reads the key in Redis, whose value replaces the entry when it is younger than {@code refreshAfter} (another
 * instance reloaded it), else takes the key's lease (so that one instance of the fleet reloads; while another holds
 * it, the entry is due again {@code weft.lease.wait} later, to read that instance's value then), and
 * calls the method on the receiver the hit handed over. The woven method, entered on a reload thread, finds that
 * load waiting for it ({@link HandOverThread#takeFor}) and runs its body as the load: the value is stored by the rules of every
 * load, and an invalidation during the reload wins. A full queue drops the reload; the entry is due again at once.
 */
final class Refresher {

    /** Calls a woven method on a receiver, as a reload does; the method's exception is thrown as it is. */
    interface Invoker {
        /** Calls {@code method} on {@code receiver} ({@code null} for a static method) with {@code args}. */
        Object invoke(CachedMethod method, Object receiver, Object[] args) throws Throwable;
    }

    /** The production invoker: a reflective call of the method (private ones too). */
    static final Invoker REFLECTIVE = new Invoker() {
        @Override
        public Object invoke(CachedMethod method, Object receiver, Object[] args) throws Throwable {
            try {
                return method.declared().invoke(receiver, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    };

    /** Why a reload gave up before running the method: nobody waits for it, so no stack trace is kept. */
    private static final CancellationException NOT_RUN = new CancellationException("reload not run");

    static {
        NOT_RUN.setStackTrace(new StackTraceElement[0]);
    }

    private final LocalCache l1;
    private final SharedEntries entries;
    private final SingleFlight flights;
    private final SharedLevelConnection redis;
    private final Ticker ticker;
    private final Invoker invoker;
    private final ThreadPoolExecutor executor;

    /**
     * @param threads the reload threads (they end after a minute without work)
     * @param queue the reloads that may wait for a thread; more are dropped
     */
    Refresher(LocalCache l1, SharedEntries entries, SingleFlight flights, SharedLevelConnection redis, Ticker ticker,
            Invoker invoker, int threads, int queue) {
        this.l1 = l1;
        this.entries = entries;
        this.flights = flights;
        this.redis = redis;
        this.ticker = ticker;
        this.invoker = invoker;
        this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(queue),
                HandOverThread.threads("weft-refresh", true), new RejectedExecutionHandler() {
                    @Override
                    public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
                        ((Reload) task).dropped();
                    }
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * After a hit on {@code entry} at {@code nowNanos}: queues its reload if it is due and no other hit claimed it.
     * The key is copied only then (a hit's key may be a per-thread one, reused by its next call).
     */
    void hit(int methodId, CachedMethod method, CacheKey key, Object receiver, Object[] args, CacheEntry entry,
            long nowNanos) {
        if (entry.claimRefresh(nowNanos)) {
            executor.execute(new Reload(methodId, method, key.stable(), receiver, args, entry));
        }
    }

    /** One queued reload of one entry. */
    private final class Reload implements Runnable {
        private final int methodId;
        private final CachedMethod method;
        private final CacheKey key;
        private final Object receiver;
        private final Object[] args;
        private final CacheEntry entry;

        Reload(int methodId, CachedMethod method, CacheKey key, Object receiver, Object[] args, CacheEntry entry) {
            this.methodId = methodId;
            this.method = method;
            this.key = key;
            this.receiver = receiver;
            this.args = args;
            this.entry = entry;
        }

        /** The queue was full: counted, and the entry is due again, so that a later hit tries again. */
        void dropped() {
            method.cache().stats().recordRefresh(RefreshOutcome.DROPPED);
            entry.refreshingAt(l1.now());
        }

        @Override
        public void run() {
            Load load;
            try {
                load = begin();
            } catch (Throwable t) {
                failed(t); // never out of the pool's thread: the executor would print it and replace the thread
                return;
            }
            if (load == null) {
                return;
            }
            CacheStats stats = method.cache().stats();
            stats.recordRefresh(RefreshOutcome.STARTED);
            HandOverThread self = HandOverThread.current();
            self.hand(methodId, load);
            Object result;
            try {
                result = invoker.invoke(method, receiver, args);
            } catch (Throwable t) {
                giveUp(self.take(methodId), t);
                failed(t);
                return;
            }
            Load untaken = self.take(methodId);
            if (untaken != null) {
                // the call never entered the woven method (an override that does not call it): nothing was stored
                giveUp(untaken, NOT_RUN);
                failed(new IllegalStateException("the call did not enter the cached method (is it overridden in "
                        + (receiver == null ? "?" : receiver.getClass().getName()) + "?)"));
            } else if (result instanceof CompletionStage && method.shape() == ResultShape.FUTURE) {
                ((CompletionStage<?>) result).whenComplete((value, failure) -> {
                    if (failure == null) {
                        stats.recordRefresh(RefreshOutcome.SUCCEEDED);
                    } else {
                        failed(failure);
                    }
                });
            } else {
                stats.recordRefresh(RefreshOutcome.SUCCEEDED);
            }
        }

        /**
         * Registers the reload's load and takes the key's lease; {@code null} when it must not run: another load of
         * the key is in flight (it replaces the entry), the entry left L1 (invalidated, or replaced), Redis holds a
         * value younger than {@code refreshAfter} (it replaced the entry), or another instance holds the lease (it is
         * loading or reloading the key; the entry is due again {@code weft.lease.wait} later).
         */
        private Load begin() {
            Load load = new Load(key, ticker.read(), method.tags(args));
            if (flights.start(load) != null) {
                return null;
            }
            try {
                if (l1.get(key) != entry) {
                    flights.abandon(load, NOT_RUN);
                    return null;
                }
                SharedLevel shared = redis.shared();
                if (shared != null && tookNewer(shared, load)) {
                    return null;
                }
                String lease = shared == null ? null : shared.takeLease(method, key.text(), load.tags());
                if (shared != null && lease == null) {
                    flights.abandon(load, NOT_RUN);
                    entry.refreshingAt(l1.now() + shared.leaseWaitNanos());
                    return null;
                }
                load.started(lease, ticker.read());
                return load;
            } catch (Throwable t) {
                flights.abandon(load, t);
                throw t;
            }
        }

        /**
         * Whether Redis holds a value of the key younger than {@code refreshAfter}: another instance reloaded it since
         * this JVM read its entry (SPEC §12: one reload per key across the fleet). That value then replaces the entry
         * by the rules of every load, as an L2 hit's would, and the method is not called.
         */
        private boolean tookNewer(SharedLevel shared, Load load) {
            SharedLevel.Found found = shared.values(method, List.of(key.text())).get(key.text());
            if (found == null || method.refreshDueInNanos(found.remainingMillis) <= 0) {
                return false;
            }
            CacheEntry newer = entries.entry(method, found.value, found.remainingMillis, load.tags());
            if (l1.putUnless(key, newer, load)) {
                flights.complete(load, newer);
            } else {
                method.cache().stats().recordStaleStoreDiscarded();
                flights.abandon(load, NOT_RUN);
            }
            return true;
        }

        /** Ends a load that the woven method did not take, releasing its lease; nothing when it took it. */
        private void giveUp(Load untaken, Throwable cause) {
            if (untaken == null) {
                return;
            }
            SharedLevel shared = redis.shared();
            if (shared != null && untaken.lease() != null) {
                shared.release(untaken.key(), untaken.lease());
            }
            flights.abandon(untaken, cause);
        }

        private void failed(Throwable failure) {
            method.cache().stats().recordRefresh(RefreshOutcome.FAILED);
            WeftLog.warnRateLimited("refresh:" + method.declared().owner(), "a background reload of "
                    + method.declared().owner() + " failed (" + failure + "); the entry is kept until its TTL");
        }
    }
}
