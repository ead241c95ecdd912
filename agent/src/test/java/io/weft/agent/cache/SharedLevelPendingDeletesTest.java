package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.events.PendingDeletes;
import io.weft.agent.store.SharedStore;
import io.weft.agent.store.ValueCodecs;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A retry of a pending delete forgets it only if no delete of the same key failed while the retry was under way:
 * that newer invalidation's delete is not covered by it (its event would go out, and a load that read the database
 * before its write could store the old value under a lease nobody deleted).
 */
class SharedLevelPendingDeletesTest {

    private static final long WAIT_SECONDS = 10;

    /** A store whose {@code deleteWithLeases(keys)} answers with {@code delete} (its other methods are not called). */
    private static SharedStore deleting(Function<List<String>, Boolean> delete) {
        return (SharedStore) Proxy.newProxyInstance(SharedLevelPendingDeletesTest.class.getClassLoader(),
                new Class<?>[] {SharedStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("deleteWithLeases") || args.length != 1) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    List<String> keys = (List<String>) args[0];
                    return delete.apply(keys);
                });
    }

    /**
     * A shared level whose store refuses the deletes sent on the calling thread (it is down as the test invalidates)
     * and answers those of other threads (retries) with {@code retry}.
     */
    private static SharedLevel downForThisThread(Function<List<String>, Boolean> retry) {
        Thread invalidating = Thread.currentThread();
        return new SharedLevel(deleting(keys -> Thread.currentThread() != invalidating && retry.apply(keys)),
                new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
    }

    @Test
    void aDeleteThatFailsDuringARetryOfTheSameKeyStaysPending() throws Exception {
        CountDownLatch retrySent = new CountDownLatch(1);
        CountDownLatch retryAnswered = new CountDownLatch(1);
        // the first invalidation's delete fails, then Y's (say the breaker admits X's probe only)
        SharedLevel shared = downForThisThread(keys -> {
            assertEquals(List.of("ns:K"), keys);
            retrySent.countDown();
            await(retryAnswered);
            return true;
        });
        PendingDeletes pending = shared.pendingDeletes();
        shared.evict(List.of("K"), List.of(), List.of());
        assertTrue(pending.any(), "the first delete failed: K is pending");

        CompletableFuture<Boolean> x = CompletableFuture.supplyAsync(pending::retry);
        await(retrySent);
        shared.evict(List.of("K"), List.of(), List.of()); // thread Y: K invalidated again, its delete fails
        retryAnswered.countDown();

        assertFalse(x.get(WAIT_SECONDS, TimeUnit.SECONDS), "X's retry went through but does not cover Y's delete");
        assertTrue(pending.any(), "K is still pending: Y's delete was never sent");
        assertTrue(CompletableFuture.supplyAsync(pending::retry).get(WAIT_SECONDS, TimeUnit.SECONDS),
                "a retry sent after Y's failure covers it");
    }

    @Test
    void keptKeysAreDeletedManyPerCommand() {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        SharedLevel shared = downForThisThread(keys -> sent.add(keys.size()));
        int kept = 2 * KeptDeletes.KEYS_PER_DELETE + 1;
        for (int i = 0; i < kept; i++) {
            shared.evict(List.of("K" + i), List.of(), List.of()); // each delete fails: the store is down
        }

        assertTrue(retryElsewhere(shared), "the store is back: every kept delete goes through");

        assertEquals(List.of(KeptDeletes.KEYS_PER_DELETE, KeptDeletes.KEYS_PER_DELETE, 1), sent,
                "three round trips, not one per key");
    }

    @Test
    void whileOneThreadRetriesTheKeptDeletesTheOthersSkipRedisAtOnce() throws Exception {
        CountDownLatch retrySent = new CountDownLatch(1);
        CountDownLatch retryAnswered = new CountDownLatch(1);
        AtomicInteger retries = new AtomicInteger();
        SharedLevel shared = downForThisThread(keys -> {
            retries.incrementAndGet();
            retrySent.countDown();
            await(retryAnswered);
            return true;
        });
        PendingDeletes pending = shared.pendingDeletes();
        shared.evict(List.of("K"), List.of(), List.of());
        ExecutorService threads = Executors.newFixedThreadPool(2);

        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(pending::retry, threads);
        await(retrySent);
        assertFalse(CompletableFuture.supplyAsync(pending::retry, threads).get(WAIT_SECONDS, TimeUnit.SECONDS),
                "another caller does not wait for the retry under way, nor send the deletes again: it skips Redis");
        retryAnswered.countDown();

        assertTrue(first.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, retries.get());
        threads.shutdown();
    }

    /** Retries the kept deletes on a thread of its own (the store fails the invalidating thread's deletes). */
    private static boolean retryElsewhere(SharedLevel shared) {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return CompletableFuture.supplyAsync(shared.pendingDeletes()::retry, thread).get(WAIT_SECONDS,
                    TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            thread.shutdown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
