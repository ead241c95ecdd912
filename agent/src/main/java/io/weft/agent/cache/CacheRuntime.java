package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Handler;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.events.InvalidationPublisher;
import io.weft.agent.events.EvictionSink;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyScope;
import io.weft.agent.log.ThrownAt;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What woven methods call: L1 lookup, L2 lookup, single-flight loads and stores, and invalidations; and what
 * the event reader calls when other instances invalidate. Every entry point from woven code catches
 * everything, so an unexpected error makes the method run as if it were not cached, and a load that such an
 * error interrupts releases its waiters at once.
 */
public final class CacheRuntime implements Handler, EvictionSink {

    /** The threads of background reloads ({@code refreshAfter}): few, since a reload is one call per key and period. */
    private static final int REFRESH_THREADS = 2;
    /** The reloads that may wait for those threads; more are dropped (and counted) until the queue drains. */
    private static final int REFRESH_QUEUE = 1000;

    private final MethodTable methods;
    private final LocalCache l1;
    private final SharedEntries sharedEntries;
    private final SingleFlight flights;
    private final SharedLevelConnection redis = new SharedLevelConnection();
    private final Invalidator invalidator;
    private final Refresher refresher;
    private final FutureWaits futureWaits;
    private final long maxWaitNanos;
    /**
     * How long a load waits for its body's future before the next miss of its key gives it up: {@code weft.load.maxWait},
     * or the lease's 30 s if longer ({@link SharedLevel#LEASE_MILLIS}), the time after which it could not store in
     * Redis any more and other instances load the key themselves.
     */
    private final long futureDeadlineNanos;
    private final Ticker ticker;
    private final LongAdder invalidationsReceived = new LongAdder();
    private final LongAdder tagInvalidationsReceived = new LongAdder();
    private volatile long firstLookupNanos;
    private volatile WarmStart warm;
    private final LongAdder invalidationsReplayed = new LongAdder();
    private final Batches batches;

    /**
     * @param l1TtlNanos the longest an L1 entry lives ({@code weft.l1.ttl})
     * @param maxWait the longest a caller waits for another caller's load of the same key ({@code weft.load.maxWait})
     * @param ticker the time of load waits and load times ({@link Ticker#systemTicker()} in production)
     * @param l1Ticker the time of L1 expiry (a {@link CoarseTicker} in production: a hit reads it)
     */
    public CacheRuntime(MethodTable methods, LoaderScopes scopes, long l1MaxSize, long l1TtlNanos, Duration maxWait,
            Ticker ticker, Ticker l1Ticker) {
        this(methods, scopes, l1MaxSize, l1TtlNanos, maxWait, ticker, l1Ticker, Refresher.REFLECTIVE, REFRESH_THREADS,
                REFRESH_QUEUE);
    }

    /**
     * As above, with the reloads of {@code refreshAfter} made by {@code reloads} on {@code refreshThreads} threads,
     * {@code refreshQueue} of them waiting at most (tests).
     */
    CacheRuntime(MethodTable methods, LoaderScopes scopes, long l1MaxSize, long l1TtlNanos, Duration maxWait,
            Ticker ticker, Ticker l1Ticker, Refresher.Invoker reloads, int refreshThreads, int refreshQueue) {
        this.methods = methods;
        this.ticker = ticker;
        this.l1 = new LocalCache(l1MaxSize, l1TtlNanos, scopes, l1Ticker);
        this.sharedEntries = new SharedEntries(l1);
        this.flights = new SingleFlight(scopes);
        this.invalidator = new Invalidator(l1, flights, redis);
        this.refresher = new Refresher(l1, sharedEntries, flights, redis, ticker, reloads, refreshThreads, refreshQueue);
        Callbacks callbacks = new Callbacks();
        this.futureWaits = new FutureWaits(reloads, callbacks, callbacks, callbacks);
        this.maxWaitNanos = maxWait.toNanos();
        this.futureDeadlineNanos = Math.max(maxWaitNanos, TimeUnit.MILLISECONDS.toNanos(SharedLevel.LEASE_MILLIS));
        this.batches = new Batches(this, l1, flights, redis, invalidator, ticker, maxWaitNanos);
        scopes.whenCollected(callbacks);
        FirstCallWarmUp.run(l1, flights, ticker);
    }

