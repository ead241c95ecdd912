package io.weft.agent.cache;

import io.weft.agent.keys.CacheKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A miss being loaded: the one caller that runs the method owns it, concurrent callers for the same
 * key wait for it (single flight), and an invalidation of the key while it runs marks it so that its
 * result is not left in the cache (the stale-set race, SPEC §5).
 */
final class Load {

    private final CacheKey key;
    private final List<String> tags;
    private volatile Thread owner = Thread.currentThread();
    private volatile CompletableFuture<?> bodyFuture;
    private final CompletableFuture<CacheEntry> outcome = new CompletableFuture<>();
    private volatile boolean invalidated;
    private String lease;
    private boolean storeOnceConnected;
    private long startNanos;

    /** @param tags the rendered tags of the entry it loads, or {@code null} for none */
    Load(CacheKey key, List<String> tags) {
        this.key = key;
        this.tags = tags;
    }

    /** The key's text. */
    String key() {
        return key.text();
    }

    /** The rendered tags of the entry it loads, or {@code null} for none. */
    List<String> tags() {
        return tags;
    }

    /** Whether the entry it loads carries {@code tag}. */
    boolean hasTag(String tag) {
        return tags != null && tags.contains(tag);
    }

    /** The key as the L1 holds it. */
    CacheKey cacheKey() {
        return key;
    }

    /** Records that the method body starts now, holding {@code lease} to store in Redis (or {@code null}). */
    void started(String lease) {
        this.lease = lease;
        this.startNanos = System.nanoTime();
    }

    String lease() {
        return lease;
    }

    /** Records that Redis was being connected when this load missed: its value is stored once connected. */
    void storeOnceConnected() {
        this.storeOnceConnected = true;
    }

    /** Whether Redis was being connected when this load missed (it holds no lease: none could be taken). */
    boolean storesOnceConnected() {
        return storeOnceConnected;
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Whether the current thread is running the method body of this load (a re-entrant call of the same key). */
    boolean ownedByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /**
     * The method body returned (its future may still be running): a later call of the key on the owner's thread
     * is not re-entrant any more and may join this load.
     */
    void bodyReturned() {
        owner = null;
    }

    void invalidate() {
        invalidated = true;
    }

    boolean invalidated() {
        return invalidated;
    }

    void complete(CacheEntry entry) {
        outcome.complete(entry);
    }

    void fail(Throwable cause) {
        outcome.completeExceptionally(cause);
    }

    /**
     * Waits at most {@code maxWaitNanos} for the owner's result (parking, so a virtual thread's carrier is
     * not pinned).
     *
     * @return the entry; {@code null} when the load failed or the wait was interrupted
     * @throws TimeoutException when the owner took longer
     */
    CacheEntry await(long maxWaitNanos) throws TimeoutException {
        try {
            return outcome.get(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Records the future the method body returned, whose value this load stores once it completes. */
    void bodyReturned(CompletableFuture<?> future) {
        bodyFuture = future;
    }

    /**
     * The owner's result as a future, for methods that return futures: waiting must not block a thread. When
     * the body's own future has already succeeded (its value is being stored), a future completed with it.
     */
    CompletableFuture<Object> valueFuture() {
        CompletableFuture<?> body = bodyFuture;
        if (body != null && body.isDone() && !body.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(body.join());
        }
        return outcome.thenApply(CacheEntry::value);
    }
}
