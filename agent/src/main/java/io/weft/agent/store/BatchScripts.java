package io.weft.agent.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The lookup and the store of many keys at once, for batch methods (SPEC §13): the lease semantics of
 * {@link RedisStore#lookup} and {@link RedisStore#setIfLeased}, one script call for all the keys (one per hash
 * slot on a Redis Cluster, all sent at once), each key checked and written with its own lease.
 */
final class BatchScripts {

    /**
     * KEYS: key, lease key, key, lease key …; ARGV: token, lease ms. Two replies per key: the value and its
     * {@code PTTL} on a hit; {@code 0} and 1 or 0 (whether the lease was taken) on a miss.
     */
    private static final LuaScript LOOKUP_ALL = new LuaScript(
            "local r = {}\n"
            + "for i = 1, #KEYS, 2 do\n"
            + "  local v = redis.call('GET', KEYS[i])\n"
            + "  if v then\n"
            + "    r[#r + 1] = v\n"
            + "    r[#r + 1] = redis.call('PTTL', KEYS[i])\n"
            + "  else\n"
            + "    r[#r + 1] = 0\n"
            + "    r[#r + 1] = redis.call('SET', KEYS[i + 1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0\n"
            + "  end\n"
            + "end\n"
            + "return r\n");
    /**
     * KEYS: key, lease key …; ARGV: token, ttl ms, one value per key ({@code ""}: release only). For each key whose
     * lease still holds the token: {@code SET key value PX ttl} (unless the value is empty) and {@code DEL lease}.
     * Returns how many values were stored.
     */
    private static final LuaScript SETTLE_ALL = new LuaScript(
            "local n = 0\n"
            + "for i = 1, #KEYS, 2 do\n"
            + "  if redis.call('GET', KEYS[i + 1]) == ARGV[1] then\n"
            + "    local v = ARGV[2 + (i + 1) / 2]\n"
            + "    if v ~= '' then\n"
            + "      redis.call('SET', KEYS[i], v, 'PX', ARGV[2])\n"
            + "      n = n + 1\n"
            + "    end\n"
            + "    redis.call('DEL', KEYS[i + 1])\n"
            + "  end\n"
            + "end\n"
            + "return n\n");
    private static final byte[] RELEASE_ONLY = new byte[0];

    private BatchScripts() {
    }

    /** Looks every key up, taking its lease on a miss; one {@link StoredValue} per key, in order. */
    static CompletableFuture<List<StoredValue>> lookup(RedisClusterAsyncCommands<String, byte[]> redis,
            List<String> keys, List<String> leaseKeys, String token, long leaseMillis, boolean cluster) {
        StoredValue[] found = new StoredValue[keys.size()];
        List<CompletableFuture<?>> replies = new ArrayList<>();
        for (List<Integer> group : bySlot(keys, cluster)) {
            replies.add(LOOKUP_ALL.<List<Object>>run(redis, ScriptOutputType.MULTI, keysOf(group, keys, leaseKeys),
                    RedisStore.utf8(token), RedisStore.utf8(Long.toString(leaseMillis))).thenAccept(reply -> {
                        for (int i = 0; i < group.size(); i++) {
                            Object value = reply.get(2 * i);
                            long second = (Long) reply.get(2 * i + 1);
                            found[group.get(i)] = value instanceof byte[]
                                    ? new StoredValue((byte[]) value, second, false, false)
                                    : new StoredValue(null, 0, second == 1, false);
                        }
                    }));
        }
        return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(done -> List.of(found));
    }

    /**
     * Stores each value under its key's lease (a null value releases the lease only); completes with how many
     * were stored.
     */
    static CompletableFuture<Long> settle(RedisClusterAsyncCommands<String, byte[]> redis, List<String> keys,
            List<String> leaseKeys, String token, long ttlMillis, List<byte[]> values, boolean cluster) {
        return settle(redis, keys, leaseKeys, token, ttlMillis, values, cluster, false);
    }

    /**
     * Releases the lease of each key that still holds {@code token}: {@link #settle} with no values, the script sent in
     * full ({@link LuaScript#runInFull}), as every lease release is.
     */
    static CompletableFuture<Long> release(RedisClusterAsyncCommands<String, byte[]> redis, List<String> keys,
            List<String> leaseKeys, String token, boolean cluster) {
        return settle(redis, keys, leaseKeys, token, 1, Collections.nCopies(keys.size(), null), cluster, true);
    }

    private static CompletableFuture<Long> settle(RedisClusterAsyncCommands<String, byte[]> redis, List<String> keys,
            List<String> leaseKeys, String token, long ttlMillis, List<byte[]> values, boolean cluster, boolean inFull) {
        List<CompletableFuture<Long>> replies = new ArrayList<>();
        for (List<Integer> group : bySlot(keys, cluster)) {
            byte[][] args = new byte[group.size() + 2][];
            args[0] = RedisStore.utf8(token);
            args[1] = RedisStore.utf8(Long.toString(ttlMillis));
            for (int i = 0; i < group.size(); i++) {
                byte[] value = values.get(group.get(i));
                args[i + 2] = value == null ? RELEASE_ONLY : value;
            }
            String[] scriptKeys = keysOf(group, keys, leaseKeys);
            replies.add(inFull ? SETTLE_ALL.<Long>runInFull(redis, ScriptOutputType.INTEGER, scriptKeys, args)
                    : SETTLE_ALL.<Long>run(redis, ScriptOutputType.INTEGER, scriptKeys, args));
        }
        CompletableFuture<Long> stored = CompletableFuture.completedFuture(0L);
        for (CompletableFuture<Long> reply : replies) {
            stored = stored.thenCombine(reply, Long::sum);
        }
        return stored;
    }

    /** The indexes of {@code keys} by hash slot on a cluster (a script's keys must share one), else all together. */
    static List<List<Integer>> bySlot(List<String> keys, boolean cluster) {
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            groups.computeIfAbsent(cluster ? SlotHash.getSlot(keys.get(i)) : 0, slot -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }

    private static String[] keysOf(List<Integer> group, List<String> keys, List<String> leaseKeys) {
        String[] scriptKeys = new String[group.size() * 2];
        for (int i = 0; i < group.size(); i++) {
            scriptKeys[2 * i] = keys.get(group.get(i));
            scriptKeys[2 * i + 1] = leaseKeys.get(group.get(i));
        }
        return scriptKeys;
    }
}
