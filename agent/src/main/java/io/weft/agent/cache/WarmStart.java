package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.store.Background;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Warm starts ({@code weft.warm}, SPEC §13). Every interval, the most-hit keys of each cache in this JVM's L1
 * are recorded in Redis ({@code <ns>weft-warm:<cache>}, a sorted set by hits, bounded and expiring). Once Redis is
 * connected, for each method woven by then (and for a method woven later, at its first miss), a background thread
 * reads the recorded keys of its cache and
 * their values from Redis (pipelined, in batches, no leases) and puts them into the L1: no method call, no load
 * on the database. While a key is read it is a load like any other, so an invalidation that overlaps the read
 * marks it and its value is not kept, and callers of the key meanwhile wait for it instead of loading it.
 *
 * <p>Only entries that are a value and its TTL are filled: a method with tags, a sliding TTL or
 * {@code staleIfError} is not, and neither is a cache shared by several methods (its keys may hold values of
 * another type). An entry of a {@code refreshAfter} method is as old as it is in Redis: a hit reloads it once due.
 */
final class WarmStart implements AutoCloseable {

    /** Keys read from Redis per round trip. */
    private static final int BATCH = 200;
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** What callers that joined a key the warm start did not fill are told: they load it themselves. */
    private static final IllegalStateException NOT_FILLED =
            new IllegalStateException("the warm start did not fill this key");

    private final LocalCache l1;
    private final SharedEntries entries;
    private final SingleFlight flights;
    private final MethodTable methods;
    private final Ticker ticker;
    private final int maxKeys;
    private final SharedLevelConnection.EventsCaughtUp caughtUp;
    private final Set<CachedMethod> started = ConcurrentHashMap.newKeySet();
    private final Executor fills = Background.singleThread("weft-warm-fill");
    private final ScheduledThreadPoolExecutor recorder =
            new ScheduledThreadPoolExecutor(1, Background.threads("weft-warm-record"));

    /**
     * @param maxKeys the keys recorded, and filled, per cache ({@code weft.warm.keys})
     * @param caughtUp waits until the event reader has applied the events appended so far: a fill reads Redis only
     *     then, so that every invalidation after its read reaches it (docs/design.md, "Warm start")
     */
    WarmStart(LocalCache l1, SharedEntries entries, SingleFlight flights, MethodTable methods, Ticker ticker, int maxKeys,
            SharedLevelConnection.EventsCaughtUp caughtUp) {
        this.caughtUp = caughtUp;
        this.l1 = l1;
        this.entries = entries;
        this.flights = flights;
        this.methods = methods;
        this.ticker = ticker;
        this.maxKeys = maxKeys;
    }

    /** Records the most-hit keys every {@code interval} in the shared level, while it is connected. */
    void recordEvery(Duration interval, Supplier<SharedLevel> shared) {
        long millis = Math.max(MIN_INTERVAL.toMillis(), interval.toMillis());
        recorder.scheduleWithFixedDelay(() -> {
            SharedLevel level = shared.get();
            if (level != null) {
                record(level);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Records in Redis, for each cache, the keys of its L1 entries with the most hits. */
    void record(SharedLevel shared) {
        try {
            l1.mostHitByCache(maxKeys).forEach((cache, hits) -> shared.recordHot(cache, hits, maxKeys));
        } catch (RuntimeException e) {
            WeftLog.warnRateLimited("warm.record", "cannot record the most-hit keys for warm starts: " + e);
        }
    }

    /** Fills, in the background, the caches of the methods woven so far (Redis was just connected). */
    void fillWoven(SharedLevel shared) {
        methods.cachedMethods().forEach(method -> firstMiss(method, shared));
    }

    /**
     * A miss of {@code method} with Redis connected: the first one fills the L1 of its cache in the background, unless
     * that was done when Redis was connected ({@link #fillWoven}).
     */
    void firstMiss(CachedMethod method, SharedLevel shared) {
        if (method.warmable() && started.add(method)) {
            fills.execute(() -> fill(method, shared));
        }
    }

    /** Forgets the methods whose loader was collected (SPEC §10): their caches were filled, or are no longer. */
    void forgetCollected() {
        started.removeIf(method -> method.declared().loaderCollected());
    }

    private void fill(CachedMethod method, SharedLevel shared) {
        String cache = method.cache().name();
        try {
            if (!methods.soleMethodOfItsCache(method)) {
                WeftLog.info("warm start: cache " + cache + " is not filled: several methods use it");
                return;
            }
            long start = System.nanoTime();
            if (!caughtUp.await(SharedLevelConnection.CATCH_UP_WAIT)) {
                WeftLog.warn("warm start: cache " + cache + " is not filled: the event reader did not catch up within "
                        + SharedLevelConnection.CATCH_UP_WAIT.toSeconds() + " s");
                return;
            }
            List<String> keys = shared.hotKeys(cache, maxKeys);
            int filled = 0;
            for (int from = 0; from < keys.size(); from += BATCH) {
                filled += fill(method, shared, keys.subList(from, Math.min(keys.size(), from + BATCH)));
            }
            method.cache().stats().recordWarmed(filled);
            WeftLog.info("warm start: filled " + filled + " of the " + keys.size() + " most-hit keys of cache " + cache
                    + " from Redis in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            WeftLog.warn("warm start of cache " + cache + " failed: " + e);
        }
    }

    /** Fills the entries of {@code keys} that the L1 lacks and no call is loading; returns how many. */
    private int fill(CachedMethod method, SharedLevel shared, List<String> keys) {
        Map<String, Load> loads = new LinkedHashMap<>();
        try {
            for (String key : keys) {
                CacheKey cacheKey = CacheKey.of(method.scope(), key);
                if (l1.get(cacheKey) == null) {
                    Load load = new Load(cacheKey, ticker.read(), null);
                    if (flights.start(load) == null) {
                        loads.put(key, load);
                    }
                }
            }
            CacheStats stats = method.cache().stats();
            int filled = 0;
            for (Map.Entry<String, SharedLevel.Found> found : shared.values(method, new ArrayList<>(loads.keySet()))
                    .entrySet()) {
                Load load = loads.remove(found.getKey());
                CacheEntry entry = entries.entry(method, found.getValue().value, found.getValue().remainingMillis, null);
                if (l1.putUnless(load.cacheKey(), entry, load)) {
                    flights.complete(load, entry);
                    filled++;
                } else {
                    stats.recordStaleStoreDiscarded();
                    flights.abandon(load, NOT_FILLED);
                }
            }
            return filled;
        } finally {
            loads.values().forEach(load -> flights.abandon(load, NOT_FILLED));
        }
    }

    @Override
    public void close() {
        recorder.shutdownNow();
    }
}
