package io.weft.agent.store;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.netty.util.concurrent.DefaultPromise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The shared cache (L2): string keys, byte values, over one {@link LazyConnection}. Every method returns
 * within the timeout (SPEC §4 {@code weft.redis.timeout}) and never throws for a Redis failure: it
 * counts it and answers as if Redis had nothing. A {@link CircuitBreaker} makes calls fail at once while
 * Redis keeps failing: a timeout, a lost connection and an error reply ({@code OOM}, {@code NOAUTH},
 * {@code READONLY}, {@code CROSSSLOT} …) are all failures, counted by reason in the endpoint's
 * {@link RedisErrors}, which also keeps the last error reply for health.
 *
 * <p>{@link #lookup} and {@link #setIfLeased} guard against the stale-set race across instances: a
 * lookup that misses takes a lease (a key beside the entry holding a random token); the loaded value
 * is stored only while that lease still holds the token, and an invalidation deletes the lease along
 * with the entry. Both are Lua scripts (the ACL user needs {@code +@scripting}).
 */
public final class RedisStore extends GuardedStore {

    private static final int SCAN_PAGE = 1000;
    /**
     * KEYS: key, lease key; ARGV: token, lease ms, stale ms. Returns {value, pttl} on a hit; {value, pttl, 1 or 0:
     * leased} when the value has at most "stale ms" left (it outlived its TTL and only stands in for failures,
     * {@code staleIfError}: the lookup loads it again, under the lease); {1 or 0: leased} on a miss.
     */
    private static final LuaScript LOOKUP = new LuaScript(
            "local v = redis.call('GET', KEYS[1])\n"
            + "local t\n"
            + "if v then\n"
            + "  t = redis.call('PTTL', KEYS[1])\n"
            + "  if t > tonumber(ARGV[3]) then return {v, t} end\n"
            + "end\n"
            + "local leased = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0\n"
            + "if v then return {v, t, leased} end\n"
            + "return {leased}\n");
    /** KEYS: key, lease key; ARGV: value, token, ttl ms. Returns 1 when stored. */
    private static final LuaScript SET_IF_LEASED = new LuaScript(
            "if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end\n"
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])\n"
            + "redis.call('DEL', KEYS[2])\n"
            + "return 1\n");
    /**
     * KEYS: key, lease key; ARGV: token, lease ms. Deletes a value that cannot be read back and takes the lease to
     * store the one loaded instead, as a miss does: returns {@link #LOOKUP}'s miss reply, {1 or 0: leased}. A lease
     * that already holds the token (the lookup took it, for a stale value) is kept.
     */
    private static final LuaScript DROP = new LuaScript(
            "redis.call('DEL', KEYS[1])\n"
            + "if redis.call('GET', KEYS[2]) == ARGV[1] then return {1} end\n"
            + "return {redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0}\n");
    /** KEYS: lease key; ARGV: token. Deletes the lease if it still holds the token. */
    private static final LuaScript RELEASE = new LuaScript(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end\n"
            + "return 0\n");

    private final LazyConnection<String, byte[]> connection;
    private final long timeoutNanos;
    private final LeaseKeys leaseKeys;
    private final boolean cluster;

    /**
     * @param timeout the bound on each call ({@code weft.redis.timeout}, 250 ms by default)
     * @param breaker the breaker guarding this store's calls
     */
    public RedisStore(RedisEndpoint endpoint, Duration timeout, CircuitBreaker breaker) {
        super("Redis " + endpoint.redacted(), "redis.store:", breaker, endpoint.errors());
        this.connection = new LazyConnection<>(endpoint, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), timeout);
        this.timeoutNanos = timeout.toNanos();
        this.leaseKeys = LeaseKeys.of(endpoint.cluster());
        this.cluster = endpoint.cluster();
    }

    @Override
    public StoredValue lookup(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis,
            long staleMillis) {
        return lookup(key, leaseKey(key), token, leaseMillis, tagKeys, tagTtlMillis, staleMillis);
    }

    @Override
    public CompletableFuture<Boolean> storeIfLeased(String key, byte[] value, long ttlMillis, String lease) {
        return setIfLeased(key, value, ttlMillis, leaseKey(key), lease);
    }

    @Override
    public void releaseLease(String key, String lease) {
        release(leaseKey(key), lease);
    }

    /** The key of {@code key}'s lease: beside it, and in its hash slot on a Redis Cluster ({@link LeaseKeys}). */
    public String leaseKey(String key) {
        return leaseKeys.leaseKey(key);
    }

    /**
     * Starts opening this store's connection now, without waiting, so that the first lookup finds it open.
     *
     * @return the attempt, completed when the connection is open or could not be opened
     */
    public CompletableFuture<?> open() {
        return connection.get();
    }

    /**
     * Waits up to {@code bound} until this store's connection is open (opening it if need be), as it is again
     * some time after a failover; returns whether it is. Polls; for background threads only.
     */
    @Override
    public boolean awaitOpen(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        connection.get();
        while (connection.ifOpen() == null) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
            connection.get();
        }
        return true;
    }

    /**
     * Loads the client's classes that a command needs only when it loses a race with its own write (a listener added
     * to a write already done is run on the event loop by {@code DefaultPromise}'s own task class), so that no
     * caller's thread loads them later; {@code SharedLevel#warmUp} runs the rest of a miss's path.
     */
    public static void loadRaceClasses() {
        try {
            Class.forName(DefaultPromise.class.getName() + "$1", true, RedisStore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // another version of the client: the first command that loses the race loads it
        }
    }

    /** The value of {@code key}, or null when there is none, or Redis failed, timed out or is skipped. */
    public byte[] get(String key) {
        return await("GET", c -> c.async().get(key), null);
    }

    /**
     * Stores {@code value} with {@code SET key value PX ttlMillis} without waiting for the reply; the
     * command is abandoned (and counted as failed) if it has not completed within the timeout.
     */
    public void set(String key, byte[] value, long ttlMillis) {
        if (ttlMillis <= 0) {
            throw new IllegalArgumentException("TTL of " + key + " must be positive: " + ttlMillis + " ms");
        }
        send("SET", c -> c.async().set(key, value, SetArgs.Builder.px(ttlMillis)));
    }

    /** Sets {@code key}'s TTL to {@code ttlMillis} ({@code PEXPIRE}) if it exists, without waiting for the reply. */
    @Override
    public void expire(String key, long ttlMillis, List<String> tagKeys, long tagTtlMillis) {
        send("PEXPIRE", c -> c.async().pexpire(key, ttlMillis));
        if (!tagKeys.isEmpty()) {
            send("ZADD (tags)", c -> TagSets.add(c.async(), tagKeys, key, tagTtlMillis));
        }
    }

    /**
     * Reads {@code key} and, when it is missing, tries to take the lease to store it: {@code SET leaseKey
     * token NX PX leaseMillis}, in the same script. Waits at most the timeout.
     *
     * <p>When no reply came in time the script may still run and take the lease: it is then released, past the
     * breaker (which this timeout may just have opened) and right behind the script on the connection it went on,
     * so Redis applies the release after the script; else nobody could store the key until the lease expires. An
     * error reply ({@code OOM}, {@code READONLY} …) means the script took no lease, and nothing more is sent.
     *
     * @return the value with its remaining TTL, or a miss saying whether the lease was taken; null when
     *     Redis failed, timed out or is skipped
     */
    public StoredValue lookup(String key, String leaseKey, String token, long leaseMillis) {
        return lookup(key, leaseKey, token, leaseMillis, List.of(), 0, NEVER_STALE);
    }

    /**
     * {@link #lookup}, and adds {@code key} to the member set of each tag ({@link TagSets}) for
     * {@code tagTtlMillis}, both done before it returns: so a tag invalidation that follows finds the key and
     * deletes its lease. On one server the adds are sent right behind the lookup (one round trip); on a cluster
     * their sets live on other nodes, which keep no order between them, so they are sent once the lookup took
     * the lease (a second round trip, for misses only). Null also when an add failed.
     */
    public StoredValue lookup(String key, String leaseKey, String token, long leaseMillis, List<String> tagKeys,
            long tagTtlMillis, long staleMillis) {
        return leasing("LOOKUP", c -> LOOKUP.<List<Object>>run(c.async(), ScriptOutputType.MULTI,
                new String[] {key, leaseKey}, utf8(token), utf8(Long.toString(leaseMillis)),
                utf8(Long.toString(staleMillis))).thenApply(RedisStore::found), key, leaseKey, token, tagKeys, tagTtlMillis);
    }

    /**
     * Deletes {@code key}'s value, which cannot be read back, and takes its lease with {@code token} in the same
     * script, as {@link #lookup} does on a miss (its tags, its wait, its release after no reply): the value loaded
     * instead is stored under that lease, and an invalidation meanwhile deletes it.
     */
    @Override
    public StoredValue dropUnreadable(String key, String token, long leaseMillis, List<String> tagKeys,
            long tagTtlMillis) {
        String leaseKey = leaseKey(key);
        return leasing("DEL (unreadable)", c -> DROP.<List<Object>>run(c.async(), ScriptOutputType.MULTI,
                new String[] {key, leaseKey}, utf8(token), utf8(Long.toString(leaseMillis)))
                .thenApply(RedisStore::found), key, leaseKey, token, tagKeys, tagTtlMillis);
    }

    /**
     * Runs {@code script}, which may take {@code key}'s lease with {@code token}, with the tag adds of {@link #lookup}
     * (the same order, one server or a cluster), waiting at most the timeout; releases the lease if no reply came.
     */
    private StoredValue leasing(String command, Function<RedisLink<String, byte[]>, CompletableFuture<StoredValue>> script,
            String key, String leaseKey, String token, List<String> tagKeys, long tagTtlMillis) {
        Function<RedisLink<String, byte[]>, CompletionStage<?>> release = releasing(leaseKey, token);
        if (tagKeys.isEmpty()) {
            return await(command, script::apply, null, release);
        }
        return await(command + " (tagged)", c -> {
            CompletableFuture<StoredValue> found = script.apply(c);
            if (cluster) {
                return found.thenCompose(stored -> stored.leased()
                        ? TagSets.add(c.async(), tagKeys, key, tagTtlMillis).thenApply(added -> stored)
                        : CompletableFuture.completedFuture(stored));
            }
            return TagSets.add(c.async(), tagKeys, key, tagTtlMillis).thenCombine(found, (added, stored) -> stored);
        }, null, release);
    }

    /** A lookup's reply: {value, pttl} on a hit, {value, pttl, leased} for a stale value, {leased} on a miss. */
    private static StoredValue found(List<Object> reply) {
        if (reply.size() == 1) {
            return new StoredValue(null, 0, ((Long) reply.get(0)) == 1, false);
        }
        boolean stale = reply.size() == 3;
        return new StoredValue((byte[]) reply.get(0), (Long) reply.get(1), stale && (Long) reply.get(2) == 1, stale);
    }

    /**
     * {@link #lookup} of many keys at once, sharing one token: one script call (one per hash slot on a cluster, all
     * sent at once), awaited at most the timeout; leases it may still take after a timeout are released.
     *
     * @return one {@link StoredValue} per key, in order; null when Redis failed, timed out or is skipped
     */
    @Override
    public List<StoredValue> lookupAll(List<String> keys, String token, long leaseMillis) {
        List<String> leases = leaseKeys(keys);
        return await("LOOKUP (batch)", c -> BatchScripts.lookup(c.async(), keys, leases, token, leaseMillis, cluster),
                null, releasingAll(keys, leases, token));
    }

    /**
     * {@link #setIfLeased} of many keys at once, each under its lease holding {@code token}, and the release of the
     * leases whose value is null, without waiting: one script call (one per hash slot on a cluster). When the breaker
     * refuses it, every lease is released instead, past the breaker.
     *
     * @return how many values were stored; completes within the timeout, with null when the call failed
     */
    @Override
    public CompletableFuture<Long> settleAll(List<String> keys, String token, long ttlMillis, List<byte[]> values) {
        List<String> leases = leaseKeys(keys);
        return send("SET (leased, batch)",
                c -> BatchScripts.settle(c.async(), keys, leases, token, ttlMillis, values, cluster),
                () -> pastBreaker("DEL (leases, batch)", connection.ifOpen(), releasingAll(keys, leases, token)));
    }

    /** The release of the leases of {@code keys} ({@code leases}) if they still hold {@code token}. */
    private Function<RedisLink<String, byte[]>, CompletionStage<?>> releasingAll(List<String> keys, List<String> leases,
            String token) {
        return c -> BatchScripts.release(c.async(), keys, leases, token, cluster);
    }

    private List<String> leaseKeys(List<String> keys) {
        List<String> leases = new ArrayList<>(keys.size());
        for (String key : keys) {
            leases.add(leaseKey(key));
        }
        return leases;
    }

    /**
     * Deletes every entry listed in the member set {@code tagKey} with its lease (waiting at most the timeout for
     * each of the two commands), then removes those members from the set without waiting, each only if it was
     * not added again meanwhile ({@link TagSets}); false when reading or deleting failed.
     */
    @Override
    public boolean deleteTagged(String tagKey) {
        List<ScoredValue<byte[]>> members = await("ZRANGE (tag)", c -> TagSets.members(c.async(), tagKey), null);
        if (members == null) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!deleteWithLeases(TagSets.keys(members))) {
            return false;
        }
        send("ZREM (tag)", c -> TagSets.forget(c.async(), tagKey, members));
        return true;
    }

    /**
     * Records a cache's most-hit keys for warm starts in the sorted set {@code setKey}: their hits as scores, the
     * {@code keep} highest kept, the set expiring after {@code ttlMillis} unless recorded again. Waits at most the
     * timeout; returns whether Redis took it.
     */
    @Override
    public boolean recordHot(String setKey, Map<String, Long> hits, int keep, long ttlMillis) {
        return hits.isEmpty() || await("ZADD (warm)", c -> WarmSets.record(c.async(), setKey, hits, keep, ttlMillis)
                .thenApply(done -> Boolean.TRUE), Boolean.FALSE);
    }

    /** Up to {@code limit} keys recorded in {@code setKey}, most hits first; empty when Redis failed. */
    @Override
    public List<String> hotKeys(String setKey, int limit) {
        return await("ZREVRANGE (warm)", c -> WarmSets.top(c.async(), setKey, limit), List.of());
    }

    /**
     * The values of {@code keys} that have one, with their remaining TTLs, read in one pipelined batch; waits at most
     * the timeout; empty when Redis failed.
     */
    @Override
    public Map<String, StoredValue> values(List<String> keys) {
        return await("GET/PTTL (warm)", c -> WarmSets.values(c.async(), keys), Map.of());
    }

    /**
     * Stores {@code value} with {@code PX ttlMillis} if {@code leaseKey} still holds {@code lease} (no
     * invalidation deleted it, and no later lookup took it over), and releases the lease, in one script.
     * Does not wait: the returned future completes within the timeout, never exceptionally. When the breaker refuses
     * the store, the lease is released instead ({@link #release}, past the breaker).
     *
     * @param lease the token of the lookup that took the lease; null (no lease) stores nothing
     * @return whether the value was stored
     */
    public CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, String leaseKey, String lease) {
        if (ttlMillis <= 0) {
            throw new IllegalArgumentException("TTL of " + key + " must be positive: " + ttlMillis + " ms");
        }
        if (lease == null) {
            return CompletableFuture.completedFuture(false);
        }
        return send("SET (leased)", c -> SET_IF_LEASED.<Long>run(c.async(), ScriptOutputType.INTEGER,
                new String[] {key, leaseKey}, value, utf8(lease), utf8(Long.toString(ttlMillis))),
                () -> release(leaseKey, lease))
                .thenApply(stored -> Long.valueOf(1).equals(stored));
    }

    /**
     * Takes {@code key}'s lease whether or not it has a value ({@code SET leaseKey token NX PX leaseMillis}), for a
     * background reload ({@code refreshAfter}): only the instance holding it reloads, and an invalidation meanwhile
     * deletes it, so the reload cannot store. Waits at most the timeout; a lease taken without a reply in time is
     * released.
     *
     * @return whether the lease was taken (false when another instance holds it, or Redis failed)
     */
    @Override
    public boolean takeLease(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis) {
        String leaseKey = leaseKey(key);
        boolean taken = "OK".equals(await("SET NX (lease)", c -> c.async().set(leaseKey, utf8(token),
                SetArgs.Builder.nx().px(leaseMillis)), null, releasing(leaseKey, token)));
        if (!taken || tagKeys.isEmpty()) {
            return taken;
        }
        if (await("ZADD (tags)", c -> TagSets.add(c.async(), tagKeys, key, tagTtlMillis).thenApply(added -> true),
                null) == null) {
            release(leaseKey, token); // as at a lookup: a key its tags may not find keeps no lease
            return false;
        }
        return true;
    }

    /**
     * Releases a lease that will not be used (the loaded value is not stored in Redis: it cannot be written as
     * JSON, is too large, is {@code null}, its load failed, or the breaker refused its store): deletes
     * {@code leaseKey} if it still holds {@code lease}, so that the next lookup of the key, here or in another
     * instance, takes a lease at once rather than after the lease's 30 s. Does not wait; a null lease does nothing.
     *
     * <p>Sent past the breaker (see {@link #pastBreaker}): a lease was taken by a command the breaker let through, and
     * one that opened meanwhile must not leave it behind.
     */
    public void release(String leaseKey, String lease) {
        if (lease != null) {
            pastBreaker("DEL (lease)", connection.ifOpen(), releasing(leaseKey, lease));
        }
    }

    /** The release of {@code leaseKey} if it still holds {@code lease}. */
    private static Function<RedisLink<String, byte[]>, CompletionStage<?>> releasing(String leaseKey, String lease) {
        return c -> RELEASE.<Long>runInFull(c.async(), ScriptOutputType.INTEGER, new String[] {leaseKey}, utf8(lease));
    }

    /**
     * Sends a lease's release on {@code link} without asking the breaker or telling it the outcome, and without
     * waiting; a failure is counted and logged. Its script is sent in full ({@code EVAL}): by its SHA-1, a release
     * timed out by a stall would never be retried in full after Redis, having restarted since it last ran one,
     * answers {@code NOSCRIPT} (releases are rare: a Redis may not have seen one since it started). Nothing is sent when {@code link} is null or not open: Redis could not
     * take it (Lettuce rejects commands while disconnected), and no connection is opened for it. Releases cannot pile
     * up: each follows one lease-taking command that the breaker let through; on a connection that Redis stopped
     * answering, each waits in Lettuce's queue (bounded) until the timeout, and Redis applies it when it wakes up.
     * The breaker does not hear of them: a full Redis answers a release, and that success would close the breaker
     * after every failed lookup.
     */
    private void pastBreaker(String command, RedisLink<String, byte[]> link,
            Function<RedisLink<String, byte[]>, CompletionStage<?>> release) {
        if (link == null || !link.isOpen()) {
            return;
        }
        release.apply(link).toCompletableFuture()
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .whenComplete((reply, failure) -> {
                    if (failure != null) {
                        failedPastBreaker(command, failure);
                    }
                });
    }

    /**
     * Sends one command through the breaker without waiting for its reply; the returned future completes
     * within the timeout, never exceptionally: with {@code null} when the command failed or was not sent.
     */
    private <T> CompletableFuture<T> send(String command, Function<RedisLink<String, byte[]>, CompletionStage<T>> call) {
        return send(command, call, null);
    }

    /** {@link #send}; {@code ifRefused} (if not null) runs when the breaker refuses the command. */
    private <T> CompletableFuture<T> send(String command, Function<RedisLink<String, byte[]>, CompletionStage<T>> call,
            Runnable ifRefused) {
        if (!admit()) {
            if (ifRefused != null) {
                ifRefused.run();
            }
            return CompletableFuture.completedFuture(null);
        }
        return connection.get()
                .thenCompose(call)
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .handle((reply, failure) -> {
                    report(command, failure);
                    return failure == null ? reply : null;
                });
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The id of each stream's last entry ({@code XREVRANGE … COUNT 1}; an empty or absent stream is left out),
     * each command waiting at most the timeout; null when one failed.
     */
    public Map<String, String> lastEntryIds(List<String> streams) {
        Map<String, String> ends = new HashMap<>();
        for (String stream : streams) {
            List<StreamMessage<String, byte[]>> last = await("XREVRANGE",
                    c -> c.async().xrevrange(stream, Range.unbounded(), Limit.from(1)), null);
            if (last == null) {
                return null;
            }
            if (!last.isEmpty()) {
                ends.put(stream, last.get(0).getId());
            }
        }
        return ends;
    }

    /** Deletes {@code keys} ({@code DEL}), waiting at most the timeout; false when that failed. */
    public boolean delete(String... keys) {
        if (keys.length == 0) {
            return true;
        }
        return await("DEL", c -> c.async().del(keys), null) != null;
    }

    /**
     * Deletes {@code keys} with their leases (so that loads in flight cannot store them) in one {@code DEL},
     * waiting at most the timeout; false when that failed.
     */
    @Override
    public boolean deleteWithLeases(List<String> keys) {
        return delete(withLeases(keys));
    }

    private String[] withLeases(List<String> keys) {
        String[] doomed = new String[keys.size() * 2];
        for (int i = 0; i < keys.size(); i++) {
            doomed[2 * i] = keys.get(i);
            doomed[2 * i + 1] = leaseKey(keys.get(i));
        }
        return doomed;
    }

    /** On a single server: the follow-up rides the delete's connection (on a cluster they may be on two nodes). */
    @Override
    public boolean sendsFollowUps() {
        return !cluster;
    }

    /**
     * As {@link #deleteWithLeases(List)}, {@code then} sent right behind the {@code DEL} on the same connection (so in
     * one round trip, and applied after it), when {@link #sendsFollowUps}; the wait is for the {@code DEL}'s reply.
     */
    @Override
    public boolean deleteWithLeases(List<String> keys, FollowUp then) {
        if (!sendsFollowUps()) {
            return deleteWithLeases(keys);
        }
        String[] doomed = withLeases(keys);
        return await("DEL", c -> {
            RedisFuture<Long> del = c.async().del(doomed);
            then.send(c.async());
            return del;
        }, null) != null;
    }

    /**
     * Deletes every key that starts with {@code prefix}, by {@code SCAN MATCH} (glob characters in the
     * prefix escaped; on a cluster, every master in turn) and {@code DEL} per page of the keys that are not
     * {@code ownStructures}; each command waits at most the timeout.
     * <p>The walk is made twice. A load that took its lease before the first walk and stores while it runs consumes
     * the lease that the walk would have deleted, and its value may appear where the walk has been already: the walk
     * then misses both. {@code SCAN} returns every key that exists for the whole of a walk, so the second walk finds
     * such a value (it exists from before the second walk began), and a lease that the first walk did not find was
     * consumed during it; leases taken later belong to loads that began after the invalidation (SPEC §5).
     * <p>On a cluster each walk also looks for the leases that carry their tag in front of a key under the prefix
     * ({@link LeaseKeys#taggedInFront}): a load in flight under such a lease would otherwise store after it.
     *
     * @return how many keys were deleted, or -1 when Redis failed part-way (some may have been)
     * @throws IllegalArgumentException when {@code prefix} is empty: that would delete the whole database
     */
    @Override
    public long deleteByPrefix(String prefix, Predicate<String> ownStructures) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("refusing to delete by an empty prefix (every key in the database)");
        }
        if (!admit()) {
            return -1;
        }
        String keys = escapeGlob(prefix);
        String leases = leaseKeys.taggedInFront(keys);
        List<ScanArgs> matches = new ArrayList<>(List.of(ScanArgs.Builder.matches(keys + "*").limit(SCAN_PAGE)));
        if (leases != null) {
            matches.add(ScanArgs.Builder.matches(leases).limit(SCAN_PAGE));
        }
        try {
            RedisLink<String, byte[]> c = connection.get().get(timeoutNanos, TimeUnit.NANOSECONDS);
            long deleted = 0;
            for (int walk = 0; walk < 2; walk++) {
                for (ScanArgs match : matches) {
                    deleted += deleteScanned(c, match, ownStructures);
                }
            }
            report("SCAN/DEL", null);
            return deleted;
        } catch (Exception e) {
            return failed("SCAN/DEL", e, -1L);
        }
    }

    /** One walk of {@link #deleteByPrefix}: how many keys it deleted. */
    private long deleteScanned(RedisLink<String, byte[]> c, ScanArgs match, Predicate<String> ownStructures)
            throws Exception {
        long deleted = 0;
        KeyScanCursor<String> page = wait(c.async().scan(match));
        while (true) {
            String[] doomed = page.getKeys().stream().filter(ownStructures.negate()).toArray(String[]::new);
            if (doomed.length > 0) {
                deleted += wait(c.async().del(doomed));
            }
            if (page.isFinished()) {
                return deleted;
            }
            page = wait(c.async().scan(page, match));
        }
    }

    /** Runs one command through the breaker and waits at most the timeout for its reply. */
    private <T> T await(String command, Function<RedisLink<String, byte[]>, CompletionStage<T>> call,
            T fallback) {
        return await(command, call, fallback, null);
    }

    /**
     * Runs one command through the breaker and waits at most the timeout for its reply. When it got no reply (an
     * error reply is one: the command ran and took nothing), {@code releaseIfNoReply} (if not null) is sent
     * {@linkplain #pastBreaker past the breaker} on the connection the command went on, right behind it (once it is
     * sent, if it still waits for the connection; never, if it is not): Redis applies it after the command.
     */
    private <T> T await(String command, Function<RedisLink<String, byte[]>, CompletionStage<T>> call,
            T fallback, Function<RedisLink<String, byte[]>, CompletionStage<?>> releaseIfNoReply) {
        if (!admit()) {
            return fallback;
        }
        CompletableFuture<RedisLink<String, byte[]>> sentOn = releaseIfNoReply == null ? null : new CompletableFuture<>();
        CompletableFuture<T> reply = connection.get().thenCompose(sentOn == null ? call : c -> {
            CompletionStage<T> sent = call.apply(c);
            sentOn.complete(c);
            return sent;
        });
        try {
            T value = reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
            report(command, null);
            return value;
        } catch (Exception e) {
            T failed = failed(command, e, fallback);
            if (sentOn != null && ErrorReason.reply(e) == null) {
                sentOn.thenAccept(c -> pastBreaker("DEL (lease)", c, releaseIfNoReply));
            }
            return failed;
        }
    }

    private <T> T wait(CompletionStage<T> reply) throws Exception {
        return reply.toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private <T> T failed(String command, Exception e, T fallback) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return fallback;
        }
        report(command, e);
        return fallback;
    }

    private void report(String command, Throwable failure) {
        if (failure == null) {
            succeeded();
        } else {
            failed(command, failure);
        }
    }

    /** {@code prefix} with the glob characters {@code * ? [ ] \} escaped for {@code SCAN MATCH}. */
    static String escapeGlob(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 8);
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** Closes this store's connection (not the endpoint). */
    @Override
    public void close() {
        connection.close();
    }
}
