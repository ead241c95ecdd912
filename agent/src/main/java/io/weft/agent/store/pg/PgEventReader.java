package io.weft.agent.store.pg;

import io.weft.agent.events.EventDispatcher;
import io.weft.agent.events.EventReader;
import io.weft.agent.events.EvictionSink;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.FailureText;
import io.weft.agent.store.RedisErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.postgresql.PGConnection;

/**
 * Reads the events table on one daemon thread ({@code weft-events-reader}) over its own connection, which
 * {@code LISTEN}s on {@code weft_events}: it reads up to 100 events after the last one processed, applies them
 * as the Redis reader does (an {@link EventDispatcher}: own events skipped, clear-all, keys, prefixes, tags,
 * foreign types mapped by {@code weft.events.<type>}), and when it is not behind waits for a notification
 * (1 s at most, then reads anyway). It starts at the table's end, or, when the cache has been looking keys up
 * for a while, at the last event older than that (with a second of margin). Each time it connects, it
 * creates the tables if they are missing. After a failed read and when it
 * is behind, it first checks that the table was not trimmed past the last event processed (or emptied,
 * or created again), and if it was, clears L1 and logs why.
 */
public final class PgEventReader implements EventReader {

    private static final int COUNT = 100;
    private static final int WAIT_MILLIS = 1000;
    private static final long LOOK_BACK_MARGIN_MILLIS = 1000;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final PgPool pool;
    private final String name;
    private final RedisErrors errors;
    private final PgTables tables;
    private final String table;
    private final String read;
    private final EventCursor cursor = new EventCursor();
    private final EventDispatcher dispatcher;
    private final EvictionSink sink;
    private final Thread thread;
    private final LongAdder readFailures = new LongAdder();
    private final LongAdder gapClears = new LongAdder();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection connection;
    private boolean announced;

    /**
     * @param instanceId this instance's id: events with this source are skipped
     * @param mapping the foreign event types read, and their key templates
     */
    public PgEventReader(PgPool pool, PgTables tables, String name, RedisErrors errors, String instanceId,
            ForeignEventMapping mapping, EvictionSink sink) {
        this.pool = pool;
        this.name = "PostgreSQL " + name;
        this.errors = errors;
        this.tables = tables;
        this.table = tables.events();
        this.read = "SELECT id, type, event FROM " + table + " WHERE id > ? ORDER BY id LIMIT " + COUNT;
        this.dispatcher = new EventDispatcher(instanceId, mapping, sink, Clock.systemUTC());
        this.sink = sink;
        this.thread = new Thread(this::run, "weft-events-reader");
        this.thread.setDaemon(true);
    }

    /** Starts the reading thread. */
    public void start() {
        thread.start();
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        boolean checkGaps = false;
        while (running) {
            try {
                Connection c = listening();
                if (!cursor.positioned()) {
                    cursor.position(end(c, sink.cachingForMillis()));
                } else if (checkGaps) {
                    clearIfGaps(c);
                }
                if (!announced) {
                    announced = true;
                    connected = true;
                    WeftLog.info("reading invalidation events from " + name + ": " + table);
                }
                int read = readOnce(c);
                connected = true;
                backoff = MIN_BACKOFF_MILLIS;
                checkGaps = read >= COUNT;
                if (!checkGaps) {
                    c.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                }
            } catch (SQLException | RuntimeException e) {
                PgPool.closeQuietly(connection);
                connection = null;
                if (!running) {
                    break;
                }
                readFailures.increment();
                errors.note(e);
                connected = false;
                checkGaps = true;
                WeftLog.warnRateLimited("events.read", "cannot read events from " + name + " (" + FailureText.of(e)
                        + "); retrying, then going on after the last event read");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    // close() interrupts; the loop condition decides
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
        PgPool.closeQuietly(connection);
    }

    /** The reader's connection, opened and listening (its socket bound is past the notification wait). */
    private Connection listening() throws SQLException {
        Connection c = connection;
        if (c != null) {
            return c;
        }
        Properties p = new Properties();
        p.setProperty("socketTimeout", Long.toString(WAIT_MILLIS / 1000 + 5));
        c = pool.open(p);
        try (Statement s = c.createStatement()) {
            tables.create(c); // a database that was down when the agent started gets its tables now
            s.execute("LISTEN " + PgTables.CHANNEL);
        } catch (SQLException | RuntimeException e) {
            PgPool.closeQuietly(c);
            throw e;
        }
        connection = c;
        return c;
    }

    /** The id of the table's last event, or of the last one older than {@code lookBackMillis} (plus a margin). */
    private long end(Connection c, long lookBackMillis) throws SQLException {
        String sql = lookBackMillis > 0
                ? "SELECT coalesce(max(id), 0) FROM " + table + " WHERE created_at < now() - ? * interval '1 millisecond'"
                : "SELECT coalesce(max(id), 0) FROM " + table;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (lookBackMillis > 0) {
                s.setLong(1, lookBackMillis + LOOK_BACK_MARGIN_MILLIS);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Reads and applies the events after the last one processed, at most 100; returns how many. */
    private int readOnce(Connection c) throws SQLException {
        int n = 0;
        try (PreparedStatement s = c.prepareStatement(read)) {
            s.setLong(1, cursor.last());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    dispatcher.dispatch(table, Long.toString(id), Map.of("type", r.getString(2), "event",
                            r.getString(3)));
                    cursor.advance(id);
                    n++;
                }
            }
        }
        return n;
    }

    private void clearIfGaps(Connection c) throws SQLException {
        String gap;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT min(id), max(id) FROM " + table)) {
            r.next();
            long min = r.getLong(1);
            boolean empty = r.wasNull();
            long max = r.getLong(2);
            gap = cursor.gap(table, empty ? null : min, empty ? null : max);
        }
        if (gap == null) {
            return;
        }
        String reason = "invalidation events may have been missed: " + gap;
        WeftLog.warn(reason + "; clearing the local cache");
        gapClears.increment();
        try {
            sink.clearAll(reason);
        } catch (RuntimeException e) {
            WeftLog.warnRateLimited("events.sink", "clearing the local cache failed: " + e);
        }
    }

    /** Whether every event up to {@code end} (the table's last id) has been applied. */
    public boolean hasApplied(long end) {
        return cursor.reached(end);
    }

    @Override
    public List<String> streams() {
        return List.of(table);
    }

    @Override
    public boolean positioned() {
        return cursor.positioned();
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public long eventsApplied() {
        return dispatcher.applied();
    }

    @Override
    public long ownEventsSkipped() {
        return dispatcher.own();
    }

    @Override
    public long eventsIgnored() {
        return dispatcher.ignored();
    }

    @Override
    public long malformedEntries() {
        return dispatcher.malformed();
    }

    @Override
    public long sinkFailures() {
        return dispatcher.sinkFailures();
    }

    @Override
    public long gapClears() {
        return gapClears.sum();
    }

    @Override
    public long readFailures() {
        return readFailures.sum();
    }

    @Override
    public long lagMillis() {
        return dispatcher.lagMillis();
    }

    /** Stops the thread and closes its connection. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(WAIT_MILLIS + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
