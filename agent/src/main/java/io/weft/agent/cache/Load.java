package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.CacheKey;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A miss being loaded: the one caller that runs the method owns it, concurrent callers for the same
 * key wait for it (single flight), and an invalidation of the key while it runs marks it so that its
 * result is not left in the cache (the stale-set race, SPEC §5). Times are readings of the runtime's
 * {@link Ticker}. As a {@link BooleanSupplier} it answers whether it was invalidated: the staleness check of
 * {@link LocalCache#putUnless}, passed without a lambda (none to link or allocate on a caller's thread).
 */
final class Load extends Token implements BooleanSupplier {

    /** What the waiters of a load given up past its deadline ({@link SingleFlight#giveUp}) are released with. */
    static final CancellationException GIVEN_UP =
            new CancellationException("the load's future did not complete in time: it was given up");

    static {
        GIVEN_UP.setStackTrace(new StackTraceElement[0]);
    }

    /** An entry's value (a class, not a lambda: a first call's future value is made with it). */
    private static final Function<CacheEntry, Object> ENTRY_VALUE = new Function<>() {
        @Override
        public Object apply(CacheEntry entry) {
            return entry.value();
        }
    };

    private final CacheKey key;
    private final long registeredNanos;
    private final List<String> tags;
    private volatile CacheEntry standIn;
    private volatile Thread owner = Thread.currentThread();
    private volatile CompletableFuture<?> bodyFuture;
    /** The body returned a future, which this load waits for (read before the lease: it was written after it). */
    private volatile boolean awaitsFuture;
    private volatile boolean givenUp;
    private final CompletableFuture<CacheEntry> outcome = new CompletableFuture<>();
    private volatile boolean invalidated;
    private String lease;
    private boolean storeOnceConnected;
    private long startNanos;

    /**
     * @param registeredNanos when the load was registered: callers that join it wait until {@code weft.load.maxWait} after
     * @param tags the rendered tags of the entry it loads, or {@code null} for none
     */
    Load(CacheKey key, long registeredNanos, List<String> tags) {
        this.key = key;
        this.registeredNanos = registeredNanos;
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

    /** Records that the method body starts at {@code nowNanos}, holding {@code lease} to store in Redis (or {@code null}). */
    void started(String lease, long nowNanos) {
        this.lease = lease;
        this.startNanos = nowNanos;
    }

    String lease() {
        return lease;
    }

    /** Keeps an entry past its TTL to return if this load fails ({@code staleIfError}). */
    void standIn(CacheEntry stale) {
        this.standIn = stale;
    }

    /**
     * The entry past its TTL to return if this load fails, or {@code null}: none was kept, or an invalidation of the
     * key came after it was read (an invalidated value is gone, SPEC §5). An invalidation marks the load if it is in
     * flight and withdraws the L1 entry it removes, so one that came between the entry's read and the load's
     * registration counts too.
     */
    CacheEntry standIn() {
        CacheEntry stale = standIn;
        return stale == null || invalidated || stale.withdrawn() ? null : stale;
    }

    /** Records that Redis was being connected when this load missed: its value is stored once connected. */
    void storeOnceConnected() {
        this.storeOnceConnected = true;
    }

    /** Whether Redis was being connected when this load missed (it holds no lease: none could be taken). */
    boolean storesOnceConnected() {
        return storeOnceConnected;
    }

    long elapsedNanos(long nowNanos) {
        return nowNanos - startNanos;
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

    /** {@link #invalidated()}. */
    @Override
    public boolean getAsBoolean() {
        return invalidated;
    }

    void complete(CacheEntry entry) {
        outcome.complete(entry);
    }

    void fail(Throwable cause) {
        outcome.completeExceptionally(cause);
    }

    /**
     * How much longer a caller joining now may wait, as {@code ticker} tells: until {@code maxWaitNanos} after the
     * load was registered (a caller never waits longer than that, and one that comes later, to a load stuck
     * longer, does not wait at all); zero or less when that time is past.
     */
    long waitLeftNanos(Ticker ticker, long maxWaitNanos) {
        return registeredNanos + maxWaitNanos - ticker.read();
    }

    /**
     * Waits for the owner's result at most {@code waitNanos} ({@link #waitLeftNanos}), parking, so that a virtual
     * thread's carrier is not pinned.
     *
     * @return the entry; {@code null} when the load failed or the wait was interrupted
     * @throws TimeoutException when the owner took longer
     */
    CacheEntry await(long waitNanos) throws TimeoutException {
        if (waitNanos <= 0 && !outcome.isDone()) {
            throw new TimeoutException();
        }
        try {
            return outcome.get(Math.max(waitNanos, 0), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Records the future the method body returned, whose value this load stores once it completes. */
    void bodyReturned(CompletionStage<?> future) {
        if (future instanceof CompletableFuture) {
            bodyFuture = (CompletableFuture<?>) future;
        }
        awaitsFuture = true;
    }

    /**
     * Whether the future the body returned has failed: the load ends without a value, though its end (the lease given
     * back, the load gone from {@link SingleFlight}) may still be under way, on the thread that failed the future.
     */
    boolean bodyFailed() {
        CompletableFuture<?> body = bodyFuture;
        return body != null && body.isCompletedExceptionally();
    }

    /**
     * Whether, at {@code nowNanos}, this load has waited for its body's future for {@code deadlineNanos} or more since
     * it was registered: it is to be given up ({@link SingleFlight#giveUp}). A body still running is never overdue
     * (it holds its thread; its joiners' waits are bounded on their own).
     */
    boolean overdue(long nowNanos, long deadlineNanos) {
        return awaitsFuture && nowNanos - registeredNanos >= deadlineNanos;
    }

    /**
     * Gives this load up (its future is past its deadline): it keeps no stand-in, and whatever its future brings
     * later is not stored (marked as an invalidation marks it, so that a store already under way discards its put).
     */
    void giveUp() {
        givenUp = true;
        invalidated = true;
        standIn = null;
    }

    /** Whether this load was given up: its future's value or failure, if it ever comes, concerns nobody. */
    boolean givenUp() {
        return givenUp;
    }

    /**
     * The owner's result as a future of the caller's own, for methods that return futures: waiting must not block a
     * thread. It fails with the same exception object as the owner's future ({@link CallersFuture#following}). When
     * the body's own future has already succeeded (its value is being stored), a future completed with it.
     */
    CompletableFuture<Object> valueFuture() {
        CompletableFuture<Object> ended = valueIfEnded();
        return ended != null ? ended : value();
    }

    /**
     * As {@link #valueFuture}, but only when the load has ended (its result is there): otherwise {@code null}, and
     * nothing is attached to the load, so that a caller that may not wait leaves nothing behind.
     */
    CompletableFuture<Object> valueIfEnded() {
        CompletableFuture<?> body = bodyFuture;
        if (body != null && body.isDone() && !body.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(body.join());
        }
        return outcome.isDone() ? value() : null;
    }

    private CompletableFuture<Object> value() {
        return CallersFuture.following(outcome, new CompletableFuture<>(), ENTRY_VALUE);
    }

    /** Callbacks waiting for this load's result (tests: a caller that does not wait must not add one). */
    int waiting() {
        return outcome.getNumberOfDependents();
    }
}
