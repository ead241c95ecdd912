package io.weft.agent.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Woven methods by the id compiled into their advice: {@code @CacheResult} methods and
 * {@code @InvalidateCache}-only methods share one id space, each in its own typed array. Registration (at
 * weave time) copies the arrays; lookup on the hot path is one volatile read and an index. A new method takes the
 * id of a method whose loader was collected, so the arrays are as long as the most methods alive at once (SPEC §10).
 */
public final class MethodTable {

    private volatile CachedMethod[] cached = new CachedMethod[0];
    private volatile Invalidation[] invalidations = new Invalidation[0];
    private volatile BatchMethod[] batches = new BatchMethod[0];

    /** Registers a {@code @CacheResult} method and returns its id. */
    public synchronized int register(CachedMethod method) {
        return put(method, null, null);
    }

    /** Registers a batch {@code @CacheResult} method (SPEC §13) and returns its id. */
    public synchronized int register(BatchMethod method) {
        return put(method.method(), null, method);
    }

    /** Registers an {@code @InvalidateCache}-only method and returns its id. */
    public synchronized int register(Invalidation method) {
        return put(null, method, null);
    }

    /**
     * Puts a method in a slot that {@link #forgetCollected} freed (no code calls its id any more: the loader of the
     * class that did is gone), else in a new slot; returns its id.
     */
    private int put(CachedMethod method, Invalidation invalidation, BatchMethod batch) {
        int id = 0;
        while (id < cached.length && (cached[id] != null || invalidations[id] != null)) {
            id++;
        }
        int length = Math.max(cached.length, id + 1);
        CachedMethod[] c = Arrays.copyOf(cached, length);
        Invalidation[] i = Arrays.copyOf(invalidations, length);
        BatchMethod[] b = Arrays.copyOf(batches, length);
        c[id] = method;
        i[id] = invalidation;
        b[id] = batch;
        invalidations = i;
        batches = b;
        cached = c;
        return id;
    }

    CachedMethod cached(int id) {
        return cached[id];
    }

    BatchMethod batch(int id) {
        return batches[id];
    }

    Invalidation invalidation(int id) {
        return invalidations[id];
    }

    /**
     * Forgets the methods whose defining loader was collected (SPEC §10: nothing of an undeployed application is
     * kept); their ids are never called again, and are given to methods registered later.
     */
    public synchronized void forgetCollected() {
        CachedMethod[] c = cached.clone();
        Invalidation[] i = invalidations.clone();
        BatchMethod[] b = batches.clone();
        for (int id = 0; id < c.length; id++) {
            if (c[id] != null && c[id].declared().loaderCollected()) {
                c[id] = null;
                b[id] = null;
            }
            if (i[id] != null && i[id].declared().loaderCollected()) {
                i[id] = null;
            }
        }
        invalidations = i;
        batches = b;
        cached = c;
    }

    /** The {@code @CacheResult} methods registered so far (of loaders not collected). */
    List<CachedMethod> cachedMethods() {
        List<CachedMethod> all = new ArrayList<>();
        for (CachedMethod method : cached) {
            if (method != null) {
                all.add(method);
            }
        }
        return all;
    }

    /**
     * Whether every {@code @CacheResult} method of {@code method}'s cache is that method ({@code Class#method}, in any
     * class loader): then every key of the cache holds a value of its type.
     */
    synchronized boolean soleMethodOfItsCache(CachedMethod method) {
        for (CachedMethod other : cached) {
            if (other != null && other.cache() == method.cache()
                    && !other.declared().owner().equals(method.declared().owner())) {
                return false;
            }
        }
        return true;
    }

    /** {@code Class#method} of an id, for messages. */
    String describe(int id) {
        CachedMethod method = id < cached.length ? cached[id] : null;
        if (method != null) {
            return method.declared().owner();
        }
        Invalidation invalidation = id < invalidations.length ? invalidations[id] : null;
        return invalidation != null ? invalidation.declared().owner() : "method #" + id;
    }

    /** How many methods are woven (of loaders not collected). */
    public int size() {
        CachedMethod[] c = cached;
        Invalidation[] i = invalidations;
        int size = 0;
        for (int id = 0; id < c.length; id++) {
            if (c[id] != null || i[id] != null) {
                size++;
            }
        }
        return size;
    }
}
