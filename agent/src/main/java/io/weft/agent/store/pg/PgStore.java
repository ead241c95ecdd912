package io.weft.agent.store.pg;

import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.GuardedStore;
import io.weft.agent.store.StoredValue;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The shared level in one PostgreSQL table ({@link PgTables}): each row holds a key's value (the same bytes
 * as in Redis), its expiry, its size, and the lease of the load that may store it. A lookup reads the row by
 * primary key; on a miss it takes the lease with an upsert that succeeds only when no unexpired lease is held
 * (and empties an expired value: expired rows are never served, and removed on read). A store is an
 * {@code UPDATE} of the row that still holds its lease, and an invalidation deletes the row, lease
 * included: so a load that overlapped an invalidation never stores (docs/design.md, "Leases"). A tag
 * invalidation deletes the entries its member rows name and keeps the members (they expire with their
 * entries): a member deleted with them could leave an entry its invalidation did not see without one.
 *
 * <p>Every call waits at most the timeout (for a pooled connection, then for the statement), never throws
 * for a database failure, and goes through a {@link CircuitBreaker}, except a lease's release, which goes past it
 * ({@link #pastBreaker}): a store that the breaker refuses releases its lease instead. No release follows a failed
 * lookup: one that the statement timeout cut off took no lease (its statement was rolled back); one whose connection
 * failed after its lease statement was sent may have (docs/design.md, "Releases go past the breaker"). Stores,
 * renewals and releases run on a background thread, as many as wait there weighing at most
 * {@link #WRITES_WAITING_BYTES} (see {@link #later}).
 */
public final class PgStore extends GuardedStore {

    /**
     * What the writes waiting for the background thread may weigh together: their values and keys, and
     * {@link #WRITE_BYTES} each. Bytes rather than a count, as values range from a few bytes to
     * {@code weft.redis.maxValueBytes} (1 MiB): 10,000 writes could hold 10 GiB. 32 MiB holds more writes than a
     * thread that falls behind (10 to 50 a second) sends within a lease anyway, unless they are large.
     */
    static final long WRITES_WAITING_BYTES = 32 << 20;
    /** What a waiting write weighs besides its value and key: the task, the token, the statement's parameters. */
    static final int WRITE_BYTES = 256;

    private final String name;
    private final PgPool pool;
    private final PgTables tables;
    private final Background.Bounded writes;
    private final long leaseNanos;
    private final LongAdder writesDropped = new LongAdder();
    private final String select;
    private final String selectAll;
    private final String takeLease;
    private final String takeLeases;
    private final String addTags;
    private final String storeLeased;
    private final String release;
    private final String expire;
    private final String deleteKeys;
    private final String dropValue;
    private final String deleteRange;
    private final String deleteFrom;
    private final String deleteTagged;

    /**
     * @param name the redacted URL, for logs
     * @param background runs the stores, renewals and releases, in order
     * @param leaseMillis how long the leases last (each lookup's {@code leaseMillis}): writes that waited longer
     *     for {@code background} are not sent
     */
    public PgStore(PgPool pool, PgTables tables, String name, CircuitBreaker breaker, RedisErrors errors,
            Executor background, long leaseMillis) {
        super("PostgreSQL " + name, "pg.store:", breaker, errors);
        this.name = "PostgreSQL " + name;
        this.pool = pool;
        this.tables = tables;
        this.writes = new Background.Bounded(background, WRITES_WAITING_BYTES);
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        String t = tables.entries();
        // rounded up: a value with any time left has at least 1 ms, so one read as expired (0 or less) is expired
        // for the lease statement that empties it too
        this.select = "SELECT value, ceil(extract(epoch FROM expires_at - now()) * 1000)::bigint FROM " + t
                + " WHERE key = ? AND value IS NOT NULL";
        this.selectAll = "SELECT key, value, ceil(extract(epoch FROM expires_at - now()) * 1000)::bigint FROM " + t
                + " WHERE key = ANY(?) AND value IS NOT NULL";
        // a lease is taken when none is held, or the one held has run out; an expired value goes with it
        String leaseUpsert = " ON CONFLICT (key) DO UPDATE SET lease = excluded.lease, lease_until = excluded.lease_until,"
                + " value = CASE WHEN e.expires_at <= now() THEN NULL ELSE e.value END,"
                + " size = CASE WHEN e.expires_at <= now() THEN 0 ELSE e.size END,"
                + " expires_at = CASE WHEN e.value IS NULL OR e.expires_at <= now() THEN excluded.expires_at"
                + " ELSE e.expires_at END"
                + " WHERE e.lease IS NULL OR e.lease_until <= now() RETURNING e.key";
        this.takeLease = "INSERT INTO " + t + " AS e (key, expires_at, lease, lease_until)"
                + " VALUES (?, now() + ? * interval '1 millisecond', ?, now() + ? * interval '1 millisecond')"
                + leaseUpsert;
        // each key once, in order: two batches taking overlapping leases lock their rows in the same order
        this.takeLeases = "INSERT INTO " + t + " AS e (key, expires_at, lease, lease_until)"
                + " SELECT k, now() + ? * interval '1 millisecond', ?, now() + ? * interval '1 millisecond'"
                + " FROM (SELECT DISTINCT unnest(?::text[]) AS k ORDER BY 1) AS keys" + leaseUpsert;
        this.addTags = "INSERT INTO " + tables.tags() + " AS m (tag, key, expires_at)"
                + " SELECT unnest(?::text[]), ?, now() + ? * interval '1 millisecond'"
                + " ON CONFLICT (tag, key) DO UPDATE SET expires_at = GREATEST(m.expires_at, excluded.expires_at)";
        this.storeLeased = "UPDATE " + t + " SET value = ?, size = ?, expires_at = now() + ? * interval '1 millisecond',"
                + " lease = NULL, lease_until = NULL WHERE key = ? AND lease = ? AND lease_until > now()";
        this.release = "UPDATE " + t + " SET lease = NULL, lease_until = NULL WHERE key = ? AND lease = ?";
        this.expire = "WITH e AS (UPDATE " + t + " SET expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE key = ? AND value IS NOT NULL RETURNING key, expires_at) UPDATE " + tables.tags() + " m"
                + " SET expires_at = GREATEST(m.expires_at, e.expires_at) FROM e WHERE m.key = e.key";
        this.deleteKeys = "DELETE FROM " + t + " WHERE key = ANY(?)";
        this.dropValue = "UPDATE " + t + " SET value = NULL, size = 0 WHERE key = ?"
                + " RETURNING lease IS NOT DISTINCT FROM ? AND lease_until > now()";
        this.deleteRange = "DELETE FROM " + t + " WHERE key >= ? AND key < ?";
        this.deleteFrom = "DELETE FROM " + t + " WHERE key >= ?";
        this.deleteTagged = "DELETE FROM " + t + " WHERE key IN (SELECT key FROM " + tables.tags() + " WHERE tag = ?)";
    }

    /** One database call on a borrowed connection. */
    @FunctionalInterface
    public interface Call<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code call} through the breaker on a pooled connection; on any failure counts and logs it and
     * returns {@code fallback}.
     */
    public <T> T call(String what, Call<T> call, T fallback) {
        return call(what, call, fallback, () -> { });
    }

    /** {@link #call}; {@code ifRefused} runs when the breaker refuses it. */
    private <T> T call(String what, Call<T> call, T fallback, Runnable ifRefused) {
        if (!admit()) {
            ifRefused.run();
            return fallback;
        }
        return borrowing(what, call, fallback, true);
    }

    /**
     * Runs a lease's release past the breaker: it neither asks the breaker nor tells it the outcome, so that a
     * breaker that opened after the lease was taken (a stall, whose timeouts opened it) cannot leave the lease behind,
     * and an answer to the release cannot close a breaker that the lookups' failures opened. A failure is counted and
     * logged as any other. As bounded as any call: at most the timeout for a connection (and the driver's
     * connect timeout to open one), then for the statement; and never on a caller's thread ({@link #later}).
     */
    private <T> T pastBreaker(String what, Call<T> call, T fallback) {
        return borrowing(what, call, fallback, false);
    }

    /** Runs {@code call} on a pooled connection, its outcome told the breaker when {@code guarded}. */
    private <T> T borrowing(String what, Call<T> call, T fallback, boolean guarded) {
        Connection c;
        try {
            c = pool.borrow();
        } catch (SQLException e) {
            failedOrPastBreaker(what, e, guarded);
            return fallback;
        }
        boolean broken = false;
        try {
            T result = call.run(c);
            if (guarded) {
                succeeded();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            broken = true;
            failedOrPastBreaker(what, e, guarded);
            return fallback;
        } finally {
            pool.giveBack(c, broken);
        }
    }

    private void failedOrPastBreaker(String what, Exception e, boolean guarded) {
        if (guarded) {
            failed(what, e);
        } else {
            failedPastBreaker(what, e);
        }
    }

    @Override
    public StoredValue lookup(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis,
            long staleMillis) {
        return call("lookup", c -> {
            byte[] value = null;
            long remaining = 0;
            try (PreparedStatement s = c.prepareStatement(select)) {
                s.setString(1, key);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        value = r.getBytes(1);
                        remaining = r.getLong(2);
                    }
                }
            }
            if (value != null && remaining > Math.max(0, staleMillis)) {
                return new StoredValue(value, remaining, false, false);
            }
            if (!tagKeys.isEmpty()) {
                addTags(c, key, tagKeys, tagTtlMillis); // before the lease: a tag invalidation after it finds the key
            }
            boolean leased = takeLease(c, key, token, leaseMillis);
            return value != null && remaining > 0 ? new StoredValue(value, remaining, leased, true)
                    : new StoredValue(null, 0, leased, false);
        }, null);
    }

    /**
     * Empties the value (the statement says whether the row's live lease holds {@code token}: a lookup took it for a
     * stale value), adds the tag members, and takes the lease unless held: statements on one connection, in that
     * order. An invalidation between them deletes the row, and the lease taken after it is for a load that begins
     * after it.
     */
    @Override
    public StoredValue dropUnreadable(String key, String token, long leaseMillis, List<String> tagKeys,
            long tagTtlMillis) {
        return call("drop unreadable", c -> {
            boolean held;
            try (PreparedStatement s = c.prepareStatement(dropValue)) {
                s.setString(1, key);
                s.setString(2, token);
                try (ResultSet r = s.executeQuery()) {
                    held = r.next() && r.getBoolean(1);
                }
            }
            if (!tagKeys.isEmpty()) {
                addTags(c, key, tagKeys, tagTtlMillis); // before the lease, as at a lookup
            }
            return new StoredValue(null, 0, held || takeLease(c, key, token, leaseMillis), false);
        }, null);
    }

    /**
     * Two statements on one connection, whatever the number of keys: the values of {@code keys} (by primary key),
     * then the leases of the keys without a live value, taken at once.
     */
    @Override
    public List<StoredValue> lookupAll(List<String> keys, String token, long leaseMillis) {
        return call("lookup batch", c -> {
            Map<String, StoredValue> live = liveValues(c, keys);
            Set<String> leased = live.size() == keys.size() ? Set.of()
                    : takeLeases(c, keys.stream().filter(key -> !live.containsKey(key)).toArray(), token, leaseMillis);
            List<StoredValue> found = new ArrayList<>(keys.size());
            for (String key : keys) {
                StoredValue value = live.get(key);
                found.add(value != null ? value : new StoredValue(null, 0, leased.contains(key), false));
            }
            return found;
        }, null);
    }

    /** One statement: the live values of {@code keys} with their remaining lives, by key; no leases are taken. */
    @Override
    public Map<String, StoredValue> values(List<String> keys) {
        return call("values", c -> liveValues(c, keys), Map.of());
    }

    /** The values of {@code keys} that have not expired, by key (by primary key). */
    private Map<String, StoredValue> liveValues(Connection c, List<String> keys) throws SQLException {
        Array array = c.createArrayOf("text", keys.toArray());
        try (PreparedStatement s = c.prepareStatement(selectAll)) {
            s.setArray(1, array);
            Map<String, StoredValue> live = new HashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long remaining = r.getLong(3);
                    if (remaining > 0) {
                        live.put(r.getString(1), new StoredValue(r.getBytes(2), remaining, false, false));
                    }
                }
            }
            return live;
        } finally {
            array.free();
        }
    }

    /** Takes the leases of {@code keys} that are free with {@code token}; the keys whose leases it took. */
    private Set<String> takeLeases(Connection c, Object[] keys, String token, long leaseMillis) throws SQLException {
        Array array = c.createArrayOf("text", keys);
        try (PreparedStatement s = c.prepareStatement(takeLeases)) {
            s.setLong(1, leaseMillis);
            s.setString(2, token);
            s.setLong(3, leaseMillis);
            s.setArray(4, array);
            Set<String> leased = new HashSet<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    leased.add(r.getString(1));
                }
            }
            return leased;
        } finally {
            array.free();
        }
    }

    @Override
    public CompletableFuture<Long> settleAll(List<String> keys, String token, long ttlMillis, List<byte[]> values) {
        List<CompletableFuture<Boolean>> stores = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (values.get(i) != null) {
                stores.add(storeIfLeased(keys.get(i), values.get(i), ttlMillis, token));
            } else {
                releaseLease(keys.get(i), token);
            }
        }
        return CompletableFuture.allOf(stores.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> stores.stream().filter(CompletableFuture::join).count());
    }

    @Override
    public boolean takeLease(String key, String token, long leaseMillis, List<String> tagKeys, long tagTtlMillis) {
        return call("take lease", c -> {
            if (!tagKeys.isEmpty()) {
                addTags(c, key, tagKeys, tagTtlMillis); // before the lease: a tag invalidation after it finds the key
            }
            return takeLease(c, key, token, leaseMillis);
        }, false);
    }

    private boolean takeLease(Connection c, String key, String token, long leaseMillis) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(takeLease)) {
            s.setString(1, key);
            s.setLong(2, leaseMillis);
            s.setString(3, token);
            s.setLong(4, leaseMillis);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private void addTags(Connection c, String key, List<String> tagKeys, long ttlMillis) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(addTags)) {
            s.setArray(1, c.createArrayOf("text", tagKeys.toArray()));
            s.setString(2, key);
            s.setLong(3, ttlMillis);
            s.executeUpdate();
        }
    }

    /** On the background thread; when the breaker refuses the store, the lease is {@linkplain #release released}. */
    @Override
    public CompletableFuture<Boolean> storeIfLeased(String key, byte[] value, long ttlMillis, String lease) {
        if (ttlMillis <= 0) {
            throw new IllegalArgumentException("TTL of " + key + " must be positive: " + ttlMillis + " ms");
        }
        if (lease == null) {
            return CompletableFuture.completedFuture(false);
        }
        return later("store", key, value.length, () -> call("store", c -> update(c, storeLeased, s -> {
            s.setBytes(1, value);
            s.setInt(2, value.length);
            s.setLong(3, ttlMillis);
            s.setString(4, key);
            s.setString(5, lease);
        }) == 1, false, () -> release(key, lease)));
    }

    /** Gives up the lease on the background thread, {@linkplain #pastBreaker past the breaker}. */
    @Override
    public void releaseLease(String key, String lease) {
        if (lease != null) {
            later("release", key, 0, () -> release(key, lease));
        }
    }

    /** Releases {@code key}'s lease if it still holds {@code lease}, past the breaker; whether the statement ran. */
    private boolean release(String key, String lease) {
        return pastBreaker("release", c -> update(c, release, s -> {
            s.setString(1, key);
            s.setString(2, lease);
        }), -1L) >= 0;
    }

    /** Renews the entry and, so that they outlive it, its tag members (those it has: the rows name them). */
    @Override
    public void expire(String key, long ttlMillis, List<String> tagKeys, long tagTtlMillis) {
        later("expire", key, 0, () -> update("expire", expire, s -> {
            s.setLong(1, ttlMillis);
            s.setString(2, key);
        }) >= 0);
    }

    /**
     * {@code write} of {@code key} run on the background thread; or false, counted and warned about (rate-limited),
     * without it when the writes waiting there weigh {@link #WRITES_WAITING_BYTES} already (the database answers
     * within the timeout, but takes writes more slowly than misses make them), or once it has waited longer than a
     * lease: a store would be refused ({@code lease_until > now()}), the lease a release gives up has lapsed, and a
     * renewal could revive an entry that expired meanwhile. These are the only writes sent there, and none of them
     * can be lost at a cost to correctness: a store lost leaves the key out of the shared level (its lease lapses), a
     * release lost makes the next load wait for the lease, a renewal lost shortens the entry's life (its tag members
     * still outlive it: one statement renews both). Invalidations, tag members and leases are written on the
     * calling thread, and events by the publisher.
     */
    private CompletableFuture<Boolean> later(String what, String key, int valueBytes, Supplier<Boolean> write) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        long queued = System.nanoTime();
        boolean taken = writes.offer(WRITE_BYTES + 2L * key.length() + valueBytes, () -> {
            try {
                if (System.nanoTime() - queued <= leaseNanos) {
                    done.complete(write.get());
                } else {
                    dropped(what, "it waited longer than a lease");
                }
            } finally {
                done.complete(false);
            }
        });
        if (!taken) {
            dropped(what, "the writes waiting weigh " + (WRITES_WAITING_BYTES >> 20) + " MiB already");
            done.complete(false);
        }
        return done;
    }

    private void dropped(String what, String why) {
        writesDropped.increment();
        WeftLog.warnRateLimited("pg.store:dropped", name + ": a " + what + " was dropped (" + why + "): the"
                + " database takes writes more slowly than misses make them; values go uncached in the shared level"
                + " meanwhile, never stale (" + writesDropped.sum() + " dropped so far)");
    }

    /** Stores, releases and renewals not sent: too many were waiting, or one waited longer than a lease. */
    public long writesDropped() {
        return writesDropped.sum();
    }

    /** Binds the parameters of a statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    /** Runs one statement; returns the rows it changed, or -1 when it failed. */
    private long update(String what, String sql, Binder binder) {
        return call(what, c -> update(c, sql, binder), -1L);
    }

    private static long update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        }
    }

    private long updateKeys(String what, String sql, Object[] keys) {
        return call(what, c -> {
            Array array = c.createArrayOf("text", keys);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setArray(1, array);
                return (long) s.executeUpdate();
            } finally {
                array.free();
            }
        }, -1L);
    }

    @Override
    public boolean deleteWithLeases(List<String> keys) {
        return keys.isEmpty() || updateKeys("delete", deleteKeys, keys.toArray()) >= 0;
    }

    /**
     * Deletes the rows whose keys start with {@code prefix} (one range of the primary key), leases with them. The
     * events and the tag members live in tables of their own, so no row is one of {@code ownStructures}.
     */
    @Override
    public long deleteByPrefix(String prefix, Predicate<String> ownStructures) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("refusing to delete by an empty prefix (every key in the table)");
        }
        String successor = PrefixRange.successor(prefix);
        return update("delete by prefix", successor == null ? deleteFrom : deleteRange, s -> {
            s.setString(1, prefix);
            if (successor != null) {
                s.setString(2, successor);
            }
        });
    }

    @Override
    public boolean deleteTagged(String tagKey) {
        return update("delete by tag", deleteTagged, s -> s.setString(1, tagKey)) >= 0;
    }

    @Override
    public boolean awaitOpen(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (call("open", c -> c.isValid(1), false) != Boolean.TRUE) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The tables this store uses. */
    public PgTables tables() {
        return tables;
    }

    /** Closes the pooled connections. */
    @Override
    public void close() {
        pool.close();
    }
}
