package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.RemovalListener;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.WeftCacheClasses;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyScope;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import io.weft.agent.store.Background;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The L1: one size-bounded Caffeine cache for all caches of the JVM. Caffeine expires every entry
 * {@code weft.l1.ttl} after it was written (fixed expiry: a read costs one reading of a cheap clock and no
 * timer-wheel work); an entry that must die sooner carries its own deadline, checked when it is read. Keys are
 * {@link CacheKey}s, so that a hit can be found without building the key's text; a key belongs to the scope
 * of the class loader whose method made it, and a removal by text removes it from every scope. With a
 * bound of {@code 0} ({@code weft.l1.maxSize=0}) it keeps nothing: every call goes to L2. Expired entries are
 * removed on time by the JDK's delay scheduler, so the values of an undeployed application go with them. Both
 * expiries read the time from one {@link Ticker} (a {@link CoarseTicker} in production: a hit reads it).
 */
final class LocalCache {

    private final Cache<CacheKey, CacheEntry> cache;
    private final long maxTtlNanos;
    private final LoaderScopes scopes;
    private final boolean keepsEntries;
    private final Ticker ticker;
    private final TagIndex tags = new TagIndex();
    /** Held (shared) by every put from its mark check to its end; see {@link #awaitPutsInProgress}. */
    private final StampedLock putting = new StampedLock();

    LocalCache(long maxSize, long maxTtlNanos, LoaderScopes scopes, Ticker ticker) {
        this.maxTtlNanos = maxTtlNanos;
        this.ticker = ticker;
        this.keepsEntries = maxSize > 0;
        this.scopes = scopes;
        WeftCacheClasses.register();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfterWrite(maxTtlNanos, TimeUnit.NANOSECONDS)
                .ticker(ticker)
                // expired entries are removed when they expire, not at the next write: an undeployed application's
                // values (objects of its classes, holding its loader) are let go within weft.l1.ttl (SPEC §10)
                .scheduler(Scheduler.systemScheduler())
                .evictionListener(new Evictions(tags))
                .build();
        if (keepsEntries) {
            IdleCleanUp.every(cache, Math.max(TimeUnit.SECONDS.toNanos(1), Math.min(maxTtlNanos, TimeUnit.SECONDS.toNanos(5))));
        }
    }

    /**
     * Counts what Caffeine evicts and drops it from the tag index. This class and the others of the L1 are classes, not
     * lambdas: they are made on the way to the first woven call, where each lambda costs a class spun at run time.
     */
    private static final class Evictions implements RemovalListener<CacheKey, CacheEntry> {

        private final TagIndex tags;

        Evictions(TagIndex tags) {
            this.tags = tags;
        }

        @Override
        public void onRemoval(CacheKey key, CacheEntry entry, RemovalCause cause) {
            if (entry != null) {
                tags.forget(key, entry);
                if (cause == RemovalCause.EXPIRED) {
                    entry.stats().recordExpiration();
                } else {
                    entry.stats().recordSizeEviction();
                }
            }
        }
    }

    /**
     * Expires what the L1 holds past its TTL even when nothing reads or writes it. Caffeine's own scheduling (through
     * its pacer and the L1's coarse clock) left an expired entry in an idle L1 in about one run of four of TomcatTest,
     * and with it an undeployed web application's loader (SPEC §10: its values go within weft.l1.ttl). One daemon
     * thread serves every L1 of the JVM, and lets go of one that is no longer reachable.
     */
    private static final class IdleCleanUp {
        private static final ScheduledExecutorService TIMER =
                Executors.newSingleThreadScheduledExecutor(Background.threads("weft-l1-cleanup"));

