package io.weft.agent.cache;

import io.weft.agent.events.PendingDeletes;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.store.FollowUp;
import io.weft.agent.store.SharedStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.store.UnreadableValueException;
import io.weft.agent.store.UnstorableValueException;
import io.weft.agent.store.ValueCodec;
import io.weft.agent.store.ValueCodecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The L2 as the runtime uses it, over a {@link SharedStore} (Redis, or a PostgreSQL table): keys are
 * {@code weft.namespace} + the rendered key, values are JSON of the method's declared value type, and a
 * store is allowed only under a lease taken by the lookup that missed, so a load that overlapped an
 * invalidation cannot leave its value in the store (see docs/design.md). Deletes that fail while the store
 * is unreachable are kept ({@link KeptDeletes}: beyond 10,000, widened to prefixes that cover them) and retried
 * before the next read, and a key with a pending delete is never read from the store. A rendered key that is one of
 * Weft's own names there ({@link ReservedNames}: an event stream, a tag or warm set, a lease) never reaches the store:
 * it is cached in L1 only, and a prefix delete spares those structures.
 */
final class SharedLevel {

    /** How long a lease lets its holder store: loads slower than this are not stored in Redis. */
    static final long LEASE_MILLIS = 30_000;
    /** How many failed deletes are kept before they are widened to prefixes ({@link KeptDeletes}). */
    static final int MAX_PENDING = 10_000;
    /** What the member set of a tag is named after {@code weft.namespace}: {@code <ns>weft-tag:<tag>}. */
    static final String TAG_SET = "weft-tag:";
    /** What the record of a cache's most-hit keys is named after {@code weft.namespace}: {@code <ns>weft-warm:<cache>}. */
    static final String WARM_SET = "weft-warm:";
    /** How long a record of most-hit keys outlives its last update: a fleet restarted within this warms up. */
    static final long WARM_SET_TTL_MILLIS = TimeUnit.HOURS.toMillis(1);

    /** The first pause between two looks at a key that another instance is loading; it doubles up to the last. */
    private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long LAST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SharedStore store;
    private final ValueCodecs codecs;
    private final String namespace;
    private final long leaseWaitNanos;
    /** The deletes that failed, kept to be retried. */
    /** Held by the one thread retrying the kept deletes ({@link #flushPending}). */
    private final ReentrantLock flushing = new ReentrantLock();
    private final KeptDeletes pending = new KeptDeletes(MAX_PENDING, "l2.pending", "more than " + MAX_PENDING
            + " deletes wait for the shared level (Redis or the database)");
    private final Set<String> unserializable = ConcurrentHashMap.newKeySet();
    private final Predicate<String> ownStructures;

    /** @param leaseWait the longest a miss waits for another instance's load of its key ({@code weft.lease.wait}) */
    SharedLevel(SharedStore store, ValueCodecs codecs, String namespace, Duration leaseWait) {
        this.store = store;
        this.codecs = codecs;
        this.namespace = namespace;
        this.leaseWaitNanos = leaseWait.toNanos();
        this.ownStructures = ReservedNames.ownStructures(namespace);
    }

    SharedStore store() {
        return store;
    }

    /** How long a miss waits for another instance that holds its key's lease ({@code weft.lease.wait}). */
    long leaseWaitNanos() {
        return leaseWaitNanos;
    }

    /**
     * A lookup's outcome: a value with its remaining life, or a miss holding a lease (or not); a miss may carry a
     * stale value ({@code staleIfError}: past its TTL, to stand in if the load fails).
     */
    static final class Found {
        /** No answer from Redis, or nothing to read there. */
        static final Found NOTHING = new Found(false, null, 0, null);
        /** A miss whose lease another instance holds: it is loading the key. */
        static final Found LEASED_ELSEWHERE = new Found(false, null, 0, null);

        final boolean hit;
        final Object value;
        final long remainingMillis;
        final String lease;
        final boolean stale;

        Found(boolean hit, Object value, long remainingMillis, String lease) {
            this(hit, value, remainingMillis, lease, false);
        }

        private Found(boolean hit, Object value, long remainingMillis, String lease, boolean stale) {
            this.hit = hit;
            this.value = value;
            this.remainingMillis = remainingMillis;
            this.lease = lease;
            this.stale = stale;
        }

