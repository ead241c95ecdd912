package io.weft.agent.store;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The member sets of tags (SPEC §13): one sorted set per tag whose members are the Redis keys of the entries
 * carrying it. A member's score is the time (µs, Redis's clock) after which its entry cannot live any more,
 * and grows at every add: members past it are trimmed by each add, and an invalidation removes a member
 * only if its score is still the one it read, so a member added again meanwhile stays. Every script
 * touches its tag's set only (one hash slot).
 */
final class TagSets {

    /**
     * KEYS: tag set; ARGV: member, ms the member may live. Trims members past their deadline, adds the member
     * with a score past its deadline and past its previous one, and lengthens the set's TTL to the member's.
     */
    private static final LuaScript ADD = new LuaScript(
            "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))\n"
            + "local s = now + tonumber(ARGV[2]) * 1000\n"
            + "local old = redis.call('ZSCORE', KEYS[1], ARGV[1])\n"
            + "if old and tonumber(old) >= s then s = tonumber(old) + 1 end\n"
            + "redis.call('ZADD', KEYS[1], string.format('%.0f', s), ARGV[1])\n"
            + "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end\n"
            + "return 1\n");
    /** KEYS: tag set; ARGV: member, score, member, score … Removes each member whose score is unchanged. */
    private static final LuaScript FORGET = new LuaScript(
            "local n = 0\n"
            + "for i = 1, #ARGV, 2 do\n"
            + "  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])\n"
            + "  if s and tonumber(s) == tonumber(ARGV[i + 1]) then n = n + redis.call('ZREM', KEYS[1], ARGV[i]) end\n"
            + "end\n"
            + "return n\n");

    private TagSets() {
    }

    /** Adds {@code member} to each of {@code tagKeys} for {@code ttlMillis}; the future completes when all did. */
    static CompletableFuture<Void> add(RedisClusterAsyncCommands<String, byte[]> redis, List<String> tagKeys,
            String member, long ttlMillis) {
        CompletableFuture<?>[] adds = new CompletableFuture<?>[tagKeys.size()];
        for (int i = 0; i < adds.length; i++) {
            adds[i] = ADD.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {tagKeys.get(i)},
                    RedisStore.utf8(member), RedisStore.utf8(Long.toString(ttlMillis)));
        }
        return CompletableFuture.allOf(adds);
    }

    /** The members of {@code tagKey} with their scores ({@code ZRANGE … WITHSCORES}). */
    static CompletableFuture<List<ScoredValue<byte[]>>> members(RedisClusterAsyncCommands<String, byte[]> redis,
            String tagKey) {
        return redis.zrangeWithScores(tagKey, 0, -1).toCompletableFuture();
    }

    /** The members as text (the Redis keys they name). */
    static List<String> keys(List<ScoredValue<byte[]>> members) {
        List<String> keys = new ArrayList<>(members.size());
        for (ScoredValue<byte[]> member : members) {
            keys.add(new String(member.getValue(), StandardCharsets.UTF_8));
        }
        return keys;
    }

    /** Removes {@code members} from {@code tagKey}, each only if its score is still the one read. */
    static CompletableFuture<Long> forget(RedisClusterAsyncCommands<String, byte[]> redis, String tagKey,
            List<ScoredValue<byte[]>> members) {
        byte[][] args = new byte[members.size() * 2][];
        for (int i = 0; i < members.size(); i++) {
            args[2 * i] = members.get(i).getValue();
            args[2 * i + 1] = RedisStore.utf8(Long.toString((long) members.get(i).getScore()));
        }
        return FORGET.run(redis, ScriptOutputType.INTEGER, new String[] {tagKey}, args);
    }
}