    /**
     * Announces that Redis is being connected: until {@link #connect} (or for at most {@code bound}
     * per call), a miss waits for it rather than skip the shared level.
     */
    public void connecting(Duration bound) {
        redis.connecting(bound);
    }

    /**
     * As {@link #connecting(Duration)}, with {@code answers} completed, before the client is set up, with whether the
     * server answers: a miss then waits for a server that answers until it is connected (bounded), and not at all for
     * one that does not ({@code SharedLevelConnection#connecting(Duration, CompletableFuture)}).
     */
    public void connecting(Duration bound, CompletableFuture<Boolean> answers) {
        redis.connecting(bound, answers);
    }

    /**
     * Whether this JVM made an invalidation (or one was kept while the shared level was being connected): the exit
     * hook then waits for the connector to send its event. Its delete is sent at once once connected, but its event
     * may wait in the publisher's queue (tags, prefixes, the PostgreSQL store), which only the connector's close sends,
     * and the connector is done a moment after the shared level is in use.
     */
    boolean invalidated() {
        return invalidator.sent() > 0 || redis.invalidatedWhileConnecting();
    }

    /** Gives up on Redis (it could not be set up): misses stop waiting for it, deferred invalidations are dropped. */
    public void connectionAbandoned() {
        redis.abandoned();
        flights.deferred().clear();
    }

    /**
     * Connects the shared level and the event publisher; invalidations made while connecting are sent first.
     * Then {@link #sendDeferredStores} stores what was loaded meanwhile.
     */
    void connect(SharedLevel shared, InvalidationPublisher publisher, String instance,
            SharedLevelConnection.EventsCaughtUp caughtUp) {
        redis.connect(shared, publisher, instance, caughtUp);
    }

    /**
     * Starts warm starts ({@code weft.warm}) once Redis is connected: fills the caches of the methods woven so far
     * from Redis (and a later method's at its first miss), and records the most-hit keys of each cache every
     * {@code interval}; the caller closes what this returns.
     */
    WarmStart startWarmStarts(int maxKeys, Duration interval) {
        WarmStart started = new WarmStart(l1, sharedEntries, flights, methods, ticker, maxKeys, redis.eventsCaughtUp());
        SharedLevel shared = redis.shared();
        if (shared != null) {
            started.fillWoven(shared);
        }
        started.recordEvery(interval, redis::shared);
        warm = started;
        return started;
    }

    /** Stores in Redis the values loaded while it was being connected; waits for Redis (a background thread's job). */
    void sendDeferredStores() {
        redis.sendDeferredStores(flights.deferred());
    }

