package io.weft.agent.cache;

import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.store.UnreadableValueException;
import io.weft.agent.store.UnstorableValueException;
import io.weft.agent.store.ValueCodec;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The L2 as the runtime uses it: Redis keys are {@code weft.namespace} + the rendered key, values are
 * JSON of the method's declared value type, and a store is allowed only under a lease taken by the
 * lookup that missed, so a load that overlapped an invalidation cannot leave its value in Redis
 * (see docs/design.md). Deletes that fail while Redis is unreachable are kept and retried before the
 * next read, and a key with a pending delete is never read from Redis.
 */
final class SharedLevel {

    /** How long a lease lets its holder store: loads slower than this are not stored in Redis. */
    static final long LEASE_MILLIS = 30_000;
    private static final int MAX_PENDING = 10_000;

    private final RedisStore store;
    private final ValueCodec codec;
    private final String namespace;
    private final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingPrefixes = ConcurrentHashMap.newKeySet();
    private final Set<String> unserializable = ConcurrentHashMap.newKeySet();

    SharedLevel(RedisStore store, ValueCodec codec, String namespace) {
        this.store = store;
        this.codec = codec;
        this.namespace = namespace;
    }

    RedisStore store() {
        return store;
    }

    /** A lookup's outcome: a value with its remaining life, or a miss holding a lease (or not). */
    static final class Found {
        static final Found NOTHING = new Found(false, null, 0, null);

        final boolean hit;
        final Object value;
        final long remainingMillis;
        final String lease;

        Found(boolean hit, Object value, long remainingMillis, String lease) {
            this.hit = hit;
            this.value = value;
            this.remainingMillis = remainingMillis;
            this.lease = lease;
        }
    }

    /** Reads {@code key}; on a miss, tries to take the lease to store it. */
    Found lookup(CachedMethod method, String key) {
        if (!flushPending() || isPending(key)) {
            return Found.NOTHING;
        }
        String redisKey = namespace + key;
        String token = UUID.randomUUID().toString();
        String leaseKey = store.leaseKey(redisKey);
        StoredValue stored = store.lookup(redisKey, leaseKey, token, LEASE_MILLIS);
        if (stored == null) {
            return Found.NOTHING; // a lease the script may still take after a timeout is given back by the store
        }
        if (stored.value() == null) {
            return new Found(false, null, 0, stored.leased() ? token : null);
        }
        try {
            Type type = method.declared().valueType(method.shape());
            return new Found(true, codec.decode(stored.value(), type), stored.remainingMillis(), null);
        } catch (UnreadableValueException | ReflectiveOperationException e) {
            method.cache().stats().recordL2Unreadable();
            WeftLog.warnRateLimited("l2.unreadable:" + method.declared().owner(), "a value of "
                    + method.declared().owner() + " in Redis cannot be read back (" + e.getMessage()
                    + "); it is deleted and loaded again");
            store.delete(redisKey);
            return Found.NOTHING;
        }
    }

    /**
     * Writes a loaded value under the lease its lookup took ({@code SET … PX ttl}), without waiting; a value
     * that cannot be written releases the lease.
     */
    void store(CachedMethod method, String key, Object value, String lease) {
        CacheStats stats = method.cache().stats();
        byte[] json;
        try {
            json = codec.encode(value);
        } catch (UnstorableValueException e) {
            stats.recordL2NotStored();
            if (e.reason() != UnstorableValueException.Reason.TOO_LARGE
                    && unserializable.add(method.declared().owner())) {
                WeftLog.warn("values of " + method.declared().owner() + " cannot be written as JSON ("
                        + e.getMessage() + "); they are cached in L1 only");
            }
            release(key, lease);
            return;
        }
        String redisKey = namespace + key;
        store.setIfLeased(redisKey, json, method.ttlMillis(), store.leaseKey(redisKey), lease);
    }

    /**
     * Gives up the lease of a load whose value will not be stored (it cannot be written, or is not to be
     * cached, or the load failed), without waiting: the key's next lookup takes a lease at once instead of
     * missing the shared level until this one expires.
     */
    void release(String key, String lease) {
        String redisKey = namespace + key;
        store.release(store.leaseKey(redisKey), lease);
    }

    /**
     * Deletes keys (with their leases, so that loads in flight cannot store) and every key under the
     * prefixes, waiting at most the timeout for each command; what fails is kept and retried.
     */
    void evict(List<String> keys, List<String> prefixes) {
        if (!keys.isEmpty()) {
            String[] redisKeys = new String[keys.size() * 2];
            for (int i = 0; i < keys.size(); i++) {
                redisKeys[2 * i] = namespace + keys.get(i);
                redisKeys[2 * i + 1] = store.leaseKey(namespace + keys.get(i));
            }
            if (!store.delete(redisKeys)) {
                remember(pendingKeys, keys);
            }
        }
        for (String prefix : prefixes) {
            if (store.deleteByPrefix(namespace + prefix) < 0) {
                remember(pendingPrefixes, List.of(prefix));
            }
        }
    }

    private void remember(Set<String> pending, List<String> items) {
        if (pendingKeys.size() + pendingPrefixes.size() + items.size() > MAX_PENDING) {
            WeftLog.warnRateLimited("l2.pending", "more than " + MAX_PENDING + " Redis deletes are waiting for Redis;"
                    + " further ones are dropped and their keys may be served from Redis until they expire");
            return;
        }
        pending.addAll(items);
    }

    private boolean isPending(String key) {
        if (pendingKeys.contains(key)) {
            return true;
        }
        for (String prefix : pendingPrefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Retries the deletes kept while Redis was unreachable; false while some remain. */
    private boolean flushPending() {
        if (pendingKeys.isEmpty() && pendingPrefixes.isEmpty()) {
            return true;
        }
        for (String key : pendingKeys) {
            if (store.delete(namespace + key, store.leaseKey(namespace + key))) {
                pendingKeys.remove(key);
            }
        }
        for (String prefix : pendingPrefixes) {
            if (store.deleteByPrefix(namespace + prefix) >= 0) {
                pendingPrefixes.remove(prefix);
            }
        }
        return pendingKeys.isEmpty() && pendingPrefixes.isEmpty();
    }
}
