package io.weft.agent.store.pg;

import io.weft.agent.events.BufferedPublisher;
import io.weft.agent.events.EventJson;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.store.RedisErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Appends invalidation events to the events table ({@code <table>_events}: id, type, the same JSON as on
 * Redis Streams, SPEC §6), then wakes the readers with {@code NOTIFY weft_events}, on a pooled connection.
 * Events are always queued and sent by the publishing thread ({@link BufferedPublisher}: in order, up to 100
 * per round trip, bounded, retried while the database cannot be reached, replaced by a clear-all event on
 * overflow). The first append and then every 100 events trim the table ({@link EventTrim}): the count starts
 * again with each process, which may append fewer ({@link PgCleanup} trims it too).
 */
public final class PgEventPublisher extends BufferedPublisher {

    private static final int TRIM_EVERY = 100;

    private final PgPool pool;
    private final String insert;
    private final EventTrim trim;
    private final String table;
    /** Starts as if a trim were due: the first send trims. */
    private long appendedSinceTrim = TRIM_EVERY;

    /**
     * @param maxLen {@code weft.stream.maxlen}: about how many events the table keeps
     * @param bufferCapacity how many events are kept while the database cannot be reached
     * @param timeout the wait for queued events at {@link #close}
     * @param instanceId this instance's id, the source of the clear-all event
     */
    public PgEventPublisher(PgPool pool, PgTables tables, String name, RedisErrors errors, long maxLen,
            int bufferCapacity, Duration timeout, String instanceId) {
        super("PostgreSQL " + name, errors, bufferCapacity, timeout, instanceId);
        this.pool = pool;
        this.table = tables.events();
        this.insert = "INSERT INTO " + table + " (type, event) VALUES (?, ?)";
        this.trim = new EventTrim(tables, maxLen);
    }

    /** Starts the publishing thread; events published before are queued until then. */
    public void start() {
        startThread();
    }

    /** Appends {@code batch} in one round trip, wakes the readers, and trims at the first send and every 100 events. */
    @Override
    protected void send(List<InvalidationEvent> batch) throws SQLException {
        Connection c = pool.borrow();
        boolean broken = true;
        try {
            try (PreparedStatement s = c.prepareStatement(insert)) {
                for (InvalidationEvent event : batch) {
                    s.setString(1, event.type());
                    s.setString(2, EventJson.encode(event));
                    s.addBatch();
                }
                s.executeBatch();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                s.setString(1, PgTables.CHANNEL);
                s.setString(2, table);
                s.execute();
            }
            appendedSinceTrim += batch.size();
            if (appendedSinceTrim >= TRIM_EVERY) {
                trim.deleteBatch(c);
                appendedSinceTrim = 0;
            }
            broken = false;
        } finally {
            pool.giveBack(c, broken);
        }
    }

    /** The connections are the pool's: nothing of its own to close. */
    @Override
    protected void closeConnection() {
        // the pool is closed with the store
    }
}
