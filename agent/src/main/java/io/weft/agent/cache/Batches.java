package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.BatchParameter;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls of batch methods (SPEC §13), each element an entry of its own: L1 first; then the loads that other calls
 * have in flight for some elements are awaited (holding no load of its own, so two batches never wait for each
 * other); then the call registers a {@link Load} per element left (single flight) and reads them all from Redis
 * in one script call, which takes a lease per element that misses; the body then runs once with only the elements
 * still missing, in the declared kind of collection and the caller's order; its values are stored per element (L1,
 * and Redis under the leases in one script call) and merged with the hits in the caller's order.
 */
final class Batches {

    private final CacheRuntime runtime;
    private final LocalCache l1;
    private final SingleFlight flights;
    private final SharedLevelConnection redis;
    private final Invalidator invalidator;
    private final Ticker ticker;
    private final long maxWaitNanos;

    Batches(CacheRuntime runtime, LocalCache l1, SingleFlight flights, SharedLevelConnection redis,
            Invalidator invalidator, Ticker ticker, long maxWaitNanos) {
        this.runtime = runtime;
        this.l1 = l1;
        this.flights = flights;
        this.redis = redis;
        this.invalidator = invalidator;
        this.ticker = ticker;
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * On entry: a {@link Hit} with the merged map when every element was found; else a {@link BatchLoad} after
     * putting the missing elements in place of the batch argument in {@code args}, or null (run uncached).
     */
    Token enter(BatchMethod batch, Object[] args) {
        CachedMethod method = batch.method();
        if (!method.cache().enabled()) {
            return null;
        }
        BatchParameter parameter = batch.key().parameter();
        List<Object> elements = parameter.elements(args);
        if (elements == null) {
            return null;
        }
        Map<Object, Object> found = new LinkedHashMap<>(Math.max(16, elements.size() * 4 / 3 + 1));
        Map<Object, CacheKey> missing = null;
        boolean absent = false;
        int index = parameter.index();
        Object argument = args[index];
        KeyRenderer element = batch.key().element();
        try {
            for (Object e : elements) {
                args[index] = e; // each element renders in the argument's place, as a single-element method's would
                CacheKey key = element.key(method.scope(), args);
                CacheEntry entry = method.usesL1() ? l1.get(key) : null;
                if (entry != null) {
                    entry.countHit();
                    absent |= entry.value() == null;
                    found.put(e, entry.value());
                } else {
                    if (missing == null) {
                        missing = new LinkedHashMap<>();
                    }
                    missing.putIfAbsent(e, key.stable());
                }
            }
        } finally {
            args[index] = argument;
        }
        if (missing == null) {
            method.cache().stats().recordBatch(found.size(), 0, 0, 0);
            return new Hit(absent ? BatchLoad.merge(elements, found) : found);
        }
        return load(batch, args, new BatchLoad(elements, argument, found), missing, found.size());
    }

    private Token load(BatchMethod batch, Object[] args, BatchLoad load, Map<Object, CacheKey> missing, int l1Hits) {
        CachedMethod method = batch.method();
        int joined = join(method, load, missing);
        long now = ticker.read();
        runtime.noteLookup(now);
        for (Map.Entry<Object, CacheKey> m : missing.entrySet()) {
            Load mine = new Load(m.getValue(), now, null);
            if (flights.start(mine) == null) {
                load.own(m.getKey(), mine);
            } else {
                load.loadUnowned(m.getKey()); // a re-entrant call, or a load that started since the join
            }
        }
        try {
            int l2Hits = lookUp(batch, load, now);
            List<Object> toLoad = load.toLoad();
            method.cache().stats().recordBatch(l1Hits, l2Hits, joined, toLoad.size());
            if (toLoad.isEmpty()) {
                return new Hit(load.merged());
            }
            Invalidation invalidation = method.invalidation();
            if (invalidation != null && invalidation.beforeInvocation()) {
                invalidator.invalidate(invalidation, args, null);
            }
            int index = batch.key().parameter().index();
            args[index] = batch.key().parameter().subset(args[index], toLoad);
            return load;
        } catch (Throwable t) {
            abandon(method, load, t);
            throw t;
        }
    }

    /**
     * Waits for the loads that other calls have in flight for missing elements, each at most until it has run {@code
     * weft.load.maxWait} and all of them together at most {@code weft.load.maxWait} from now, so that loads which
     * other calls start meanwhile cannot hold the call longer; the elements they delivered leave {@code missing}, the
     * call loads the others itself. Returns how many were delivered.
     */
    private int join(CachedMethod method, BatchLoad load, Map<Object, CacheKey> missing) {
        long deadline = ticker.read() + maxWaitNanos;
        int joined = 0;
        int gaveUp = 0;
        for (Iterator<Map.Entry<Object, CacheKey>> it = missing.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Object, CacheKey> m = it.next();
            Load other = flights.inFlight(m.getValue());
            if (other == null || other.ownedByCurrentThread()) {
                continue;
            }
            try {
                CacheEntry entry = other.await(Math.min(other.waitLeftNanos(ticker, maxWaitNanos),
                        deadline - ticker.read()));
                if (entry != null) {
                    load.found(m.getKey(), entry.value());
                    it.remove();
                    joined++;
                }
            } catch (TimeoutException e) {
                gaveUp++;
            }
        }
        if (gaveUp > 0) {
            method.cache().stats().recordLoadWaitTimeout();
            WeftLog.warnRateLimited("load.wait:" + method.declared().owner(), "a batch call of "
                    + method.declared().owner() + " stopped waiting for other calls' loads of " + gaveUp + " of its"
                    + " elements (weft.load.maxWait, " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms, for"
                    + " each load and for all of them); it loads them itself");
        }
        return joined;
    }

    /**
     * Reads the owned elements from Redis in one script call, which takes a lease for each that misses; an element
     * found there completes its load and leaves the owned ones. Returns how many were found.
     */
    private int lookUp(BatchMethod batch, BatchLoad load, long now) {
        SharedLevel shared = redis.awaitShared();
        Map<Object, Load> owned = load.owned();
        if (shared == null || owned.isEmpty()) {
            if (shared == null && redis.connecting()) {
                owned.values().forEach(Load::storeOnceConnected);
            }
            load.started(null, now);
            return 0;
        }
        CachedMethod method = batch.method();
        CacheStats stats = method.cache().stats();
        List<String> keys = new ArrayList<>(owned.size());
        owned.values().forEach(mine -> keys.add(mine.key()));
        List<SharedLevel.Found> found = shared.lookupAll(method, keys);
        String lease = null;
        int hits = 0;
        Iterator<Map.Entry<Object, Load>> it = owned.entrySet().iterator();
        for (int i = 0; it.hasNext(); i++) {
            Map.Entry<Object, Load> m = it.next();
            SharedLevel.Found one = found.get(i);
            Load mine = m.getValue();
            if (one.hit) {
                long ttl = one.remainingMillis < 0 ? method.l1TtlNanos()
                        : Math.min(method.l1TtlNanos(), TimeUnit.MILLISECONDS.toNanos(one.remainingMillis));
                CacheEntry entry = l1.entry(one.value, ttl, stats);
                runtime.putUnlessInvalidated(method, mine, entry);
                flights.complete(mine, entry);
                load.found(m.getKey(), one.value);
                it.remove();
                hits++;
            } else {
                mine.started(one.lease, now);
                lease = one.lease != null ? one.lease : lease;
            }
        }
        load.started(lease, ticker.read());
        return hits;
    }

    /**
     * After the body returned {@code result}: stores each owned element's value (in L1, and in Redis under its lease
     * in one script call) and releases the callers waiting for it; returns the merged map, in the caller's order.
     */
    Object exit(BatchMethod batch, BatchLoad load, Object[] args, Object result) {
        CachedMethod method = batch.method();
        load.owned().values().forEach(Load::bodyReturned);
        try {
            CacheStats stats = method.cache().stats();
            stats.recordLoad(load.elapsedNanos(ticker.read()));
            Map<?, ?> loaded = result instanceof Map<?, ?> ? (Map<?, ?>) result : Collections.emptyMap();
            Map<String, Object> stored = new LinkedHashMap<>();
            List<String> released = new ArrayList<>();
            for (Map.Entry<Object, Load> m : load.owned().entrySet()) {
                Object value = valueOf(loaded, m.getKey());
                Load mine = m.getValue();
                CacheEntry entry = l1.entry(value, method.l1TtlNanos(), stats);
                boolean kept = (value != null || method.cacheNull())
                        && runtime.putUnlessInvalidated(method, mine, entry);
                if (mine.lease() != null) {
                    if (kept) {
                        stored.put(mine.key(), value);
                    } else {
                        released.add(mine.key());
                    }
                } else if (kept && mine.storesOnceConnected()) {
                    // kept before the load leaves the flights, so that an invalidation in between still marks it
                    redis.storeOnceConnected(flights.deferred(), method, mine, value);
                }
                flights.complete(mine, entry);
                load.found(m.getKey(), value);
            }
            for (Object element : load.unowned()) {
                load.found(element, valueOf(loaded, element));
            }
            SharedLevel shared = redis.shared();
            if (shared != null && load.lease() != null) {
                shared.storeAll(method, stored, released, load.lease());
            }
            Invalidation invalidation = method.invalidation();
            if (invalidation != null && !invalidation.beforeInvocation()) {
                args[batch.key().parameter().index()] = load.argument();
                invalidator.invalidate(invalidation, args, result);
            }
            return load.merged();
        } catch (Throwable t) {
            abandon(method, load, t);
            throw t;
        }
    }

    /**
     * What the method returns when storing its result failed unexpectedly (the loads were abandoned): the values
     * found before the body ran merged with the body's, as if nothing were cached; failing that, the body's own.
     */
    Object uncached(BatchLoad load, Object result) {
        try {
            Map<?, ?> loaded = result instanceof Map<?, ?> ? (Map<?, ?>) result : Collections.emptyMap();
            for (Object element : load.toLoad()) {
                load.found(element, valueOf(loaded, element));
            }
            return load.merged();
        } catch (RuntimeException e) {
            return result; // never break the application: its method's own map, without the cached elements
        }
    }

    /** After the body threw: the owned loads fail (their waiters run the method themselves) and their leases go. */
    void thrown(BatchMethod batch, BatchLoad load, Throwable thrown) {
        load.owned().values().forEach(Load::bodyReturned);
        batch.method().cache().stats().recordLoadFailure();
        abandon(batch.method(), load, thrown);
    }

    /** Fails the owned loads and releases their leases. */
    private void abandon(CachedMethod method, BatchLoad load, Throwable cause) {
        List<String> released = new ArrayList<>();
        for (Load mine : load.owned().values()) {
            flights.abandon(mine, cause);
            if (mine.lease() != null) {
                released.add(mine.key());
            }
        }
        SharedLevel shared = redis.shared();
        if (shared != null && !released.isEmpty()) {
            shared.storeAll(method, Map.of(), released, load.lease());
        }
    }

    /** The method's value for {@code element}, or null: also when its map cannot be asked for it (a null element). */
    private static Object valueOf(Map<?, ?> loaded, Object element) {
        try {
            return loaded.get(element);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
