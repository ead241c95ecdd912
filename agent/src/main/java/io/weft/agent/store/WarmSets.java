package io.weft.agent.store;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The record of a cache's most-hit keys for warm starts (SPEC §13, {@code weft.warm}): one sorted set per cache
 * whose members are keys (without the namespace) scored by their hits, trimmed to the highest ones and expiring
 * unless recorded again; and the read that fills an L1 from the values of those keys.
 */
final class WarmSets {

    private WarmSets() {
    }

    /** {@code ZADD} of every key with its score, then {@code ZREMRANGEBYRANK} to the {@code keep} highest and {@code PEXPIRE}. */
    static CompletableFuture<Void> record(RedisClusterAsyncCommands<String, byte[]> redis, String setKey,
            Map<String, Long> hits, int keep, long ttlMillis) {
        List<ScoredValue<byte[]>> members = new ArrayList<>(hits.size());
        hits.forEach((key, count) -> members.add(ScoredValue.just(count, RedisStore.utf8(key))));
        @SuppressWarnings("unchecked")
        ScoredValue<byte[]>[] scored = members.toArray(new ScoredValue[0]);
        return CompletableFuture.allOf(
                redis.zadd(setKey, scored).toCompletableFuture(),
                redis.zremrangebyrank(setKey, 0, -(keep + 1L)).toCompletableFuture(),
                redis.pexpire(setKey, ttlMillis).toCompletableFuture());
    }

    /** Up to {@code limit} keys of {@code setKey}, most hits first ({@code ZREVRANGE}). */
    static CompletableFuture<List<String>> top(RedisClusterAsyncCommands<String, byte[]> redis, String setKey,
            int limit) {
        return redis.zrevrange(setKey, 0, limit - 1L).toCompletableFuture().thenApply(members -> {
            List<String> keys = new ArrayList<>(members.size());
            members.forEach(member -> keys.add(new String(member, StandardCharsets.UTF_8)));
            return keys;
        });
    }

    /**
     * The value and remaining TTL of each of {@code keys} ({@code GET} and {@code PTTL} per key, all sent before any
     * reply is awaited; on a cluster each goes to its key's node); a key without a value, or without a TTL, is left out.
     */
    static CompletableFuture<Map<String, StoredValue>> values(RedisClusterAsyncCommands<String, byte[]> redis,
            List<String> keys) {
        List<CompletableFuture<byte[]>> values = new ArrayList<>(keys.size());
        List<CompletableFuture<Long>> ttls = new ArrayList<>(keys.size());
        for (String key : keys) {
            values.add(redis.get(key).toCompletableFuture());
            ttls.add(redis.pttl(key).toCompletableFuture());
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[keys.size() * 2];
        for (int i = 0; i < keys.size(); i++) {
            all[2 * i] = values.get(i);
            all[2 * i + 1] = ttls.get(i);
        }
        return CompletableFuture.allOf(all).thenApply(done -> {
            Map<String, StoredValue> found = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = values.get(i).join();
                long ttl = ttls.get(i).join();
                if (value != null && ttl > 0) {
                    found.put(keys.get(i), new StoredValue(value, ttl, false, false));
                }
            }
            return found;
        });
    }
}