        static void every(Cache<?, ?> cache, long periodNanos) {
            CleanUp cleanUp = new CleanUp(cache);
            cleanUp.task.set(TIMER.scheduleWithFixedDelay(cleanUp, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
        }

        /** Cleans one L1 up while it is reachable, then cancels its own task. */
        private static final class CleanUp implements Runnable {

            private final WeakReference<Cache<?, ?>> held;
            private final AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();

            CleanUp(Cache<?, ?> cache) {
                this.held = new WeakReference<>(cache);
            }

            @Override
            public void run() {
                Cache<?, ?> live = held.get();
                if (live != null) {
                    live.cleanUp();
                } else if (task.get() != null) {
                    task.get().cancel(false);
                }
            }
        }
    }

    /** An entry that lives {@code ttlNanos}, or {@code weft.l1.ttl} if that is shorter. */
    CacheEntry entry(Object value, long ttlNanos, CacheStats stats) {
        return CacheEntry.of(value, stats, ttlNanos < maxTtlNanos ? ticker.read() + ttlNanos : CacheEntry.NO_DEADLINE);
    }

    /**
     * An entry of a sliding TTL ({@code @CacheResult(sliding = true)}): it always carries a deadline, {@code ttlNanos}
     * from now, which hits move on ({@link CacheEntry#renew}); Caffeine still ends it {@code weft.l1.ttl} after it
     * was written.
     */
    CacheEntry slidingEntry(Object value, long ttlNanos, CacheStats stats) {
        return CacheEntry.of(value, stats, ticker.read() + ttlNanos);
    }

    /**
     * An entry of a method with {@code staleIfError}: fresh for {@code freshNanos}, then kept {@code staleNanos}
     * more to stand in for a failing load (within {@code weft.l1.ttl} of its write, like every entry).
     */
    CacheEntry staleableEntry(Object value, long freshNanos, long staleNanos, CacheStats stats) {
        long now = ticker.read();
        long life = freshNanos + staleNanos;
        return CacheEntry.staleable(value, stats, life < maxTtlNanos ? now + life : CacheEntry.NO_DEADLINE, now + freshNanos);
    }

    /** The L1's time: what entries' deadlines, renewals and refresh times are read against. */
    long now() {
        return ticker.read();
    }

    /** Whether {@code entry} is fresh now, not only standing in for failures. */
    boolean fresh(CacheEntry entry) {
        return entry.freshAt(ticker.read());
    }

    /** The live entry of {@code key}, or {@code null}; an entry past its own deadline is removed. */
    CacheEntry get(CacheKey key) {
        CacheEntry entry = cache.getIfPresent(key);
        return entry != null && entry.hasDeadline() ? unlessExpired(key, entry, ticker.read()) : entry;
    }

    /** As {@link #get(CacheKey)}, for a caller that read the ticker already ({@code nowNanos}): one reading is enough. */
    CacheEntry get(CacheKey key, long nowNanos) {
        CacheEntry entry = cache.getIfPresent(key);
        return entry != null && entry.hasDeadline() ? unlessExpired(key, entry, nowNanos) : entry;
    }

    /** {@code entry}, or {@code null} when it is past its deadline at {@code nowNanos} (then it is removed). */
    private CacheEntry unlessExpired(CacheKey key, CacheEntry entry, long nowNanos) {
        if (!entry.expiredAt(nowNanos)) {
            return entry;
        }
        if (cache.asMap().remove(key, entry)) {
            tags.forget(key, entry);
            entry.stats().recordExpiration();
        }
        return null;
    }

    /**
     * Puts {@code entry} unless {@code stale} says it must not be kept, deciding under the key's lock,
     * so that a removal of the key that follows the mark cannot be overtaken by the put. A tagged entry is
     * indexed before the mark is read ({@link TagIndex}: so a tag eviction after the mark finds it). Without an L1
     * (a bound of 0) nothing is put, and the answer is only whether the entry is stale. An entry that replaces
     * the key's entry takes over its hits ({@link CacheEntry#inheritHits}).
     *
     * @return whether the entry was kept: put, or (without an L1) not stale
     */
    boolean putUnless(CacheKey key, CacheEntry entry, BooleanSupplier stale) {
        if (!keepsEntries) {
            return !stale.getAsBoolean();
        }
        Put put = new Put(entry, stale, tags);
        long stamp = putting.readLock();
        try {
            cache.asMap().compute(key, put);
        } finally {
            putting.unlockRead(stamp);
        }
        return put.put;
    }

    /** {@link #putUnless}'s computation of a key's new entry, which records whether it was put. */
    private static final class Put implements BiFunction<CacheKey, CacheEntry, CacheEntry> {

        private final CacheEntry entry;
        private final BooleanSupplier stale;
        private final TagIndex tags;
        boolean put;

        Put(CacheEntry entry, BooleanSupplier stale, TagIndex tags) {
            this.entry = entry;
            this.stale = stale;
            this.tags = tags;
        }

        @Override
        public CacheEntry apply(CacheKey k, CacheEntry current) {
            tags.add(k, entry);
            put = !stale.getAsBoolean();
            if (!put) {
                // the entry's mappings displaced the current entry's: they are the current entry's again
                tags.forget(k, entry);
                if (current != null) {
                    tags.add(k, current);
                }
                return current;
            }
            if (current != null) {
                tags.forget(k, current);
                entry.inheritHits(current);
            }
            return entry;
        }
    }

    /** Removes the entries of {@code key} in every scope, counted as invalidated by {@code origin}. */
    void remove(String key, InvalidationOrigin origin) {
        for (KeyScope scope : scopes.live()) {
            remove(CacheKey.of(scope, key), origin);
        }
    }

    /** Removes the entry of {@code key}, in its scope only, counted as invalidated by {@code origin}. */
    void remove(CacheKey key, InvalidationOrigin origin) {
        CacheEntry removed = cache.asMap().remove(key);
        if (removed != null) {
            afterRemoval(key, removed, origin);
        }
    }

    /** Removes the entries of a scope whose loader was collected (values of JDK types do not hold their loader). */
    void removeScope(KeyScope scope) {
        removeIf(entry -> entry.getKey().scope() == scope, null);
    }

    /**
     * Removes every entry whose key starts with {@code prefix}, counted as invalidated by {@code origin}: a scan of the
     * whole L1, after the puts in progress.
     */
    void removePrefix(String prefix, InvalidationOrigin origin) {
        awaitPutsInProgress();
        removeIf(entry -> entry.getKey().text().startsWith(prefix), origin);
    }

    /**
     * Waits until every put in progress has ended. A scan that follows a mark must: a put that read no mark (it
     * read before the mark was written) may still be writing its key, which the map's iterators pass by while the
     * put holds it (a new key is not there yet, a replaced value is the old one), so the scan would miss the entry
     * of a load the mark was meant to stop. Puts that begin after the wait read the mark.
     */
    private void awaitPutsInProgress() {
        putting.unlockWrite(putting.writeLock());
    }

    /**
     * Removes the entries that carry {@code tag}, counted as invalidated by {@code origin}, found through the
     * {@link TagIndex}: no scan of the L1.
     */
    void removeTag(String tag, InvalidationOrigin origin) {
        // by key, whichever entry it holds now (the index may name an entry that a put refused, for an instant), and
        // under the key's lock (compute, not computeIfPresent: a put inserting the key holds it, and must be waited for)
        tags.take(tag, (key, indexed) -> cache.asMap().compute(key, (k, current) -> {
            if (current == null || current.tags() == null || !current.tags().contains(tag)) {
                return current;
            }
            afterRemoval(k, current, origin);
            return null;
        }));
    }

    /** Empties the L1 (after the puts in progress, as {@link #removePrefix}). */
    void clear() {
        awaitPutsInProgress();
        removeIf(entry -> true, null);
    }

    /** Removes the entries of one cache (those counting toward {@code stats}); returns how many. */
    long clear(CacheStats stats) {
        return removeIf(entry -> entry.getValue().stats() == stats, null);
    }

    /**
     * Removes the entries that match ({@linkplain #afterRemoval withdrawn}), counted as invalidated by
     * {@code invalidation} (null: not an invalidation); returns how many.
     */
    private long removeIf(Predicate<Map.Entry<CacheKey, CacheEntry>> matches, InvalidationOrigin invalidation) {
        long[] removed = {0};
        cache.asMap().entrySet().removeIf(entry -> {
            if (!matches.test(entry)) {
                return false;
            }
            afterRemoval(entry.getKey(), entry.getValue(), invalidation);
            removed[0]++;
            return true;
        });
        return removed[0];
    }

    /**
     * Follows the removal of {@code entry} by an invalidation or a clear: its tags are forgotten, it stands in for no
     * failure any more ({@link CacheEntry#withdraw}), and it is counted as invalidated by {@code invalidation} (null:
     * a clear).
     */
    private void afterRemoval(CacheKey key, CacheEntry entry, InvalidationOrigin invalidation) {
        tags.forget(key, entry);
        entry.withdraw();
        if (invalidation != null) {
            entry.stats().recordInvalidation(invalidation);
        }
    }

    /** The tag index's mappings: an entry once per tag it carries ({@code weft_l1_tag_index_entries}). */
    long tagIndexMappings() {
        return tags.mappings();
    }

    /**
     * Up to {@code limit} keys of one cache's entries (those counting toward {@code stats}) with the most hits,
     * most first, by the hits each entry counted ({@link CacheEntry#countHit}); a key in several loaders'
     * scopes adds up. Walks the L1: for operators, not for any caller's path.
     */
    List<String> hottest(CacheStats stats, int limit) {
        Map<String, Long> hits = new HashMap<>();
        cache.asMap().forEach((key, entry) -> {
            long entryHits = entry.hits();
            if (entry.stats() == stats && entryHits > 0) {
                hits.merge(key.text(), entryHits, Long::sum);
            }
        });
        return new ArrayList<>(mostHit(hits, limit).keySet());
    }

    /**
     * For each cache (by name), up to {@code limit} keys of its entries with the hits of each ({@link
     * CacheEntry#hits}), the most hit kept (keys without hits too, when fewer have some): what a warm start records.
     * Walks the L1.
     */
    Map<String, Map<String, Long>> mostHitByCache(int limit) {
        Map<String, Map<String, Long>> byCache = new HashMap<>();
        cache.asMap().forEach((key, entry) -> byCache.computeIfAbsent(entry.stats().cacheName(), name -> new HashMap<>())
                .merge(key.text(), entry.hits(), Long::sum));
        byCache.replaceAll((name, hits) -> mostHit(hits, limit));
        return byCache;
    }

    /** The {@code limit} keys with the most hits, most first (ties by key), with their hits. */
    private static Map<String, Long> mostHit(Map<String, Long> hits, int limit) {
        return hits.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** Entries by cache name, counted in one pass over the L1 (for metrics; not on any caller's path). */
    Map<String, Long> sizesByCache() {
        Map<String, Long> sizes = new HashMap<>();
        for (CacheEntry entry : cache.asMap().values()) {
            sizes.merge(entry.stats().cacheName(), 1L, Long::sum);
        }
        return sizes;
    }

    long size() {
        return cache.estimatedSize();
    }
}
