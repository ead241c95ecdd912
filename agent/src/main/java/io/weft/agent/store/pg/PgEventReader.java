package io.weft.agent.store.pg;

import io.weft.agent.events.DispatchingReader;
import io.weft.agent.events.EvictionSink;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.store.RedisErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * Reads the events table on one daemon thread ({@code weft-events-reader}) over its own connection, which
 * {@code LISTEN}s on {@code weft_events}: it reads up to 100 events after the last one read, and those of the
 * ids skipped below it that have appeared since (appends commit out of order: {@link EventCursor}), applies them
 * as the Redis reader does (an {@link io.weft.agent.events.EventDispatcher}: own events skipped, clear-all, keys, prefixes, tags,
 * foreign types mapped by {@code weft.events.<type>}), and when it is not behind waits for a notification
 * (1 s at most, then reads anyway). It starts at the table's end, or, when the cache has been looking keys up
 * for a while, at the last event older than that (with a second of margin; before the oldest when none is).
 * Each time it connects, it creates the tables if they are missing. After a failed read and when it
 * is behind, it first checks that the table was not trimmed past the last event processed (or emptied,
 * or created again), and if it was, clears L1 and logs why; so it does after a read that skipped ids (a
 * reader held back while the table was trimmed past it reads fewer than a full batch when
 * {@code weft.stream.maxlen} is below it).
 */
public final class PgEventReader extends DispatchingReader {

    private static final int COUNT = 100;
    private static final int WAIT_MILLIS = 1000;
    private static final long LOOK_BACK_MARGIN_MILLIS = 1000;

    private final PgPool pool;
    private final PgTables tables;
    private final String table;
    private final String read;
    private final EventCursor cursor = new EventCursor(System::nanoTime);
    private volatile Connection connection;

    /**
     * @param instanceId this instance's id: events with this source are skipped
     * @param mapping the foreign event types read, and their key templates
     */
    public PgEventReader(PgPool pool, PgTables tables, String name, RedisErrors errors, String instanceId,
            ForeignEventMapping mapping, EvictionSink sink) {
        super("PostgreSQL " + name, errors, instanceId, mapping, sink);
        this.pool = pool;
        this.tables = tables;
        this.table = tables.events();
        this.read = "SELECT id, type, event FROM " + table + " WHERE id = ANY(?) UNION ALL"
                + " (SELECT id, type, event FROM " + table + " WHERE id > ? ORDER BY id LIMIT " + COUNT + ")"
                + " ORDER BY id";
    }

    /** On a failure the connection is closed, and opened again by the next round. */
    @Override
    protected boolean readRound(boolean checkGaps) throws SQLException {
        try {
            Connection c = listening();
            if (!cursor.positioned()) {
                cursor.position(end(c, cachingForMillis()));
            } else if (checkGaps) {
                clearIfGaps(gaps(c));
            }
            readSucceeded();
            int read = readOnce(c);
            if (cursor.skippedSinceGapCheck()) {
                clearIfGaps(skippedGaps(c));
            }
            readSucceeded();
            if (read >= COUNT) {
                return true;
            }
            c.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
            return false;
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            throw e;
        }
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

    /**
     * The id of the table's last event, or of the last one older than {@code lookBackMillis} (plus a margin), or
     * the one before its oldest event when none is that old (reading from there skips no id).
     */
    private long end(Connection c, long lookBackMillis) throws SQLException {
        String sql = lookBackMillis > 0
                ? "SELECT coalesce(max(id) FILTER (WHERE created_at < now() - ? * interval '1 millisecond'),"
                        + " min(id) - 1, 0) FROM " + table
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

    /**
     * Reads and applies the events after the last one read, at most 100, and those of the holes below it that
     * have appeared; returns how many.
     */
    private int readOnce(Connection c) throws SQLException {
        int n = 0;
        try (PreparedStatement s = c.prepareStatement(read)) {
            s.setArray(1, c.createArrayOf("bigint", cursor.holes()));
            s.setLong(2, cursor.last());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    dispatcher.dispatch(table, Long.toString(id), Map.of("type", r.getString(2), "event",
                            r.getString(3)));
                    cursor.read(id);
                    n++;
                }
            }
        }
        return n;
    }

    /** Where events may have been missed, judged from the ids the table holds now (empty when nowhere). */
    private List<String> gaps(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT min(id), max(id) FROM " + table)) {
            r.next();
            long min = r.getLong(1);
            boolean empty = r.wasNull();
            long max = r.getLong(2);
            String gap = cursor.gap(table, empty ? null : min, empty ? null : max);
            return gap == null ? List.of() : List.of(gap);
        }
    }

    /** Where events that reads skipped may have been trimmed before they were read (empty when nowhere). */
    private List<String> skippedGaps(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT min(id) FROM " + table)) {
            r.next();
            long min = r.getLong(1);
            String gap = cursor.skippedGap(table, r.wasNull() ? null : min);
            return gap == null ? List.of() : List.of(gap);
        }
    }

    /** Whether every event up to {@code end} (the table's last id) has been applied (or, in a hole, given up). */
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
    protected void closeConnection() {
        PgPool.closeQuietly(connection);
        connection = null;
    }

    @Override
    protected long closeWaitMillis() {
        return WAIT_MILLIS + 2000;
    }
}
