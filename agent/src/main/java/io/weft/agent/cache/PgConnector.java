package io.weft.agent.cache;

import io.weft.agent.config.Durations;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.events.InstanceIds;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.FailureText;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.store.pg.JdbcUrls;
import io.weft.agent.store.pg.PgCleanup;
import io.weft.agent.store.pg.PgDriver;
import io.weft.agent.store.pg.PgEventPublisher;
import io.weft.agent.store.pg.PgEventReader;
import io.weft.agent.store.pg.PgPool;
import io.weft.agent.store.pg.PgStore;
import io.weft.agent.store.pg.PgTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects a {@link CacheRuntime} to PostgreSQL ({@code weft.store.uri}, SPEC §14): the shared level in a
 * table, the event publisher and reader on the events table, and the cleanup of expired rows. A database that
 * cannot be reached at start costs a warning: the tables are created by the reader once it connects, and the
 * store's calls fail fast (breaker) until then.
 */
public final class PgConnector implements SharedConnector {

    private final PgStore store;
    private final PgEventPublisher publisher;
    private final PgEventReader reader;
    private final PgCleanup cleanup;
    private final String redacted;
    private final RedisErrors errors;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PgConnector(PgStore store, PgEventPublisher publisher, PgEventReader reader, PgCleanup cleanup,
            String redacted, RedisErrors errors) {
        this.store = store;
        this.publisher = publisher;
        this.reader = reader;
        this.cleanup = cleanup;
        this.redacted = redacted;
        this.errors = errors;
    }

    /** Starts the PostgreSQL side of {@code runtime} as {@code config} says. */
    public static PgConnector connect(CacheRuntime runtime, WeftConfig config) {
        return SharedLevels.openWithExitHook("weft-store-close", runtime, () -> open(runtime, config));
    }

    private static PgConnector open(CacheRuntime runtime, WeftConfig config) {
        String instanceId = InstanceIds.create();
        String redacted = JdbcUrls.redacted(config.storeUri());
        Duration timeout = config.storeTimeout();
        PgTables tables = new PgTables(config.storeTable());
        PgPool pool = new PgPool(PgDriver.create(), config.storeUri(), timeout, instanceId);
        RedisErrors errors = new RedisErrors(true);
        createTables(pool, tables, redacted);
        PgStore store = new PgStore(pool, tables, redacted, new CircuitBreaker("L2"), errors,
                Background.singleThread("weft-store-writes"), SharedLevel.LEASE_MILLIS);
        PgEventPublisher publisher = new PgEventPublisher(pool, tables, redacted, errors, config.streamMaxLen(),
                RedisConnector.PUBLISH_BUFFER, timeout, instanceId);
        PgEventReader reader = new PgEventReader(pool, tables, redacted, errors, instanceId,
                ForeignEventMapping.parse(config.eventTemplates()), runtime);
        ValueCodecs codecs = new ValueCodecs(config.maxValueBytes(), config.compressMinBytes());
        runtime.connect(new SharedLevel(store, codecs, config.namespace(), config.leaseWait()), publisher, instanceId,
                bound -> caughtUp(store, reader, bound));
        SharedLevels.warmUpEvents(instanceId);
        publisher.start();
        reader.start();
        PgCleanup cleanup = new PgCleanup(store, config.storeCleanup(), config.streamMaxLen());
        cleanup.start();
        WeftLog.info("L2 on " + redacted + " (PostgreSQL table " + tables.entries() + ", timeout "
                + Durations.format(timeout) + ", cleanup every " + Durations.format(config.storeCleanup())
                + "); reading " + tables.events() + " as instance " + instanceId);
        return new PgConnector(store, publisher, reader, cleanup, redacted, errors);
    }

    /** Creates the tables if missing, on a pooled connection (kept open for the first lookups); warns if it cannot. */
    private static void createTables(PgPool pool, PgTables tables, String redacted) {
        Connection c = null;
        boolean broken = true;
        try {
            c = pool.borrow();
            tables.create(c);
            broken = false;
        } catch (SQLException | RuntimeException e) {
            WeftLog.warn("cannot create the tables of " + tables.entries() + " on " + redacted + " now ("
                    + FailureText.of(e) + "); the event reader creates them once the database answers");
        } finally {
            if (c != null) {
                pool.giveBack(c, broken);
            }
        }
    }

    /**
     * Waits up to {@code bound} until {@code reader} has applied every event the table holds now (its last id,
     * read on a pooled connection); polls, on a background thread.
     */
    static boolean caughtUp(PgStore store, PgEventReader reader, Duration bound) throws InterruptedException {
        String last = "SELECT coalesce(max(id), 0) FROM " + store.tables().events();
        Long end = store.call("last event", c -> {
            try (PreparedStatement s = c.prepareStatement(last); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }, null);
        if (end == null) {
            return false;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        while (!reader.hasApplied(end)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Deletes the expired rows now ({@code POST /store/cleanup}); returns how many entries, or -1 on failure. */
    public long cleanUpNow() {
        return cleanup.run();
    }

    /** The cleanup of expired rows, for its counters. */
    public PgCleanup cleanup() {
        return cleanup;
    }

    @Override
    public String kind() {
        return "PostgreSQL";
    }

    @Override
    public PgStore store() {
        return store;
    }

    @Override
    public PgEventReader reader() {
        return reader;
    }

    @Override
    public PgEventPublisher publisher() {
        return publisher;
    }

    @Override
    public long failovers() {
        return 0;
    }

    @Override
    public String redactedUri() {
        return redacted;
    }

    @Override
    public RedisErrors errors() {
        return errors;
    }

    /** Stops the cleanup and the reader, sends the events still queued (bounded) and closes the connections. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        cleanup.close();
        reader.close();
        publisher.close();
        store.close();
    }
}
