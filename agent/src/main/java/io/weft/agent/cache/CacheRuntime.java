package io.weft.agent.cache;

import io.weft.agent.bootstrap.Handler;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EvictionSink;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What woven methods call: L1 lookup, L2 lookup, single-flight loads, stores and evictions; and what
 * the event reader calls when other instances invalidate. Every entry point from woven code catches
 * everything, so an unexpected error makes the method run as if it were not cached.
 */
public final class CacheRuntime implements Handler, EvictionSink {

    private static final int MAX_DEFERRED = 10_000;

    private final MethodTable methods;
    private final LocalCache l1;
    private final ConcurrentHashMap<String, Load> loads = new ConcurrentHashMap<>();
    private final LongAdder invalidationsSent = new LongAdder();
    private final LongAdder invalidationsReceived = new LongAdder();
    private final CountDownLatch connected = new CountDownLatch(1);
    private final List<Deferred> deferred = new ArrayList<>();
    private volatile long connectWaitNanos;
    private volatile SharedLevel l2;
    private volatile EventPublisher events;
    private volatile String instanceId;

    /** @param l1TtlNanos the longest an L1 entry lives ({@code weft.l1.ttl}) */
    public CacheRuntime(MethodTable methods, long l1MaxSize, long l1TtlNanos) {
        this.methods = methods;
        this.l1 = new LocalCache(l1MaxSize, l1TtlNanos);
    }

    /**
     * Announces that Redis is being connected: until {@link #connect} (or for at most {@code bound}
     * per call), a miss waits for it rather than skip the shared level.
     */
    public void connecting(Duration bound) {
        this.connectWaitNanos = bound.toNanos();
    }

    /** Gives up on Redis (it could not be set up): misses stop waiting for it, deferred invalidations are dropped. */
    public void connectionAbandoned() {
        synchronized (deferred) {
            connectWaitNanos = 0;
            deferred.clear();
        }
        connected.countDown();
    }

    /**
     * Connects the shared level and the event publisher once Redis is configured; until then L1 only.
     * Invalidations made while connecting are sent first (Redis deletes, then events), so no lookup can
     * read a key from Redis that an earlier invalidation should have deleted.
     */
    void connect(SharedLevel shared, EventPublisher publisher, String instance) {
        this.instanceId = instance;
        this.events = publisher;
        while (true) {
            List<Deferred> batch;
            synchronized (deferred) {
                if (deferred.isEmpty()) {
                    this.l2 = shared;
                    break;
                }
                batch = new ArrayList<>(deferred);
                deferred.clear();
            }
            for (Deferred invalidation : batch) {
                shared.evict(invalidation.keys, invalidation.prefixes);
                publish(publisher, invalidation.event, invalidation.keys, invalidation.prefixes, invalidation.arguments);
            }
        }
        connected.countDown();
    }

