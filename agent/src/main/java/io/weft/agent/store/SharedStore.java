package io.weft.agent.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The shared level (L2) as the runtime needs it, whatever holds it (Redis, or a database table): values by
 * key with a TTL, stored only under the lease that the lookup which missed took, so that a load that
 * overlapped an invalidation never stores (docs/design.md, "Leases"). Every method returns within the
 * store's timeout and never throws for a failure of the store: it counts it and answers as if the store
 * had nothing. Keys are complete (namespace included).
 */
public interface SharedStore extends AutoCloseable {

    /** A stale window no value is in ({@code staleMillis} of a lookup without {@code staleIfError}): a remaining life is never below -1. */
    long NEVER_STALE = -2;

    /**
     * Reads {@code key}; when it is missing (or has at most {@code staleMillis} left), tries to take its lease
     * with {@code token} for {@code leaseMillis}. A key with {@code tagKeys} joins their member sets for
     * {@code tagTtlMillis} before this returns, so that a tag invalidation that follows deletes its lease.
     *
     * @return the value with its remaining life, or a miss saying whether the lease was taken; null when the
     *     store failed, timed out or is skipped
     */
    StoredValue lookup(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis,
            long staleMillis);

    /**
     * Deletes {@code key}'s value, which could not be read back (SPEC §7), and takes its lease with {@code token} for
     * {@code leaseMillis} to store the value loaded instead, as {@link #lookup} does on a miss (tags included): the
     * delete and the lease together, so that an invalidation after them deletes the lease. A lease that already holds
     * {@code token} (the lookup took it, for a stale value) is kept.
     *
     * @return a miss saying whether the lease is held with {@code token}; null when the store failed, timed out or is
     *     skipped
     */
    StoredValue dropUnreadable(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis);

    /**
     * Stores {@code value} for {@code ttlMillis} if {@code key}'s lease still holds {@code lease}, and releases
     * the lease. Does not wait: the future completes within the timeout, never exceptionally.
     *
     * @param lease the token of the lookup that took the lease; null stores nothing
     * @return whether the value was stored
     */
    CompletableFuture<Boolean> storeIfLeased(String key, byte[] value, long ttlMillis, String lease);

    /**
     * Looks up each of {@code keys} as {@link #lookup} does without tags or a stale window, each miss taking its key's
     * lease with {@code token}; for a batch method's elements (SPEC §13).
     *
     * @return one answer per key, in order; null when the store failed (no lease is then left taken)
     */
    List<StoredValue> lookupAll(List<String> keys, String token, long leaseMillis);

    /**
     * Whether {@link #deleteWithLeases(List, FollowUp)} sends its follow-up on the connection of the delete (a single
     * Redis server); otherwise it never sends it.
     */
    default boolean sendsFollowUps() {
        return false;
    }

    /**
     * As {@link #deleteWithLeases(List)}, with {@code then} sent right behind the delete on the same connection when
     * {@link #sendsFollowUps} (and the delete is sent); the caller calls {@link FollowUp#notSent} once this returns.
     */
    default boolean deleteWithLeases(List<String> keys, FollowUp then) {
        return deleteWithLeases(keys);
    }

    /**
     * Stores each non-null value of {@code values} under its key's lease {@code token} for {@code ttlMillis}, and
     * releases the leases of the null ones; does not wait.
     *
     * @return a future of how many were stored, completing within the timeout, never exceptionally
     */
    CompletableFuture<Long> settleAll(List<String> keys, String token, long ttlMillis, List<byte[]> values);

    /**
     * Takes {@code key}'s lease with {@code token} whether or not the key has a value (a background reload,
     * {@code refreshAfter}: one instance of the fleet reloads a key); waits at most the timeout. A key with
     * {@code tagKeys} joins their member sets for {@code tagTtlMillis} before this returns, as at a lookup: the value
     * stored under the lease lives a new TTL, and a tag invalidation must still find it.
     *
     * @return whether it was taken (false: another instance holds it, or the store failed; then no lease is kept)
     */
    boolean takeLease(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis);

    /**
     * Records a cache's most-hit keys for warm starts ({@code weft.warm}) in {@code setKey}, keeping the {@code keep}
     * with the most hits; a store that keeps no such record (the database) returns false.
     */
    default boolean recordHot(String setKey, Map<String, Long> hits, int keep, long ttlMillis) {
        return false;
    }

    /** Up to {@code limit} keys recorded in {@code setKey}, most hits first; empty without such a record. */
    default List<String> hotKeys(String setKey, int limit) {
        return List.of();
    }

    /** The values of those of {@code keys} that have one, with their remaining lives, by key; no leases are taken. */
    default Map<String, StoredValue> values(List<String> keys) {
        return Map.of();
    }

    /** Releases {@code key}'s lease if it still holds {@code lease} (the value will not be stored); does not wait. */
    void releaseLease(String key, String lease);

    /**
     * Sets {@code key}'s remaining life to {@code ttlMillis} if it exists, and keeps it in the member sets
     * {@code tagKeys} for {@code tagTtlMillis} (a sliding TTL: the value outlives the membership its lookup gave it);
     * does not wait.
     */
    void expire(String key, long ttlMillis, List<String> tagKeys, long tagTtlMillis);

    /** Deletes {@code keys} with their leases (loads in flight cannot store them); false when that failed. */
    boolean deleteWithLeases(List<String> keys);

    /**
     * Deletes every key that starts with {@code prefix}, except the shared level's own structures among them.
     *
     * @param ownStructures whether a key is one of the shared level's own structures (event streams, tag and warm
     *     sets), never deleted; a store that keeps those apart from its keys (the database's own tables) has none
     *     among them and need not ask
     * @return how many were deleted, or -1 when the store failed (some may have been)
     * @throws IllegalArgumentException when {@code prefix} is empty
     */
    long deleteByPrefix(String prefix, Predicate<String> ownStructures);

    /** Deletes every key in the member set {@code tagKey}, with its lease; false when that failed. */
    boolean deleteTagged(String tagKey);

    /** Waits up to {@code bound} until the store can be reached; for background threads only. */
    boolean awaitOpen(Duration bound) throws InterruptedException;

    /** The breaker's state, for metrics and health. */
    CircuitBreaker.State state();

    /** Calls that failed: timed out, lost their connection, or got an error. */
    long failures();

    /** Calls refused without touching the store because the breaker was open. */
    long rejections();

    /** Closes this store's connections. */
    @Override
    void close();
}