    @Override
    public Token enterCached(int methodId, Object[] args) {
        return enter(methodId, null, args, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public Token enterCached(int methodId, Object a0, Object a1, Object a2, long n0, long n1, long n2) {
        return enter(methodId, null, null, a0, a1, a2, null, null, null, n0, n1, n2, 0, 0, 0);
    }

    @Override
    public Token enterCached(int methodId, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0,
            long n1, long n2, long n3, long n4, long n5) {
        return enter(methodId, null, null, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
    }

    /**
     * As {@link #enterCached}, for a method with {@code refreshAfter}; on a reload's thread, the call that the reload
     * makes gets the reload's load, and runs the body as it.
     */
    @Override
    public Token enterWithReceiver(int methodId, Object receiver, Object[] args) {
        Load reload = HandOverThread.takeFor(methodId);
        return reload != null ? reload
                : enter(methodId, receiver, args, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, long n0, long n1,
            long n2) {
        Load reload = HandOverThread.takeFor(methodId);
        return reload != null ? reload
                : enter(methodId, receiver, null, a0, a1, a2, null, null, null, n0, n1, n2, 0, 0, 0);
    }

    @Override
    public Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, Object a3, Object a4,
            Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
        Load reload = HandOverThread.takeFor(methodId);
        return reload != null ? reload
                : enter(methodId, receiver, null, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
    }

    /**
     * @param receiver what a reload calls the method on ({@code refreshAfter}), or {@code null}
     * @param args the call's arguments, or {@code null} when the call passed them one by one as {@code a0}…{@code a5}
     *     and {@code n0}…{@code n5} ({@link io.weft.agent.keys.PassedArguments}; a hit needs no array)
     */
    private Token enter(int methodId, Object receiver, Object[] args, Object a0, Object a1, Object a2, Object a3,
            Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
        try {
            CachedMethod method = methods.cached(methodId);
            if (!method.cache().enabled()) {
                return runUncached(method, args, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
            }
            CacheKey key = args != null ? method.key().key(method.scope(), args)
                    : method.key().key(method.scope(), a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
            boolean timed = method.sliding() || method.refreshes();
            // kept small enough to be inlined into woven code, so that an argument boxed for this call is not allocated
            CacheEntry entry = !timed && method.usesL1() ? l1.get(key) : null;
            if (entry != null && (method.staleIfErrorMillis() == 0 || l1.fresh(entry))) {
                method.cache().stats().recordL1Hit();
                entry.countHit();
                return method.shape().hit(entry);
            }
            Object[] all = arguments(method, args, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
            return timed ? enterTimed(methodId, method, key, receiver, all)
                    : beginLoad(methodId, method, key.stable(), receiver, all, entry);
        } catch (Throwable t) {
            reportFailure(methodId, t);
            return null;
        }
    }

    /** {@link #enter} for an entry whose hits read the time: a sliding TTL, or {@code refreshAfter}. */
    private Token enterTimed(int methodId, CachedMethod method, CacheKey key, Object receiver, Object[] args) {
        // one reading serves the entry's deadline too
        long now = l1.now();
        CacheEntry entry = method.usesL1() ? l1.get(key, now) : null;
        if (entry != null && (method.staleIfErrorMillis() == 0 || l1.fresh(entry))) {
            method.cache().stats().recordL1Hit();
            entry.countHit();
            if (method.sliding() && entry.renew(now, method.slidingTtlNanos())) {
                renewShared(method, key.text(), entry.tags());
            }
            if (method.refreshes()) {
                refresher.hit(methodId, method, key, receiver, args, entry, now);
            }
            return method.shape().hit(entry);
        }
        return beginLoad(methodId, method, key.stable(), receiver, args, entry);
    }

    /** The call's arguments as an array: {@code args}, or the ones it passed one by one. */
    private static Object[] arguments(CachedMethod method, Object[] args, Object a0, Object a1, Object a2, Object a3,
            Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
        return args != null ? args : method.arguments(a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
    }

    /**
     * Starts a load of {@code key}, or joins the one in flight; one whose future is past its deadline is given up
     * first, and this call starts a new load in its place ({@link #giveUpOverdue}). Whatever fails between registering
     * the load and handing it to the woven code abandons it, so that no caller waits for a load nobody runs.
     *
     * @param stale the key's L1 entry past its TTL, to return if the load fails ({@code staleIfError}), or null
     */
    private Token beginLoad(int methodId, CachedMethod method, CacheKey key, Object receiver, Object[] args,
            CacheEntry stale) {
        long now = ticker.read();
        noteLookup(now);
        Load mine = new Load(key, now, method.tags(args));
        mine.standIn(stale);
        Load other = flights.start(mine);
        if (other != null && other.overdue(now, futureDeadlineNanos)) {
            giveUpOverdue(method, other);
            other = flights.start(mine);
        }
        if (other != null) {
            return join(method, other, receiver, args);
        }
        try {
            return lookUpOrStart(methodId, method, mine, receiver, args);
        } catch (Throwable t) {
            flights.abandon(mine, t);
            throw t;
        }
    }

    /**
     * Gives up a load whose body returned a future that has not completed {@link #futureDeadlineNanos} after the load
     * was registered (an asynchronous call without a timeout): it leaves the single flight, its lease is released
     * as a failed load's is, its waiters run the method themselves, and its value, if it ever comes, is not stored.
     */
    private void giveUpOverdue(CachedMethod method, Load overdue) {
        if (!flights.giveUp(overdue)) {
            return; // gone meanwhile, or given up by another call
        }
        releaseLease(overdue);
        WeftLog.warnRateLimited("load.overdue:" + method.declared().owner(), "a load of " + method.declared().owner()
                + " was given up: the future it returned had not completed after "
                + TimeUnit.NANOSECONDS.toMillis(futureDeadlineNanos) + " ms (weft.load.maxWait, at least the lease's "
                + TimeUnit.MILLISECONDS.toSeconds(SharedLevel.LEASE_MILLIS) + " s); its value will not be cached,"
                + " and the next call loads the key anew");
    }

    private Token lookUpOrStart(int methodId, CachedMethod method, Load mine, Object receiver, Object[] args) {
        CacheEntry entry = method.usesL1() ? l1.get(mine.cacheKey()) : null;
        if (entry != null && method.staleIfErrorMillis() > 0 && !l1.fresh(entry)) {
            mine.standIn(entry);
            entry = null;
        }
        if (entry != null) {
            method.cache().stats().recordL1Hit();
            flights.complete(mine, entry);
            return method.shape().hit(entry);
        }
        SharedLevel shared = redis.awaitShared();
        WarmStart warming = warm;
        if (warming != null && shared != null) {
            warming.firstMiss(method, shared);
        }
        SharedLevel.Found found = shared == null ? SharedLevel.Found.NOTHING
                : shared.lookup(method, mine.key(), mine.tags());
        if (found == SharedLevel.Found.LEASED_ELSEWHERE && method.shape() == ResultShape.FUTURE) {
            // another instance is loading the key: wait for its value without holding the caller's thread
            return new Hit(futureWaits.await(methodId, method, mine, shared, receiver, args));
        }
        return settle(method, mine, shared, found, args);
    }

    /**
     * What a lookup of {@code shared} found becomes: a hit, put in L1 (and handed to the load's joiners), or the load
     * itself, for the woven code to run the body ({@code found} is a miss).
     */
    private Token settle(CachedMethod method, Load mine, SharedLevel shared, SharedLevel.Found found, Object[] args) {
        CacheStats stats = method.cache().stats();
        if (found.stale) {
            mine.standIn(l1.entry(found.value, 0, stats));
        }
        if (!found.hit) {
            stats.recordMiss();
            Invalidation invalidation = method.invalidation();
            if (invalidation != null && invalidation.beforeInvocation()) {
                invalidator.invalidate(invalidation, args, null);
            }
            mine.started(found.lease, ticker.read());
            if (shared == null && redis.connecting()) {
                mine.storeOnceConnected();
            }
            return mine;
        }
        CacheEntry entry = sharedEntries.entry(method, found.value, found.remainingMillis, mine.tags());
        if (method.sliding() && found.remainingMillis < method.ttlMillis() - method.ttlMillis() / 10) {
            shared.renew(method, mine.key(), mine.tags());
        }
        putUnlessInvalidated(method, mine, entry);
        stats.recordL2Hit();
        flights.complete(mine, entry);
        return method.shape().hit(entry);
    }

    /**
     * Joins another caller's load of the same key instead of running the method again, waiting at most until
     * that load has run {@code weft.load.maxWait}; after that, or when that load failed, the method runs uncached.
     * A method returning a future gets the load's future at once, which, if the load is still running then, becomes
     * the method's own future, called on a Weft thread ({@link FutureWaits#atMost}): no caller's future hangs on
     * a load that never ends. A call that comes after the wait attaches nothing to the load (it may never end), nor
     * does one that comes after the load's future failed (SPEC §5: failed futures are not cached), even if the
     * load has not ended yet (its first caller may already have seen the failure and called again).
     */
    private Token join(CachedMethod method, Load other, Object receiver, Object[] args) {
        if (other.ownedByCurrentThread()) {
            return runUncached(method, args);
        }
        long waitNanos = other.waitLeftNanos(ticker, maxWaitNanos);
        if (method.shape() == ResultShape.FUTURE) {
            if (other.bodyFailed()) {
                Hit standIn = StaleStandIn.forFailure(method, other, null);
                return standIn != null ? standIn : runUncached(method, args);
            }
            CompletableFuture<Object> joined = waitNanos > 0 ? other.valueFuture() : other.valueIfEnded();
            if (joined == null) {
                return waitGaveUp(method, args);
            }
            if (!joined.isDone()) {
                joined = futureWaits.atMost(joined, waitNanos, method, receiver, args);
            }
            return new Hit(StaleStandIn.forLaterFailure(method, other, joined));
        }
        CacheEntry entry;
        try {
            entry = other.await(waitNanos);
        } catch (TimeoutException e) {
            return waitGaveUp(method, args);
        }
        if (entry == null) {
            Hit standIn = StaleStandIn.forFailure(method, other, null);
            return standIn != null ? standIn : runUncached(method, args);
        }
        method.cache().stats().recordL1Hit();
        return method.shape().hit(entry);
    }

    /** A call that stopped waiting for another call's load: counted, reported, and run uncached. */
    private Token waitGaveUp(CachedMethod method, Object[] args) {
        method.cache().stats().recordLoadWaitTimeout();
        WeftLog.warnRateLimited("load.wait:" + method.declared().owner(), "a call of " + method.declared().owner()
                + " stopped waiting for another call's load of the same key, running for "
                + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms (weft.load.maxWait); it runs the method itself");
        return runUncached(method, args);
    }

    /**
     * The body is about to run without a load of its own (the cache is switched off, the call is re-entrant, or it
     * stopped waiting for another call's load): its invalidation before invocation still happens, since the body
     * runs (SPEC §5); the one after, in {@link #exitCached}.
     */
    private Token runUncached(CachedMethod method, Object[] args) {
        return runUncached(method, args, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0);
    }

    /** As {@link #runUncached(CachedMethod, Object[])}, the arguments as {@link #enter} has them (out of its code). */
    private Token runUncached(CachedMethod method, Object[] args, Object a0, Object a1, Object a2, Object a3,
            Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
        Invalidation invalidation = method.invalidation();
        if (invalidation != null && invalidation.beforeInvocation()) {
            invalidator.invalidate(invalidation, arguments(method, args, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5),
                    null);
        }
        return null;
    }

    /** The invalidation after invocation of a body that ran without a load of its own (see {@link #runUncached}). */
    private void invalidateAfterUncached(int methodId, Object[] args, Object result) {
        try {
            Invalidation invalidation = methods.cached(methodId).invalidation();
            if (invalidation != null && !invalidation.beforeInvocation()) {
                invalidator.invalidate(invalidation, args, result);
            }
        } catch (Throwable t) {
            reportFailure(methodId, t);
        }
    }

    @Override
    public Object exitFuture(int methodId, Token token, Object[] args, Object result) {
        exitCached(methodId, token, args, result);
        if (!(token instanceof Load)) {
            return result;
        }
        try {
            // the load follows the body's future; the caller gets one of its own (CallersFuture), which it may complete
            Object standIn = StaleStandIn.forLaterFailure(methods.cached(methodId), (Load) token, result);
            return standIn != result ? standIn : CallersFuture.of(result);
        } catch (Throwable t) {
            reportFailure(methodId, t);
            return result;
        }
    }

    @Override
    public void exitCached(int methodId, Token token, Object[] args, Object result) {
        if (!(token instanceof Load)) {
            if (token == null) {
                invalidateAfterUncached(methodId, args, result);
            }
            return;
        }
        Load load = (Load) token;
        load.bodyReturned();
        try {
            CachedMethod method = methods.cached(methodId);
            if (method.shape() == ResultShape.FUTURE) {
                storeWhenComplete(method, load, result);
            } else {
                store(method, load, method.shape().unwrap(result));
            }
            Invalidation invalidation = method.invalidation();
            if (invalidation != null && !invalidation.beforeInvocation()) {
                invalidator.invalidate(invalidation, args, result);
            }
        } catch (Throwable t) {
            flights.abandon(load, t);
            reportFailure(methodId, t);
        }
    }

    @Override
    public Token enterBatch(int methodId, Object[] args) {
        try {
            return batches.enter(methods.batch(methodId), args);
        } catch (Throwable t) {
            reportFailure(methodId, t);
            return null;
        }
    }

    @Override
    public Object exitBatch(int methodId, Token token, Object[] args, Object result) {
        if (!(token instanceof BatchLoad)) {
            return result;
        }
        try {
            return batches.exit(methods.batch(methodId), (BatchLoad) token, args, result);
        } catch (Throwable t) {
            reportFailure(methodId, t);
            return batches.uncached((BatchLoad) token, result);
        }
    }

    @Override
    public Hit exitThrown(int methodId, Token token, Object[] args, Throwable thrown) {
        if (token instanceof BatchLoad) {
            try {
                batches.thrown(methods.batch(methodId), (BatchLoad) token, thrown);
            } catch (Throwable t) {
                reportFailure(methodId, t);
            }
            return null;
        }
        if (!(token instanceof Load)) {
            return null;
        }
        Load load = (Load) token;
        load.bodyReturned();
        try {
            CachedMethod method = methods.cached(methodId);
            method.cache().stats().recordLoadFailure();
            releaseLease(load);
            flights.abandon(load, thrown);
            return StaleStandIn.forFailure(method, load, thrown);
        } catch (Throwable t) {
            flights.abandon(load, t);
            reportFailure(methodId, t);
            return null;
        }
    }

    private void storeWhenComplete(CachedMethod method, Load load, Object result) {
        if (result == null) {
            // nothing will be stored: the lease goes back, or every miss of the key would wait for it (SPEC §5, §7)
            releaseLease(load);
            flights.abandon(load, new NullPointerException(method.declared().owner() + " returned a null future"));
            return;
        }
        CompletionStage<?> future = (CompletionStage<?>) result;
        load.bodyReturned(future);
        future.whenComplete((value, failure) -> {
            try {
                if (load.givenUp()) {
                    return; // past its deadline: its lease is released, its waiters are gone, it stores nothing
                }
                if (failure != null) {
                    method.cache().stats().recordLoadFailure();
                    releaseLease(load);
                    flights.abandon(load, failure);
                } else {
                    store(method, load, value);
                }
            } catch (Throwable t) {
                flights.abandon(load, t);
                reportFailure(method, t);
            }
        });
    }

    /** Stores a loaded value in L1 and, under the load's lease, in Redis; releases the callers waiting for it. */
    private void store(CachedMethod method, Load load, Object value) {
        CacheStats stats = method.cache().stats();
        stats.recordLoad(load.elapsedNanos(ticker.read()));
        CacheEntry entry = (method.sliding() ? l1.slidingEntry(value, method.slidingTtlNanos(), stats)
                : method.staleIfErrorMillis() > 0 ? l1.staleableEntry(value, method.l1TtlNanos(),
                        TimeUnit.MILLISECONDS.toNanos(method.staleIfErrorMillis()), stats)
                : l1.entry(value, method.l1TtlNanos(), stats)).tagged(load.tags());
        if (method.refreshes()) {
            entry = entry.refreshingAt(l1.now() + method.refreshAfterNanos());
        }
        boolean kept = (value != null || method.cacheNull()) && putUnlessInvalidated(method, load, entry);
        SharedLevel shared = redis.shared();
        if (kept && shared != null && load.lease() != null) {
            shared.store(method, load.key(), value, load.lease());
        } else {
            releaseLease(load);
            if (kept && load.storesOnceConnected()) {
                // kept before the load leaves the flights, so that an invalidation in between still marks it
                redis.storeOnceConnected(flights.deferred(), method, load, value);
            }
        }
        flights.complete(load, entry);
    }

    /** Renews a sliding entry's TTL in Redis, and its tags' hold on it, without waiting (SPEC §12). */
    private void renewShared(CachedMethod method, String key, List<String> tags) {
        SharedLevel shared = redis.shared();
        if (shared != null) {
            shared.renew(method, key, tags);
        }
    }

    /** Gives up the lease of a load whose value does not go to Redis (SPEC §5: no lease is left behind). */
    private void releaseLease(Load load) {
        SharedLevel shared = redis.shared();
        if (shared != null && load.lease() != null) {
            shared.release(load.key(), load.lease());
        }
    }

    /**
     * Puts an entry for a load unless the load was invalidated, reading the mark under the key's lock.
     * An invalidation marks the load before it removes the key (under the same lock), so either the put
     * sees the mark, or the removal comes after the put and removes the entry: a value loaded before an
     * invalidation is never visible once the invalidation has returned (SPEC §5, the stale-set race).
     * A cache that skips L1 puts nothing and only reads the mark.
     *
     * @return whether the entry was kept: put (or, without L1, not invalidated)
     */
    boolean putUnlessInvalidated(CachedMethod method, Load load, CacheEntry entry) {
        boolean kept = method.usesL1() ? l1.putUnless(load.cacheKey(), entry, load) : !load.invalidated();
        if (!kept) {
            method.cache().stats().recordStaleStoreDiscarded();
        }
        return kept;
    }

    @Override
    public void invalidate(int methodId, Object[] args, Object result) {
        try {
            invalidator.invalidate(methods.invalidation(methodId), args, result);
        } catch (Throwable t) {
            reportFailure(methodId, t);
        }
    }

    /**
     * Evicts one key from L1 (every loader's scope), first marking its loads in flight so that their results are not
     * kept; counted as a received invalidation, as an event's.
     */
    public void evictKey(String key) {
        invalidator.evictLocal(key, InvalidationOrigin.RECEIVED);
    }

    /** Evicts every L1 key that starts with {@code prefix}, marking loads in flight likewise. */
    public void evictPrefix(String prefix) {
        invalidator.evictLocalPrefix(prefix, InvalidationOrigin.RECEIVED);
    }

    /** Empties the L1, marking every load in flight. */
    public void clear() {
        invalidator.clearLocal();
    }

    /**
     * Removes one cache's entries from L1 (an operator's switch; Redis keeps its copies). Loads in flight
     * are not marked: their keys do not say which cache they belong to.
     *
     * @return how many entries were removed
     */
    public long clear(NamedCache cache) {
        return l1.clear(cache.stats());
    }

    /** Up to {@code limit} keys of {@code cache} with the most hits in this JVM's L1, most first (SPEC §12). */
    public List<String> hotKeys(NamedCache cache, int limit) {
        return l1.hottest(cache.stats(), limit);
    }

    /**
     * Forgets what is left of a class loader that was collected (SPEC §10): its methods (in the table and the warm
     * starts' records), and its scope's L1 entries (values of JDK types, which did not hold the loader, of methods
     * that nobody can call any more).
     */
    /**
     * What the runtime's parts call back: one class, not four lambdas, since it is made on the way to the first woven
     * call, where each lambda costs a class spun at run time.
     */
    private final class Callbacks implements FutureWaits.Settler, FutureWaits.Abandoner,
            BiConsumer<CachedMethod, Throwable>, Consumer<KeyScope> {

        @Override
        public Token settle(CachedMethod method, Load mine, SharedLevel shared, SharedLevel.Found found, Object[] args) {
            return CacheRuntime.this.settle(method, mine, shared, found, args);
        }

        @Override
        public void abandon(Load load, Throwable cause) {
            releaseLease(load);
            flights.abandon(load, cause);
        }

        @Override
        public void accept(CachedMethod method, Throwable failure) {
            reportFailure(method, failure);
        }

        @Override
        public void accept(KeyScope scope) {
            forget(scope);
        }
    }

    private void forget(KeyScope scope) {
        methods.forgetCollected();
        WarmStart warming = warm;
        if (warming != null) {
            warming.forgetCollected();
        }
        l1.removeScope(scope);
    }

    /** L1 entries by cache name, counted in one pass over the L1 (caches without entries are absent). */
    public Map<String, Long> l1SizesByCache() {
        return l1.sizesByCache();
    }

    @Override
    public void evictKeys(List<String> keys, boolean alsoL2) {
        invalidator.evictRead(keys, List.of(), List.of(), alsoL2);
        invalidationsReceived.increment();
    }

    @Override
    public void evictTags(List<String> tags, boolean alsoL2) {
        invalidator.evictRead(List.of(), List.of(), tags, alsoL2);
        tagInvalidationsReceived.add(tags.size());
        invalidationsReceived.increment();
    }

    @Override
    public void evictPrefixes(List<String> prefixes, boolean alsoL2) {
        invalidator.evictRead(List.of(), prefixes, List.of(), alsoL2);
        invalidationsReceived.increment();
    }

    @Override
    public void clearAll(String reason) {
        invalidator.clearLocal();
        invalidationsReceived.increment();
        WeftLog.warn("cleared the local cache: " + reason);
    }

    /**
     * Records the runtime's first lookup (a miss, single or batch, at {@code nowNanos}): the event reader starts that
     * far back in the streams ({@link #cachingForMillis}), so that no eviction of a value read since is missed.
     */
    void noteLookup(long nowNanos) {
        if (firstLookupNanos == 0) {
            firstLookupNanos = nowNanos;
        }
    }

    @Override
    public long cachingForMillis() {
        long first = firstLookupNanos;
        return first == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(ticker.read() - first));
    }

    /**
     * The Redis master changed (a failover): sends the invalidations of the last seconds again, and the deletes made
     * for the foreign events applied meanwhile (without events). Returns how many of this instance's invalidations it
     * sent again; waits for Redis (each command at most {@code weft.redis.timeout}), so never call it on a caller's path.
     */
    public int replayRecentInvalidations() {
        int replayed = invalidator.replay();
        invalidationsReplayed.add(replayed);
        return replayed;
    }

    /** Values loaded while Redis was being connected and stored in it once connected. */
    public long deferredStoresSent() {
        return redis.deferredStoresSent();
    }

    /** Values loaded while Redis was being connected that were not stored in it (invalidated, present, or too many). */
    public long deferredStoresDropped() {
        return redis.deferredStoresDropped();
    }

    /** This instance's invalidations sent again after failovers (not the deletes made for foreign events). */
    public long invalidationsReplayed() {
        return invalidationsReplayed.sum();
    }

    /** Entries in L1. */
    /** The L1 tag index's mappings: each tagged entry once per tag (what tag evictions look up instead of a scan). */
    public long l1TagIndexMappings() {
        return l1.tagIndexMappings();
    }

    public long l1Size() {
        return l1.size();
    }

    /** Loads in flight (each a method body running to fill the cache). */
    public int loadsInFlight() {
        return flights.size();
    }

    /** Invalidations this instance made (each one event). */
    public long invalidationsSent() {
        return invalidator.sent();
    }

    /** Tags this instance's {@code @InvalidateCache(tags)} evicted. */
    public long tagInvalidationsSent() {
        return invalidator.tagsSent();
    }

    /** Tags of events from other instances and services that this instance evicted. */
    public long tagInvalidationsReceived() {
        return tagInvalidationsReceived.sum();
    }

    /** Invalidation events from other instances and services that this instance applied. */
    public long invalidationsReceived() {
        return invalidationsReceived.sum();
    }

    private void reportFailure(int methodId, Throwable t) {
        reportFailure(methods.describe(methodId), t);
    }

    private void reportFailure(CachedMethod method, Throwable t) {
        reportFailure(method.declared().owner(), t);
    }

    private static void reportFailure(String owner, Throwable t) {
        WeftLog.warnRateLimited("failure:" + owner, "unexpected error in the caching path of " + owner
                + "; the method is called directly: " + ThrownAt.of(t));
    }
}
