package io.weft.agent.cache;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Values loaded while Redis was still being connected, waiting to be stored there (SPEC §5: a miss is
 * stored in L2). Bounded; invalidations mark them as they mark loads in flight ({@link SingleFlight}), so
 * one made after such a load started keeps its value out of Redis. {@link SharedLevelConnection} sends them
 * once connected, each under a lease taken then.
 */
final class DeferredStores {

    static final int MAX = 10_000;

    /** A loaded value to store: the load carries the key and the invalidation mark. */
    static final class Pending {
        final CachedMethod method;
        final Load load;
        final Object value;
        /** When it was kept ({@link System#nanoTime}): its TTL in Redis counts from then, as it does in L1. */
        final long keptNanos;

        Pending(CachedMethod method, Load load, Object value, long keptNanos) {
            this.method = method;
            this.load = load;
            this.value = value;
            this.keptNanos = keptNanos;
        }

        /** What is left of its TTL in Redis at {@code nowNanos}, in milliseconds (0 or less: expired). */
        long ttlLeftMillis(long nowNanos) {
            return method.redisTtlMillis() - TimeUnit.NANOSECONDS.toMillis(nowNanos - keptNanos);
        }
    }

    private final List<Pending> pending = new ArrayList<>();
    private volatile boolean empty = true;

    /** Keeps a value to store; false when {@link #MAX} are kept already. */
    synchronized boolean add(CachedMethod method, Load load, Object value) {
        if (pending.size() >= MAX) {
            return false;
        }
        pending.add(new Pending(method, load, value, System.nanoTime()));
        empty = false;
        return true;
    }

    /** The values kept so far; they stay kept (and are marked) until {@link #done}. */
    synchronized List<Pending> pending() {
        return new ArrayList<>(pending);
    }

    /** Forgets values that were stored or dropped. */
    synchronized void done(List<Pending> handled) {
        pending.removeAll(new HashSet<>(handled));
        empty = pending.isEmpty();
    }

    /** Forgets every value kept (Redis was given up). */
    synchronized void clear() {
        pending.clear();
        empty = true;
    }

    /** Marks the values whose loads match (by key, prefix, tag, or all). */
    void markIf(Predicate<Load> matches) {
        if (!empty) {
            mark(matches);
        }
    }

    private synchronized void mark(Predicate<Load> matches) {
        for (Pending store : pending) {
            if (matches.test(store.load)) {
                store.load.invalidate();
            }
        }
    }
}
