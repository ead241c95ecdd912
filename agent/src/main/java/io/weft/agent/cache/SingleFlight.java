package io.weft.agent.cache;

import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyScope;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The loads in flight, one per key (single flight, SPEC §5), and the marks that invalidations leave on
 * them so that a load overlapping an invalidation does not keep its result (the stale-set race). A load
 * always leaves this table: when its owner stores, fails or is itself invalidated, or, for a future that does not
 * complete, when a later miss of its key finds it past its deadline ({@link #giveUp}).
 */
final class SingleFlight {

    private final ConcurrentHashMap<CacheKey, Load> loads = new ConcurrentHashMap<>();
    private final DeferredStores deferred = new DeferredStores();
    private final LoaderScopes scopes;

    SingleFlight(LoaderScopes scopes) {
        this.scopes = scopes;
    }

    /** Loads done whose Redis store waits for the connection: marked like loads in flight. */
    DeferredStores deferred() {
        return deferred;
    }

    /** Registers {@code mine} unless a load of its key is in flight; returns that other load, or {@code null}. */
    Load start(Load mine) {
        return loads.putIfAbsent(mine.cacheKey(), mine);
    }

    /** The load of {@code key} in flight, or {@code null}. */
    Load inFlight(CacheKey key) {
        return loads.get(key);
    }

    /** Completes a load with its entry and removes it. */
    void complete(Load load, CacheEntry entry) {
        load.complete(entry);
        loads.remove(load.cacheKey(), load);
    }

    /** Fails a load (its waiters run the method themselves) and removes it. */
    void abandon(Load load, Throwable cause) {
        load.fail(cause);
        loads.remove(load.cacheKey(), load);
    }

    /**
     * Gives up a load whose future is past its deadline, if it is still the one in flight for its key: it leaves the
     * table, stores nothing if its future completes later, and its waiters are released ({@link Load#GIVEN_UP}).
     *
     * @return whether it was given up now (not already gone: stored, failed, invalidated or given up by another call)
     */
    boolean giveUp(Load load) {
        if (!loads.remove(load.cacheKey(), load)) {
            return false;
        }
        load.giveUp();
        load.fail(Load.GIVEN_UP);
        return true;
    }

    /** Marks the loads of {@code key} in every scope, so that their results are not kept, and removes them. */
    void markKey(String key) {
        for (KeyScope scope : scopes.live()) {
            Load load = loads.remove(CacheKey.of(scope, key));
            if (load != null) {
                load.invalidate();
            }
        }
        deferred.markIf(load -> load.key().equals(key));
    }

    /** Marks and removes the loads of every key that starts with {@code prefix}. */
    void markPrefix(String prefix) {
        markIf(load -> load.key().startsWith(prefix));
        deferred.markIf(load -> load.key().startsWith(prefix));
    }

    /** Marks and removes the loads whose entries carry {@code tag}. */
    void markTag(String tag) {
        markIf(load -> load.hasTag(tag));
        deferred.markIf(load -> load.hasTag(tag));
    }

    /** Marks and removes every load in flight. */
    void markAll() {
        markIf(load -> true);
        deferred.markIf(load -> true);
    }

    private void markIf(Predicate<Load> matches) {
        loads.forEach((key, load) -> {
            if (matches.test(load) && loads.remove(key, load)) {
                load.invalidate();
            }
        });
    }

    /** Loads in flight (for tests and metrics). */
    int size() {
        return loads.size();
    }
}