        /** A value past its TTL: a miss (holding the lease or not) that may fall back on it. */
        static Found stale(Object value, long remainingMillis, String lease) {
            return new Found(false, value, remainingMillis, lease, true);
        }
    }

    /**
     * Reads {@code key}; on a miss, tries to take the lease to store it. When another instance holds the lease
     * (it is loading the key), waits up to {@code weft.lease.wait} for its value (SPEC §12, fleet-wide single
     * flight), looking again after 2 ms, then after pauses doubling up to 50 ms; the lease is taken over when
     * that instance gives it up. Methods returning futures do not wait here: they must not block the caller
     * ({@link #lookupLater}).
     *
     * @param tags the entry's rendered tags, or {@code null}: the key joins their member sets before this returns
     */
    Found lookup(CachedMethod method, String key, List<String> tags) {
        Found found = lookOnce(method, key, tags);
        if (found != Found.LEASED_ELSEWHERE || method.shape() == ResultShape.FUTURE) {
            return found;
        }
        Backoff backoff = new Backoff(leaseWaitNanos);
        while (found == Found.LEASED_ELSEWHERE && backoff.pause()) {
            found = lookOnce(method, key, tags);
        }
        method.cache().stats().recordLeaseWait(found != Found.LEASED_ELSEWHERE);
        return found;
    }

    /**
     * {@link #lookup}'s wait, for methods returning futures, which must not hold the caller's thread: looks at
     * {@code key} again on {@code timer} after the same pauses; the future completes there with the first answer
     * that is not {@link Found#LEASED_ELSEWHERE}, or with that once {@code weft.lease.wait} has passed (never
     * exceptionally: a look that fails answers {@link Found#NOTHING}).
     */
    CompletableFuture<Found> lookupLater(CachedMethod method, String key, List<String> tags,
            ScheduledExecutorService timer) {
        CompletableFuture<Found> answer = new CompletableFuture<>();
        lookLater(method, key, tags, timer, answer, System.nanoTime() + leaseWaitNanos, FIRST_POLL_NANOS);
        return answer;
    }