    /** The shared level, waiting a bounded time while it is being connected; {@code null} for L1 only. */
    private SharedLevel shared() {
        SharedLevel shared = l2;
        if (shared == null && connectWaitNanos > 0) {
            try {
                connected.await(connectWaitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shared = l2;
        }
        return shared;
    }

    @Override
    public Object enterCached(int methodId, Object[] args) {
        try {
            CachedMethod method = (CachedMethod) methods.get(methodId);
            if (!method.cache().enabled()) {
                return null;
            }
            CacheKey key = method.key().key(args);
            CacheEntry entry = l1.get(key);
            if (entry != null) {
                method.cache().stats().l1Hit();
                return method.shape().hit(entry);
            }
            return beginLoad(method, key, args);
        } catch (Throwable t) {
            reportFailure(methodId, t);
            return null;
        }
    }

    private Object beginLoad(CachedMethod method, CacheKey cacheKey, Object[] args) {
        CacheStats stats = method.cache().stats();
        String key = cacheKey.text();
        Load mine = new Load(cacheKey);
        Load other = loads.putIfAbsent(key, mine);
        if (other != null) {
            return join(method, other);
        }
        CacheEntry entry = l1.get(cacheKey);
        if (entry == null) {
            SharedLevel shared = shared();
            SharedLevel.Found found = shared == null ? SharedLevel.Found.NOTHING : shared.lookup(method, key);
            if (found.hit) {
                long ttl = found.remainingMillis < 0 ? method.l1TtlNanos()
                        : Math.min(method.l1TtlNanos(), TimeUnit.MILLISECONDS.toNanos(found.remainingMillis));
                entry = l1.entry(found.value, ttl, stats);
                putUnlessInvalidated(mine, entry);
                stats.l2Hit();
            } else {
                stats.miss();
                Invalidation invalidation = method.invalidation();
                if (invalidation != null && invalidation.beforeInvocation()) {
                    evict(invalidation, args, null);
                }
                mine.started(found.lease);
                return mine;
            }
        } else {
            stats.l1Hit();
        }
        mine.complete(entry);
        loads.remove(key, mine);
        return method.shape().hit(entry);
    }

    /** Joins another caller's load of the same key instead of running the method again. */
    private Object join(CachedMethod method, Load other) {
        if (other.ownedByCurrentThread()) {
            return null;
        }
        if (method.shape() == ResultShape.FUTURE) {
            return new Hit(other.valueFuture());
        }
        CacheEntry entry = other.await();
        if (entry == null) {
            return null;
        }
        method.cache().stats().l1Hit();
        return method.shape().hit(entry);
    }

    @Override
    public void exitCached(int methodId, Object token, Object[] args, Object result, Throwable thrown) {
        if (!(token instanceof Load)) {
            return;
        }
        Load load = (Load) token;
        try {
            CachedMethod method = (CachedMethod) methods.get(methodId);
            if (thrown != null) {
                method.cache().stats().loadFailed();
                abandon(load, thrown);
                return;
            }
            if (method.shape() == ResultShape.FUTURE) {
                storeWhenComplete(method, load, result);
            } else {
                store(method, load, method.shape().unwrap(result));
            }
            Invalidation invalidation = method.invalidation();
            if (invalidation != null && !invalidation.beforeInvocation()) {
                evict(invalidation, args, result);
            }
        } catch (Throwable t) {
            abandon(load, t);
            reportFailure(methodId, t);
        }
    }

    private void storeWhenComplete(CachedMethod method, Load load, Object result) {
        if (result == null) {
            abandon(load, new NullPointerException(method.declared().owner() + " returned a null future"));
            return;
        }
        ((CompletionStage<?>) result).whenComplete((value, failure) -> {
            if (failure != null) {
                method.cache().stats().loadFailed();
                abandon(load, failure);
            } else {
                store(method, load, value);
            }
        });
    }

    /** Stores a loaded value in L1 and, under the load's lease, in Redis; releases the callers waiting for it. */
    private void store(CachedMethod method, Load load, Object value) {
        CacheStats stats = method.cache().stats();
        stats.loaded(load.elapsedNanos());
        CacheEntry entry = l1.entry(value, method.l1TtlNanos(), stats);
        if (value != null || method.cacheNull()) {
            boolean kept = putUnlessInvalidated(load, entry);
            SharedLevel shared = l2;
            if (kept && shared != null && load.lease() != null) {
                shared.store(method, load.key(), value, load.lease());
            }
        }
        load.complete(entry);
        loads.remove(load.key(), load);
    }

    /**
     * Puts an entry for a load unless the load was invalidated, reading the mark under the key's lock.
     * An invalidation marks the load before it removes the key (under the same lock), so either the put
     * sees the mark, or the removal comes after the put and removes the entry: a value loaded before an
     * invalidation is never visible once the invalidation has returned (SPEC §5, the stale-set race).
     *
     * @return whether the entry was put
     */
    private boolean putUnlessInvalidated(Load load, CacheEntry entry) {
        return l1.putUnless(load.cacheKey(), entry, load::invalidated);
    }

    private void abandon(Load load, Throwable cause) {
        if (!load.isDone()) {
            load.fail(cause);
        }
        loads.remove(load.key(), load);
    }

    @Override
    public void invalidate(int methodId, Object[] args, Object result) {
        try {
            evict((Invalidation) methods.get(methodId), args, result);
        } catch (Throwable t) {
            reportFailure(methodId, t);
        }
    }

    /**
     * Evicts from Redis and then from L1, synchronously, and publishes the event for the other
     * instances. Redis goes first: evicting L1 first would let a miss in between copy the old value
     * from Redis back into L1 after the eviction.
     */
    private void evict(Invalidation invalidation, Object[] args, Object result) {
        List<String> keys = render(invalidation.keys(), args, result);
        List<String> prefixes = render(invalidation.prefixes(), args, result);
        Map<String, Object> arguments = argumentsByName(invalidation.declared(), args);
        SharedLevel shared = shared();
        if (shared == null) {
            shared = deferUnlessConnected(new Deferred(invalidation.event(), keys, prefixes, arguments));
        }
        if (shared != null) {
            shared.evict(keys, prefixes);
        }
        keys.forEach(this::evictKey);
        prefixes.forEach(this::evictPrefix);
        if (shared != null) {
            publish(events, invalidation.event(), keys, prefixes, arguments);
        }
        invalidationsSent.increment();
    }

    private void publish(EventPublisher publisher, String event, List<String> keys, List<String> prefixes,
            Map<String, Object> arguments) {
        publisher.publish(InvalidationEvent.invalidation(event, keys, prefixes, arguments, instanceId));
    }

    /**
     * Keeps an invalidation's Redis deletes and event for {@link #connect} while Redis is being connected.
     *
     * @return the shared level if it was connected meanwhile (the caller sends it all now), else {@code null}
     */
    private SharedLevel deferUnlessConnected(Deferred invalidation) {
        synchronized (deferred) {
            if (l2 != null) {
                return l2;
            }
            if (connectWaitNanos == 0) {
                return null;
            }
            if (deferred.size() < MAX_DEFERRED) {
                deferred.add(invalidation);
            } else {
                WeftLog.warnRateLimited("deferred.full", "more than " + MAX_DEFERRED + " invalidations were made"
                        + " while Redis was being connected; further ones evict L1 only and send no event");
            }
            return null;
        }
    }

    /** An invalidation made before Redis was connected: what to delete there and announce once it is. */
    private static final class Deferred {
        final String event;
        final List<String> keys;
        final List<String> prefixes;
        final Map<String, Object> arguments;

        Deferred(String event, List<String> keys, List<String> prefixes, Map<String, Object> arguments) {
            this.event = event;
            this.keys = keys;
            this.prefixes = prefixes;
            this.arguments = arguments;
        }
    }

    private static List<String> render(List<KeyRenderer> templates, Object[] args, Object result) {
        List<String> rendered = new ArrayList<>(templates.size());
        for (KeyRenderer template : templates) {
            rendered.add(template.render(args, result));
        }
        return rendered;
    }

    private static Map<String, Object> argumentsByName(DeclaredMethod declared, Object[] args) {
        Map<String, Object> named = new LinkedHashMap<>();
        List<String> names = declared.parameterNames();
        for (int i = 0; i < args.length && i < names.size(); i++) {
            named.put(names.get(i), args[i]);
        }
        return named;
    }

    /** Evicts one key from L1, first marking a load of it in flight so that its result is not kept. */
    public void evictKey(String key) {
        Load load = loads.remove(key);
        if (load != null) {
            load.invalidate();
        }
        l1.remove(key);
    }

    /** Evicts every L1 key that starts with {@code prefix}, marking loads in flight likewise. */
    public void evictPrefix(String prefix) {
        loads.forEach((key, load) -> {
            if (key.startsWith(prefix) && loads.remove(key, load)) {
                load.invalidate();
            }
        });
        l1.removePrefix(prefix);
    }

    /** Empties the L1, marking every load in flight. */
    public void clear() {
        loads.forEach((key, load) -> {
            if (loads.remove(key, load)) {
                load.invalidate();
            }
        });
        l1.clear();
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

    /** L1 entries by cache name, counted in one pass over the L1 (caches without entries are absent). */
    public Map<String, Long> l1SizesByCache() {
        return l1.sizesByCache();
    }

    @Override
    public void evictKeys(List<String> keys, boolean alsoL2) {
        SharedLevel shared = l2;
        if (alsoL2 && shared != null) {
            shared.evict(keys, List.of());
        }
        keys.forEach(this::evictKey);
        invalidationsReceived.increment();
    }

    @Override
    public void evictPrefixes(List<String> prefixes) {
        prefixes.forEach(this::evictPrefix);
        invalidationsReceived.increment();
    }

    @Override
    public void clearAll(String reason) {
        clear();
        invalidationsReceived.increment();
        WeftLog.warn("cleared the local cache: " + reason);
    }

    /** Entries in L1. */
    public long l1Size() {
        return l1.size();
    }

    /** Invalidations this instance made (each one event). */
    public long invalidationsSent() {
        return invalidationsSent.sum();
    }

    /** Invalidation events from other instances and services that this instance applied. */
    public long invalidationsReceived() {
        return invalidationsReceived.sum();
    }

    private void reportFailure(int methodId, Throwable t) {
        Object method = methods.get(methodId);
        String owner = method instanceof CachedMethod ? ((CachedMethod) method).declared().owner()
                : method instanceof Invalidation ? ((Invalidation) method).declared().owner() : "method #" + methodId;
        WeftLog.warnRateLimited("failure:" + methodId, "unexpected error in the caching path of " + owner
                + "; the method is called directly: " + t);
    }
}
