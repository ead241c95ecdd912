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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Test
    void aDeleteThatFailsDuringARetryOfTheSameKeyStaysPending() throws Exception {
        CountDownLatch retrySent = new CountDownLatch(1);
        CountDownLatch retryAnswered = new CountDownLatch(1);
        Thread invalidating = Thread.currentThread();
        SharedLevel shared = new SharedLevel(deleting(keys -> {
            assertEquals(List.of("ns:K"), keys);
            if (Thread.currentThread() == invalidating) {
                return false; // the first invalidation's delete, then Y's (say the breaker admits X's probe only)
            }
            retrySent.countDown();
            await(retryAnswered);
            return true;
        }), new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
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

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
