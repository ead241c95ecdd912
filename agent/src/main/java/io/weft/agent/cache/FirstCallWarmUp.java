package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.keys.KeyWarmUp;
import io.weft.agent.keys.KeyScope;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs a miss, a store and a hit through the runtime's parts once, when the runtime is created (on the thread
 * that weaves the first class), so that the classes a first call needs are loaded and initialized before any
 * caller makes one. Otherwise the first callers load them, and the callers that wait for that class loading or
 * initialization are virtual threads pinned to their carriers (SPEC §10: waits never pin a carrier). It also makes the
 * JDK start, as Weft's own code (the runtime is built under {@code Background.asWeft}), the threads it starts lazily
 * for a first call (the scheduler of {@code CompletableFuture}'s timed waits): started by a web application's call,
 * such a thread would keep that application's loader as its context class loader for good (SPEC §10). So it runs on
 * every JVM, with or without virtual threads: skipped on Java 17, an undeployed application's loaders stayed
 * (TomcatTest). Its key lives in a scope of its own, which no caller's key can equal, and leaves nothing behind.
 */
final class FirstCallWarmUp {

    private static final KeyScope SCOPE = new KeyScope("Weft's warm-up");

    private FirstCallWarmUp() {
    }

    static void run(LocalCache l1, SingleFlight flights, Ticker ticker) {
        CacheStats stats = new CacheStats("weft:warm-up");
        KeyWarmUp.run(SCOPE);
        CacheKey key = CacheKey.of(SCOPE, "weft:warm-up");
        l1.get(key);
        stats.recordMiss();
        Load load = new Load(key, ticker.read(), null);
        flights.start(load);
        load.started(null, ticker.read());
        CacheEntry entry = l1.entry("warm-up", Long.MAX_VALUE, stats);
        l1.putUnless(key, entry, load);
        stats.recordLoad(load.elapsedNanos(ticker.read()));
        DeferredStores deferred = new DeferredStores();
        deferred.add(null, load, entry.value());
        deferred.markIf(new Predicate<Load>() {
            @Override
            public boolean test(Load marked) {
                return marked == load;
            }
        });
        deferred.done(deferred.pending());
        if (SharedLevel.Found.NOTHING.hit) {
            throw new IllegalStateException("nothing found must not be a hit");
        }
        flights.complete(load, entry);
        load.valueFuture();
        try {
            load.await(load.waitLeftNanos(ticker, 1));
        } catch (TimeoutException e) {
            throw new IllegalStateException("a completed load did not answer", e);
        }
        awaitNothing();
        timeOutNothing();
        CacheEntry hit = l1.get(key);
        if (hit != null) {
            hit.countHit();
        }
        stats.recordL1Hit();
        ThreadLocalRandom.current().nextInt();
        l1.remove(key, InvalidationOrigin.SENT);
        initialize(CONTENDED_COUNTER_CELL);
    }

    /**
     * The class of the cells a {@code LongAdder} (the statistics' counters) adds when callers contend: created by the
     * first contended count, which is made by many callers at once on a cold key.
     */
    static final String CONTENDED_COUNTER_CELL = "java.util.concurrent.atomic.Striped64$Cell";

    private static void initialize(String className) {
        try {
            Class.forName(className, true, null);
        } catch (ClassNotFoundException e) {
            // another JDK's counters: they are loaded, if ever, by their first contended count
        }
    }

    /**
     * Bounds a future's wait and completes it first, as every Redis command's reply is ({@code orTimeout}): the classes
     * of that bound ({@code CompletableFuture}'s {@code Timeout} and {@code Canceller}, the delay scheduler's) are
     * loaded here, not by the first store of a load made on a virtual thread, which would pin it
     * ({@code VirtualThreadsTest} saw it when no command had been bounded before the first load).
     */
    private static void timeOutNothing() {
        CompletableFuture<Object> bounded = new CompletableFuture<>();
        bounded.orTimeout(1, TimeUnit.DAYS);
        bounded.complete(null);
    }

    /**
     * Waits a nanosecond for a future that never completes: the classes of the timed wait of a caller that joins
     * another's load ({@code CompletableFuture}'s {@code Signaller}) are initialized here, not by the first of many
     * virtual threads arriving on a cold key while the others wait for that initialization, pinned.
     */
    private static void awaitNothing() {
        try {
            new CompletableFuture<>().get(1, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException expected) {
            // the wait ended as it must
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
