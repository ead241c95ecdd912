package io.weft.agent.store.pg;

import io.weft.agent.events.EventJson;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.events.InvalidationPublisher;
import io.weft.agent.events.PublishBuffer;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.FailureText;
import io.weft.agent.store.RedisErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Appends invalidation events to the events table ({@code <table>_events}: id, type, the same JSON as on
 * Redis Streams, SPEC §6), then wakes the readers with {@code NOTIFY weft_events}; one daemon thread
 * ({@code weft-events-publisher}) sends the queue in order, up to 100 events per round trip, so
 * {@link #publish} never waits for the database. While it cannot be reached, events stay queued (at most
 * {@code bufferCapacity}, then one clear-all event replaces them, as with Redis) and are sent once it can,
 * retrying every 50 ms to 2 s. Every 100 events the table is trimmed to about {@code weft.stream.maxlen}
 * rows, oldest first.
 */
public final class PgEventPublisher implements InvalidationPublisher {

    private static final int BATCH = 100;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final PgPool pool;
    private final String name;
    private final RedisErrors errors;
    private final String insert;
    private final String trim;
    private final String table;
    private final long maxLen;
    private final int bufferCapacity;
    private final long timeoutMillis;
    private final PublishBuffer buffer;
    private final Thread thread;
    private final LongAdder published = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private long appendedSinceTrim;
    private volatile boolean running = true;

    /**
     * @param maxLen {@code weft.stream.maxlen}: about how many events the table keeps
     * @param bufferCapacity how many events are kept while the database cannot be reached
     * @param timeout the wait for queued events at {@link #close}
     * @param instanceId this instance's id, the source of the clear-all event
     */
    public PgEventPublisher(PgPool pool, PgTables tables, String name, RedisErrors errors, long maxLen,
            int bufferCapacity, Duration timeout, String instanceId) {
        this.pool = pool;
        this.name = "PostgreSQL " + name;
        this.errors = errors;
        this.table = tables.events();
        this.insert = "INSERT INTO " + table + " (type, event) VALUES (?, ?)";
        this.trim = "DELETE FROM " + table + " WHERE id <= (SELECT max(id) FROM " + table + ") - ?";
        this.maxLen = maxLen;
        this.bufferCapacity = bufferCapacity;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.buffer = new PublishBuffer(bufferCapacity, () -> InvalidationEvent.clearAll(instanceId));
        this.thread = new Thread(this::run, "weft-events-publisher");
        this.thread.setDaemon(true);
    }

    /** Starts the publishing thread; events published before are queued until then. */
    public void start() {
        thread.start();
    }

    @Override
    public void publish(InvalidationEvent event) {
        if (!buffer.add(event)) {
            WeftLog.warnRateLimited("events.overflow", "more than " + bufferCapacity + " invalidation events could not"
                    + " be published to " + name + "; they are replaced by one clear-all event");
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (running) {
            List<InvalidationEvent> batch;
            try {
                batch = buffer.peek(BATCH, 1000);
            } catch (InterruptedException e) {
                continue;
            }
            if (batch.isEmpty()) {
                continue;
            }
            try {
                send(batch);
                buffer.remove(batch);
                published.add(batch.size());
                backoff = MIN_BACKOFF_MILLIS;
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                failures.increment();
                errors.note(e);
                WeftLog.warnRateLimited("events.publish", "cannot publish invalidation events to " + name + " ("
                        + FailureText.of(e) + "); keeping " + buffer.size() + " of them (at most " + bufferCapacity
                        + ") and retrying");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    // close() interrupts; the loop condition decides
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** Appends {@code batch} in one round trip, wakes the readers, and trims every 100 events. */
    private void send(List<InvalidationEvent> batch) throws SQLException {
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
            if (appendedSinceTrim >= BATCH) {
                try (PreparedStatement s = c.prepareStatement(trim)) {
                    s.setLong(1, maxLen);
                    s.executeUpdate();
                }
                appendedSinceTrim = 0;
            }
            broken = false;
        } finally {
            pool.giveBack(c, broken);
        }
    }

    @Override
    public boolean awaitPublished(Duration timeout) throws InterruptedException {
        return buffer.awaitEmpty(timeout.toMillis());
    }

    @Override
    public int pending() {
        return buffer.size();
    }

    @Override
    public long published() {
        return published.sum();
    }

    @Override
    public long failures() {
        return failures.sum();
    }

    @Override
    public long overflows() {
        return buffer.overflows();
    }

    @Override
    public long dropped() {
        return buffer.dropped();
    }

    /** Waits up to the timeout for queued events to go out, then stops the thread. */
    @Override
    public void close() {
        try {
            if (thread.isAlive()) {
                buffer.awaitEmpty(timeoutMillis);
            }
            running = false;
            buffer.wakeUp();
            thread.interrupt();
            thread.join(timeoutMillis + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
