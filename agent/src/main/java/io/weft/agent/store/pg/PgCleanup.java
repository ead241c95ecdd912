package io.weft.agent.store.pg;

import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Deletes expired rows every {@code weft.store.cleanup} on a daemon thread ({@code weft-store-cleanup}), and on
 * demand ({@code POST /store/cleanup}): the entries past their expiry whose lease (if any) has lapsed, then
 * the expired tag members, each in batches of 1,000 rows (an index range on the expiry, never a scan of the
 * table), then trims the events table to about {@code weft.stream.maxlen} rows ({@link EventTrim}, in batches
 * too: it stays bounded however few events each process appended), and logs
 * {@code cleanup: deleted N expired entries in T ms}. After each run it reads the table's size from the catalog
 * (rows estimated by the last {@code ANALYZE}, bytes on disk with indexes), for the metrics.
 */
public final class PgCleanup implements AutoCloseable {

    /** Rows deleted per statement. */
    static final int BATCH = 1000;

    private final PgStore store;
    private final Duration every;
    private final String deleteEntries;
    private final String deleteTags;
    private final EventTrim trimEvents;
    private final String size;
    private final String tableName;
    private final LongAdder expiredDeleted = new LongAdder();
    private final LongAdder runs = new LongAdder();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Background.threads("weft-store-cleanup"));
    private volatile long entries = -1;
    private volatile long bytes = -1;
    private volatile long lastRunMillis = -1;

    /**
     * @param every {@code weft.store.cleanup}
     * @param eventsMaxLen {@code weft.stream.maxlen}: about how many events the events table keeps
     */
    public PgCleanup(PgStore store, Duration every, long eventsMaxLen) {
        this.store = store;
        this.every = every;
        PgTables tables = store.tables();
        this.deleteEntries = "DELETE FROM " + tables.entries() + " WHERE key IN (SELECT key FROM " + tables.entries()
                + " WHERE expires_at < now() AND (lease_until IS NULL OR lease_until < now()) LIMIT " + BATCH + ")";
        this.deleteTags = "DELETE FROM " + tables.tags() + " WHERE (tag, key) IN (SELECT tag, key FROM " + tables.tags()
                + " WHERE expires_at < now() LIMIT " + BATCH + ")";
        this.trimEvents = new EventTrim(tables, eventsMaxLen);
        this.size = "SELECT greatest(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid) FROM pg_class c"
                + " WHERE c.oid = to_regclass(?)";
        this.tableName = tables.entries();
    }

    /** Reads the table's size now, then cleans up every {@code weft.store.cleanup}, the first time one period from now. */
    public void start() {
        timer.execute(this::readSize);
        long millis = Math.max(1, every.toMillis());
        timer.scheduleWithFixedDelay(this::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            WeftLog.warnRateLimited("pg.cleanup", "cleanup failed: " + e);
        }
    }

    /**
     * Deletes the expired rows and trims the events now, in batches, and refreshes the size; returns how many
     * entries were deleted, or -1 when the database failed (the rows deleted until then are counted). Waits for the
     * database: never call it on a caller's thread.
     */
    public synchronized long run() {
        long started = System.nanoTime();
        long deleted = 0;
        while (true) {
            long batch = store.call("cleanup", c -> {
                try (PreparedStatement s = c.prepareStatement(deleteEntries)) {
                    return (long) s.executeUpdate();
                }
            }, -1L);
            if (batch < 0) {
                expiredDeleted.add(deleted);
                return -1;
            }
            deleted += batch;
            if (batch < BATCH) {
                break;
            }
        }
        untilNotFull("cleanup (tags)", c -> {
            try (PreparedStatement s = c.prepareStatement(deleteTags)) {
                return s.executeUpdate();
            }
        });
        untilNotFull("cleanup (events)", trimEvents::deleteBatch);
        expiredDeleted.add(deleted);
        runs.increment();
        lastRunMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        WeftLog.info("cleanup: deleted " + deleted + " expired entries in " + lastRunMillis + " ms");
        readSize();
        return deleted;
    }

    /** Runs {@code deleteBatch} until it deletes less than a batch, or fails. */
    private void untilNotFull(String what, PgStore.Call<Integer> deleteBatch) {
        while (store.call(what, deleteBatch, 0) >= BATCH) {
            // until a batch is not full
        }
    }

    private void readSize() {
        store.call("table size", c -> {
            try (PreparedStatement s = c.prepareStatement(size)) {
                s.setString(1, tableName);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        entries = r.getLong(1);
                        bytes = r.getLong(2);
                    }
                }
            }
            return null;
        }, null);
    }

    /** Entries in the table as of the last cleanup (the planner's estimate), or -1 before one. */
    public long entries() {
        return entries;
    }

    /** The table's size on disk with its indexes as of the last cleanup, or -1 before one. */
    public long bytes() {
        return bytes;
    }

    /** Expired entries deleted by cleanups. */
    public long expiredDeleted() {
        return expiredDeleted.sum();
    }

    /** Cleanups run to the end. */
    public long runs() {
        return runs.sum();
    }

    /** How long the last complete cleanup took, in ms, or -1 before one. */
    public long lastRunMillis() {
        return lastRunMillis;
    }

    /** Stops the timer. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