    private void lookLater(CachedMethod method, String key, List<String> tags, ScheduledExecutorService timer,
            CompletableFuture<Found> answer, long deadline, long pause) {
        timer.schedule(() -> {
            Found found;
            try {
                found = lookOnce(method, key, tags);
            } catch (Throwable t) {
                found = Found.NOTHING;
            }
            if (found == Found.LEASED_ELSEWHERE && deadline - System.nanoTime() > 0) {
                lookLater(method, key, tags, timer, answer, deadline, Math.min(pause * 2, LAST_POLL_NANOS));
                return;
            }
            method.cache().stats().recordLeaseWait(found != Found.LEASED_ELSEWHERE);
            answer.complete(found);
        }, Math.max(0, Math.min(pause, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
    }

    /** The pauses between looks at keys another instance is loading: 2 ms, doubling up to 50 ms, until a deadline. */
    private static final class Backoff {
        private final long deadline;
        private long pause = FIRST_POLL_NANOS;

        Backoff(long waitNanos) {
            this.deadline = System.nanoTime() + waitNanos;
        }

        /** Sleeps the next pause; false (without sleeping) once the deadline has passed or when interrupted. */
        boolean pause() {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(pause * 2, LAST_POLL_NANOS);
            return true;
        }
    }

    /**
     * Reads {@code key}; on a miss, tries to take the lease to store it; never waits for another instance. A key
     * with {@code tags} is added to their member sets, for as long as its value may live (its TTL after a store
     * made under the lease), before this returns; when that fails, no lease is kept. A key that is one of Weft's own
     * names ({@link ReservedNames}) is not read: {@link Found#NOTHING}, no lease, no tag membership.
     */
    Found lookOnce(CachedMethod method, String key, List<String> tags) {
        if (l1Only(method, key) || !flushPending() || isPending(key)) {
            return Found.NOTHING;
        }
        String redisKey = namespace + key;
        String token = UUID.randomUUID().toString();
        StoredValue stored = store.lookup(redisKey, token, LEASE_MILLIS, tagKeys(tags),
                method.redisTtlMillis() + LEASE_MILLIS,
                method.staleIfErrorMillis() > 0 ? method.staleIfErrorMillis() : SharedStore.NEVER_STALE);
        if (stored == null || stored.value() == null) {
            return miss(stored, token);
        }
        try {
            Object value = decode(method, stored.value());
            if (stored.stale()) {
                return Found.stale(value, stored.remainingMillis(), stored.leased() ? token : null);
            }
            return new Found(true, value, stored.remainingMillis(), null);
        } catch (UnreadableValueException | ReflectiveOperationException e) {
            return unreadable(method, redisKey, token, tags, e);
        }
    }

    /**
     * A miss as the store answered it: holding the lease taken with {@code token}, or {@link Found#LEASED_ELSEWHERE};
     * {@link Found#NOTHING} when the store did not answer (a lease its script may still take after a timeout is given
     * back by the store).
     */
    private static Found miss(StoredValue stored, String token) {
        if (stored == null) {
            return Found.NOTHING;
        }
        return stored.leased() ? new Found(false, null, 0, token) : Found.LEASED_ELSEWHERE;
    }

    /** Records the most-hit keys of {@code cache} ({@code weft.warm}), keeping the {@code keep} with the most hits. */
    boolean recordHot(String cache, Map<String, Long> hits, int keep) {
        return store.recordHot(namespace + WARM_SET + cache, hits, keep, WARM_SET_TTL_MILLIS);
    }

    /** Up to {@code limit} keys recorded as most hit in {@code cache}, most first. */
    List<String> hotKeys(String cache, int limit) {
        return store.hotKeys(namespace + WARM_SET + cache, limit);
    }

    /**
     * The values of {@code method} that Redis holds for {@code keys}, decoded, with their remaining TTLs, by key;
     * no leases are taken. A value that cannot be read is left out (and counted); so is a key with a pending delete,
     * and every key while a tag delete is pending (as at a lookup: Redis may still hold what was invalidated).
     */
    Map<String, Found> values(CachedMethod method, List<String> keys) {
        Map<String, Found> found = new HashMap<>();
        if (!flushPending()) {
            return found;
        }
        List<String> readable = new ArrayList<>(keys.size());
        for (String key : keys) {
            if (!isPending(key) && !l1Only(method, key)) {
                readable.add(key);
            }
        }
        for (Map.Entry<String, StoredValue> stored : store.values(namespaced(readable)).entrySet()) {
            try {
                found.put(stored.getKey().substring(namespace.length()), new Found(true,
                        decode(method, stored.getValue().value()), stored.getValue().remainingMillis(), null));
            } catch (UnreadableValueException | ReflectiveOperationException e) {
                method.cache().stats().recordL2Unreadable();
            }
        }
        return found;
    }

    /**
     * {@link #lookup} of many keys of a batch method at once, every lease taken with one token: one script call
     * (one per hash slot on a cluster). The keys that another instance is loading
     * are looked at again, together, as {@link #lookup} does, until their values are there or their leases are free
     * (taken then), for at most {@code weft.lease.wait}; those still {@link Found#LEASED_ELSEWHERE} after it are
     * loaded by the caller without a lease.
     *
     * @return one {@link Found} per key, in order
     */
    List<Found> lookupAll(CachedMethod method, List<String> keys) {
        String token = UUID.randomUUID().toString();
        List<Found> found = lookAllOnce(method, keys, token);
        List<Integer> waiting = leasedElsewhere(found, null);
        Backoff backoff = new Backoff(leaseWaitNanos);
        List<Integer> still = waiting;
        while (!still.isEmpty() && backoff.pause()) {
            List<String> again = new ArrayList<>(still.size());
            still.forEach(i -> again.add(keys.get(i)));
            List<Found> next = lookAllOnce(method, again, token);
            for (int i = 0; i < still.size(); i++) {
                found.set(still.get(i), next.get(i));
            }
            still = leasedElsewhere(found, still);
        }
        for (int i : waiting) {
            method.cache().stats().recordLeaseWait(found.get(i) != Found.LEASED_ELSEWHERE);
        }
        return found;
    }

    /** The indexes (among {@code among}, or all when null) whose keys another instance is loading. */
    private static List<Integer> leasedElsewhere(List<Found> found, List<Integer> among) {
        List<Integer> waiting = new ArrayList<>();
        for (int i = 0; i < (among == null ? found.size() : among.size()); i++) {
            int index = among == null ? i : among.get(i);
            if (found.get(index) == Found.LEASED_ELSEWHERE) {
                waiting.add(index);
            }
        }
        return waiting;
    }

    /**
     * One look at every key, leases taken with {@code token}; a key with a pending delete, or one of Weft's own names,
     * is not read (NOTHING).
     */
    private List<Found> lookAllOnce(CachedMethod method, List<String> keys, String token) {
        List<Found> found = new ArrayList<>(Collections.nCopies(keys.size(), Found.NOTHING));
        if (!flushPending()) {
            return found;
        }
        List<Integer> asked = new ArrayList<>(keys.size());
        List<String> redisKeys = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (!isPending(keys.get(i)) && !l1Only(method, keys.get(i))) {
                asked.add(i);
                redisKeys.add(namespace + keys.get(i));
            }
        }
        List<StoredValue> stored = redisKeys.isEmpty() ? List.of() : store.lookupAll(redisKeys, token, LEASE_MILLIS);
        for (int i = 0; stored != null && i < stored.size(); i++) {
            StoredValue one = stored.get(i);
            found.set(asked.get(i),
                    one.value() == null ? miss(one, token) : decoded(method, redisKeys.get(i), token, one));
        }
        return found;
    }

    private Found decoded(CachedMethod method, String redisKey, String token, StoredValue stored) {
        try {
            return new Found(true, decode(method, stored.value()), stored.remainingMillis(), null);
        } catch (UnreadableValueException | ReflectiveOperationException e) {
            return unreadable(method, redisKey, token, null, e);
        }
    }

    /** A stored value read as the method's value type. */
    private Object decode(CachedMethod method, byte[] stored) throws ReflectiveOperationException {
        ValueCodec codec = codecs.of(method.declared().declaringClass());
        return codec.decode(stored, method.declared().valueType(method.shape()));
    }

    /**
     * A value that cannot be read back as the method's type: counted, logged, and deleted together with taking the
     * lease (with {@code token}, the key joining its {@code tags} as at a lookup), so that the value loaded instead is
     * stored (SPEC §5, §7); a miss as {@link #miss} reads the store's answer.
     */
    private Found unreadable(CachedMethod method, String redisKey, String token, List<String> tags, Exception e) {
        method.cache().stats().recordL2Unreadable();
        WeftLog.warnRateLimited("l2.unreadable:" + method.declared().owner(), "a value of "
                + method.declared().owner() + " in the shared level cannot be read back (" + e.getMessage()
                + "); it is deleted and loaded again");
        return miss(store.dropUnreadable(redisKey, token, LEASE_MILLIS, tagKeys(tags),
                method.redisTtlMillis() + LEASE_MILLIS), token);
    }

    /**
     * Writes a loaded value under the lease its lookup took ({@code SET … PX ttl}), without waiting; a value
     * that cannot be written releases the lease.
     */
    void store(CachedMethod method, String key, Object value, String lease) {
        store(method, key, value, lease, method.redisTtlMillis());
    }

    /** As {@link #store(CachedMethod, String, Object, String)}, for {@code ttlMillis} (what is left of an older value's). */
    void store(CachedMethod method, String key, Object value, String lease, long ttlMillis) {
        if (l1Only(method, key)) {
            return; // its lookup took no lease
        }
        byte[] json = encode(method, value);
        if (json == null) {
            release(key, lease);
            return;
        }
        String redisKey = namespace + key;
        store.storeIfLeased(redisKey, json, ttlMillis, lease);
    }

    /**
     * {@link #store} and {@link #release} of many keys of one batch call, whose lookup took their leases with
     * {@code lease}, without waiting: one script call (one per hash slot on a cluster).
     *
     * @param stored the values to store by key (a value may be null: {@code cacheNull})
     * @param released the keys whose leases are given up
     */
    void storeAll(CachedMethod method, Map<String, Object> stored, List<String> released, String lease) {
        List<String> redisKeys = new ArrayList<>(stored.size() + released.size());
        List<byte[]> values = new ArrayList<>(stored.size() + released.size());
        stored.forEach((key, value) -> {
            if (!l1Only(method, key)) {
                redisKeys.add(namespace + key);
                values.add(encode(method, value));
            }
        });
        for (String key : released) {
            if (!l1Only(method, key)) {
                redisKeys.add(namespace + key);
                values.add(null);
            }
        }
        if (!redisKeys.isEmpty()) {
            store.settleAll(redisKeys, lease, method.redisTtlMillis(), values);
        }
    }

    /** The value as stored in Redis, or null (counted, and warned once per method) when it cannot be stored. */
    private byte[] encode(CachedMethod method, Object value) {
        try {
            byte[] stored = codecs.of(method.declared().declaringClass()).encode(value);
            long saved = ValueCodec.bytesSaved(stored);
            if (saved != 0) {
                method.cache().stats().recordCompressed(saved);
            }
            return stored;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        } catch (UnstorableValueException e) {
            method.cache().stats().recordL2NotStored();
            if (e.reason() != UnstorableValueException.Reason.TOO_LARGE
                    && unserializable.add(method.declared().owner())) {
                WeftLog.warn("values of " + method.declared().owner() + " cannot be written as JSON ("
                        + e.getMessage() + "); they are cached in L1 only");
            }
            return null;
        }
    }

    /**
     * Renews a sliding entry's TTL in Redis ({@code PEXPIRE}), and its membership of its {@code tags} (or
     * {@code null}) for as long, without waiting.
     */
    void renew(CachedMethod method, String key, List<String> tags) {
        if (l1Only(method, key)) {
            return;
        }
        store.expire(namespace + key, method.redisTtlMillis(), tagKeys(tags), method.redisTtlMillis() + LEASE_MILLIS);
    }

    /**
     * Takes {@code key}'s lease for a background reload ({@code refreshAfter}), waiting at most the timeout; the key
     * joins the member sets of its {@code tags} (or {@code null}) for the new value's life first.
     *
     * @return the lease's token, or {@code null} when another instance holds it (it is loading or reloading the
     *     key), Redis did not answer, or the key is one of Weft's own names (no reload: the entry lives out its TTL)
     */
    String takeLease(CachedMethod method, String key, List<String> tags) {
        if (l1Only(method, key)) {
            return null;
        }
        String token = UUID.randomUUID().toString();
        boolean taken = store.takeLease(namespace + key, token, LEASE_MILLIS, tagKeys(tags),
                method.redisTtlMillis() + LEASE_MILLIS);
        return taken ? token : null;
    }

    /** The member sets of {@code tags} (or {@code null}: none). */
    private List<String> tagKeys(List<String> tags) {
        return tags == null ? List.of() : tagSets(tags);
    }

    /**
     * Runs a miss through the store and the codec once, on the connecting thread before callers use this level: a
     * lookup that takes a lease, the value written and read back, and its store under the lease. So the classes of
     * that path (the Redis client's script commands and replies, the codec's) are loaded here and not by the first
     * caller, where a virtual thread loading a class is pinned to its carrier (SPEC §10). The key is one of Weft's own
     * names, unique to {@code instanceId}, and its value lives a millisecond.
     */
    void warmUp(String instanceId) {
        String redisKey = namespace + WARM_SET + "weft:warm-up:" + instanceId;
        String token = UUID.randomUUID().toString();
        StoredValue stored = store.lookup(redisKey, token, LEASE_MILLIS, List.of(), 0, SharedStore.NEVER_STALE);
        ValueCodec codec = codecs.of(SharedLevel.class);
        byte[] json = codec.encode(List.of(instanceId));
        codec.decode(json, List.class);
        if (stored != null && stored.leased()) {
            store.storeIfLeased(redisKey, json, 1, token);
        }
    }

    /**
     * Gives up the lease of a load whose value will not be stored (it cannot be written, or is not to be
     * cached, or the load failed), without waiting: the key's next lookup takes a lease at once instead of
     * missing the shared level until this one expires.
     */
    void release(String key, String lease) {
        if (!ReservedNames.isReserved(key)) {
            store.releaseLease(namespace + key, lease);
        }
    }

    /**
     * Deletes keys (with their leases, so that loads in flight cannot store), every key under the prefixes, and
     * every key listed in the member sets of the tags (with their leases), waiting at most the timeout for each
     * command; what fails is kept and retried. Weft's own names are spared: keys that are one of them
     * ({@link #deletable}), and the streams, tag and warm sets under a prefix.
     */
    void evict(List<String> keys, List<String> prefixes, List<String> tags) {
        List<String> deleted = deletable(keys);
        if (!deleted.isEmpty() && !store.deleteWithLeases(namespaced(deleted))) {
            pending.keep(deleted, List.of(), List.of());
        }
        for (String prefix : prefixes) {
            if (store.deleteByPrefix(namespace + prefix, ownStructures) < 0) {
                pending.keep(List.of(), List.of(prefix), List.of());
            }
        }
        for (String tag : tags) {
            if (!store.deleteTagged(namespace + TAG_SET + tag)) {
                pending.keep(List.of(), List.of(), List.of(tag));
            }
        }
    }

    /**
     * As {@link #evict} for keys only, {@code then} sent right behind their delete on the same connection (the
     * store says whether it can: {@link SharedStore#sendsFollowUps}).
     */
    void evictKeys(List<String> keys, FollowUp then) {
        List<String> deleted = deletable(keys);
        if (!deleted.isEmpty() && !store.deleteWithLeases(namespaced(deleted), then)) {
            pending.keep(deleted, List.of(), List.of());
        }
        then.notSent(); // after the keys are kept: an event queued now waits for their delete
    }

    /**
     * Whether {@code key} of {@code method} stays out of the shared level: the method's values cannot be read back
     * there ({@link CachedMethod#sharesValues}), or the key is one of Weft's own names there ({@link ReservedNames}),
     * which is warned about (rate-limited). Then it is cached in L1 only.
     */
    private static boolean l1Only(CachedMethod method, String key) {
        if (!method.sharesValues()) {
            return true;
        }
        if (!ReservedNames.isReserved(key)) {
            return false;
        }
        String owner = method.declared().owner();
        WeftLog.warnRateLimited("l2.reserved:" + owner, "key " + key + " of " + owner + " is one of Weft's own Redis"
                + " names (" + ReservedNames.LISTED + "); it is cached in L1 only");
        return true;
    }

    /**
     * {@code keys} without those that are one of Weft's own names, whose deletes would delete a stream, a tag or warm
     * set or a lease: they are evicted from L1 only (their event goes out as for any key), warned about (rate-limited).
     */
    private static List<String> deletable(List<String> keys) {
        for (String key : keys) {
            if (ReservedNames.isReserved(key)) {
                WeftLog.warnRateLimited("l2.reserved.delete", "key " + key + " of an invalidation is one of Weft's own"
                        + " Redis names (" + ReservedNames.LISTED + "); it is evicted from L1 only, not deleted there");
                return keys.stream().filter(k -> !ReservedNames.isReserved(k)).collect(Collectors.toList());
            }
        }
        return keys;
    }

    private List<String> namespaced(List<String> keys) {
        List<String> redisKeys = new ArrayList<>(keys.size());
        for (String key : keys) {
            redisKeys.add(namespace + key);
        }
        return redisKeys;
    }

    private List<String> tagSets(List<String> tags) {
        return namespaced(tags.stream().map(tag -> TAG_SET + tag).collect(Collectors.toList()));
    }

    private boolean isPending(String key) {
        return pending.covers(key);
    }

    /** The deletes kept while the store was unreachable, as the event publisher waits for them. */
    PendingDeletes pendingDeletes() {
        return new PendingDeletes() {
            @Override
            public boolean any() {
                return !pending.isEmpty();
            }

            @Override
            public boolean retry() {
                return flushPending();
            }
        };
    }

    /**
     * Retries the deletes kept while Redis was unreachable; false while some remain (a pending tag names no keys
     * here, so no key is read from Redis until every delete went through), and at once while another thread is
     * retrying them: the callers that miss meanwhile skip Redis instead of each sending every delete again.
     */
    private boolean flushPending() {
        if (pending.isEmpty()) {
            return true;
        }
        if (!flushing.tryLock()) {
            return false;
        }
        try {
            pending.retry(keys -> store.deleteWithLeases(namespaced(keys)),
                    prefix -> store.deleteByPrefix(namespace + prefix, ownStructures) >= 0,
                    tag -> store.deleteTagged(namespace + TAG_SET + tag));
        } finally {
            flushing.unlock();
        }
        return pending.isEmpty();
    }
}
