package io.weft.agent.cache;

import io.weft.agent.bootstrap.Handler;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.log.WeftLog;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What woven methods call: L1 lookup, single-flight loads, stores and evictions. Every entry point
 * catches everything, so an unexpected error makes the method run as if it were not cached.
 */
public final class CacheRuntime implements Handler {

    private final MethodTable methods;
    private final LocalCache l1;
    private final ConcurrentHashMap<String, Load> loads = new ConcurrentHashMap<>();

    public CacheRuntime(MethodTable methods, long l1MaxSize) {
        this.methods = methods;
        this.l1 = new LocalCache(l1MaxSize);
    }

    @Override
    public Object enterCached(int methodId, Object[] args) {
        try {
            CachedMethod method = (CachedMethod) methods.get(methodId);
            if (!method.enabled()) {
                return null;
            }
            String key = method.key().render(args, null);
            CacheEntry entry = l1.get(key);
            if (entry != null) {
                return method.shape().hit(entry);
            }
            return beginLoad(method, key, args);
        } catch (Throwable t) {
            reportFailure(methodId, t);
            return null;
        }
    }

    private Object beginLoad(CachedMethod method, String key, Object[] args) {
        Load mine = new Load(key);
        Load other = loads.putIfAbsent(key, mine);
        if (other != null) {
            return join(method, other);
        }
        CacheEntry entry = l1.get(key);
        if (entry != null) {
            loads.remove(key, mine);
            mine.complete(entry);
            return method.shape().hit(entry);
        }
        Invalidation invalidation = method.invalidation();
        if (invalidation != null && invalidation.beforeInvocation()) {
            evict(invalidation, args, null);
        }
        return mine;
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
        return entry == null ? null : method.shape().hit(entry);
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
            abandon(load, new NullPointerException(method.owner() + " returned a null future"));
            return;
        }
        ((CompletionStage<?>) result).whenComplete((value, failure) -> {
            if (failure != null) {
                abandon(load, failure);
            } else {
                store(method, load, value);
            }
        });
    }

    /**
     * Stores a loaded value and releases the callers waiting for it. The value is put before the
     * load's invalidation mark is read, and an invalidation marks the load before it evicts, so
     * whichever runs second removes the value: it cannot outlive an overlapping invalidation.
     */
    private void store(CachedMethod method, Load load, Object value) {
        CacheEntry entry = new CacheEntry(value, method.ttlNanos());
        if (value != null || method.cacheNull()) {
            l1.put(load.key(), entry);
            if (load.invalidated()) {
                l1.remove(load.key(), entry);
            }
        }
        load.complete(entry);
        loads.remove(load.key(), load);
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

    private void evict(Invalidation invalidation, Object[] args, Object result) {
        for (KeyRenderer key : invalidation.keys()) {
            evictKey(key.render(args, result));
        }
        for (KeyRenderer prefix : invalidation.prefixes()) {
            evictPrefix(prefix.render(args, result));
        }
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

    private void reportFailure(int methodId, Throwable t) {
        Object method = methods.get(methodId);
        String owner = method instanceof CachedMethod ? ((CachedMethod) method).owner()
                : method instanceof Invalidation ? ((Invalidation) method).owner() : "method #" + methodId;
        WeftLog.warnRateLimited("failure:" + methodId, "unexpected error in the caching path of " + owner
                + "; the method is called directly: " + t);
    }
}
