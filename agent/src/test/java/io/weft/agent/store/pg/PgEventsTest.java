package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.events.EventJson;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.events.RecordingSink;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.PgFixture;
import io.weft.agent.testing.TcpForwarder;
import io.weft.agent.testing.WeftIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events through the events table: the same JSON as on Redis, woken by NOTIFY, resumed, trimmed, gaps cleared. */
class PgEventsTest {

    private PgFixture pg;
    private final Closer closer = new Closer();
    private final RecordingSink sink = new RecordingSink();

    @BeforeEach
    void start() throws Exception {
        pg = PgFixture.start(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        closer.close();
        pg.close();
    }

    private PgEventPublisher publisher(String instance, long maxLen) {
        PgEventPublisher publisher = closer.later(new PgEventPublisher(pg.pool(), pg.tables(), "test",
                new RedisErrors(true), maxLen, 10_000, Duration.ofSeconds(2), WeftIds.of(instance)));
        publisher.start();
        return publisher;
    }

    private PgEventReader reader(String instance, String applicationName) {
        PgPool pool = closer.later(new PgPool(PgDriver.create(), PgFixture.URL, Duration.ofSeconds(2), applicationName));
        PgEventReader reader = closer.later(new PgEventReader(pool, pg.tables(), "test", new RedisErrors(true),
                WeftIds.of(instance), ForeignEventMapping.parse(Map.of("book.updated", "book:{book_id}")), sink));
        reader.start();
        Await.until(Duration.ofSeconds(10), "the reader positioned", reader::positioned);
        return reader;
    }

    /** Instance a's publisher, once its event {@code first} was applied: the table holds an event older than the test's. */
    private PgEventPublisher afterAFirstEvent() {
        PgEventPublisher a = publisher("a", 10_000);
        a.publish(keys("a", "first"));
        Await.until(Duration.ofSeconds(5), "the first event", () -> sink.received("keys [first]"));
        return a;
    }

    private static InvalidationEvent keys(String instance, String... keys) {
        return InvalidationEvent.invalidation(EventStreams.CACHE_INVALIDATED, List.of(keys), List.of(), Map.of(),
                WeftIds.of(instance));
    }

    @Test
    void anotherInstancesEventsAreAppliedAndItsOwnSkipped() throws Exception {
        PgEventReader reader = reader("b", "weft-test-reader");
        PgEventPublisher a = publisher("a", 10_000);
        a.publish(keys("b", "own:1"));
        a.publish(keys("a", "book:1", "book:2"));
        Await.until(Duration.ofSeconds(5), "a's event applied", () -> sink.received("keys [book:1, book:2]"));
        assertEquals(List.of("keys [book:1, book:2]"), sink.calls);
        assertEquals(1, reader.ownEventsSkipped());
        String json = pg.query(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT type, event FROM "
                    + pg.tables().events() + " ORDER BY id DESC LIMIT 1")) {
                r.next();
                return r.getString(1) + " " + r.getString(2);
            }
        });
        assertTrue(json.startsWith("cache.invalidated {\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"book:1\","
                + "\"book:2\"]"), json);
    }

    @Test
    void aForeignServicesRowIsMappedByItsType() throws Exception {
        reader("b", "weft-test-reader");
        pg.update("INSERT INTO " + pg.tables().events() + " (type, event) VALUES ('book.updated',"
                + " '{\"type\":\"book.updated\",\"payload\":{\"book_id\":\"7\"},\"timestamp\":\"2026-12-05T01:00:00Z\","
                + "\"event_id\":\"py-1\"}'); NOTIFY weft_events");
        Await.until(Duration.ofSeconds(5), "the foreign event applied", () -> sink.received("keys+L2 [book:7]"));
    }

    @Test
    void anEventCommittedAfterALaterOneIsAppliedOnceItCommits() throws Exception {
        PgEventReader reader = reader("b", "weft-test-reader");
        PgEventPublisher a = afterAFirstEvent(); // older than the hole: the table was not trimmed past it
        inTransaction(c -> {
            append(c, keys("c", "committed-last")); // takes the lesser id
            a.publish(keys("a", "committed-first"));
            Await.until(Duration.ofSeconds(5), "the later event applied", () -> sink.received("keys [committed-first]"));
            c.commit();
        });
        Await.until(Duration.ofSeconds(5), "the lesser id applied once committed",
                () -> sink.received("keys [committed-last]"));
        a.publish(keys("a", "after"));
        Await.until(Duration.ofSeconds(5), "the next event", () -> sink.received("keys [after]"));
        assertEquals(List.of("keys [first]", "keys [committed-first]", "keys [committed-last]", "keys [after]"),
                sink.calls, "each applied once");
        assertEquals(0, reader.gapClears());
    }

    @Test
    void aRolledBackAppendHoldsNoEventBack() throws Exception {
        PgEventReader reader = reader("b", "weft-test-reader");
        // an event older than the hole: the table was not trimmed past it (in an empty table, it would read as if it
        // were, and L1 would be cleared once, needlessly)
        PgEventPublisher a = afterAFirstEvent();
        inTransaction(c -> {
            append(c, keys("c", "rolled-back"));
            c.rollback();
        });
        a.publish(keys("a", "after"));
        Await.until(Duration.ofSeconds(5), "the event after the hole", () -> sink.received("keys [after]"));
        a.publish(keys("a", "later"));
        Await.until(Duration.ofSeconds(5), "the next event", () -> sink.received("keys [later]"));
        assertEquals(List.of("keys [first]", "keys [after]", "keys [later]"), sink.calls);
        assertEquals(0, reader.gapClears(), "the skipped id was checked, and found not trimmed");
    }

    /** Appends {@code event} on {@code c} and wakes the readers, as a publisher does, in {@code c}'s transaction. */
    /** Work in one transaction of its own connection, which {@code work} commits or rolls back itself. */
    private interface InTransaction {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(InTransaction work) throws SQLException {
        pg.query(c -> {
            c.setAutoCommit(false);
            try {
                work.run(c);
            } finally {
                c.setAutoCommit(true);
            }
            return null;
        });
    }

    private void append(Connection c, InvalidationEvent event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + pg.tables().events() + " (type, event)"
                + " VALUES (?, ?)")) {
            s.setString(1, event.type());
            s.setString(2, EventJson.encode(event));
            s.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.execute("NOTIFY " + PgTables.CHANNEL);
        }
    }

    @Test
    void theTableIsTrimmedToAboutItsBound() throws Exception {
        PgEventPublisher a = publisher("a", 50);
        for (int i = 0; i < 250; i++) {
            a.publish(keys("a", "k" + i));
        }
        assertTrue(a.awaitPublished(Duration.ofSeconds(10)));
        long rows = pg.rows(pg.tables().events());
        assertTrue(rows >= 50 && rows < 150, rows + " rows");
    }

    @Test
    void aPublisherTrimsTheTableAtItsFirstAppend() throws Exception {
        // left by earlier processes, each of which appended fewer than the 100 events between trims
        pg.update("INSERT INTO " + pg.tables().events() + " (type, event) SELECT 'cache.invalidated', '{}'"
                + " FROM generate_series(1, 300)");
        PgEventPublisher a = publisher("a", 50);
        a.publish(keys("a", "k"));
        assertTrue(a.awaitPublished(Duration.ofSeconds(5)));
        assertEquals(50, pg.rows(pg.tables().events()));
    }

    @Test
    void aReaderThatLostItsConnectionResumesAfterTheLastEventAndClearsWhenTrimmedPastIt() throws Exception {
        String name = "weft-test-" + pg.table();
        PgEventReader reader = reader("b", name);
        PgEventPublisher a = publisher("a", 10_000);
        a.publish(keys("a", "before"));
        Await.until(Duration.ofSeconds(5), "the first event", () -> sink.received("keys [before]"));
        terminate(name);
        a.publish(keys("a", "while-away"));
        Await.until(Duration.ofSeconds(10), "the event appended while reconnecting", () -> sink.received("keys [while-away]"));
        assertEquals(0, reader.gapClears());
        assertTrue(reader.readFailures() > 0, "the connection was lost");

        // the reader's reconnection creates the tables first, under this lock: it waits while the events are trimmed
        Connection lock = pg.pool().borrow();
        try {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(hashtext('weft:" + pg.table() + "'))");
            }
            terminate(name);
            a.publish(keys("a", "trimmed-1"));
            a.publish(keys("a", "trimmed-2"));
            assertTrue(a.awaitPublished(Duration.ofSeconds(5)));
            pg.update("DELETE FROM " + pg.tables().events() + " WHERE event NOT LIKE '%trimmed-2%'");
        } finally {
            lock.commit();
            pg.pool().giveBack(lock, false);
        }
        Await.until(Duration.ofSeconds(10), "the event after the gap", () -> sink.received("keys [trimmed-2]"));
        assertEquals(1, reader.gapClears());
        assertTrue(sink.calls.indexOf("clearAll") < sink.calls.indexOf("keys [trimmed-2]"), "" + sink.calls);
        assertTrue(!sink.received("keys [trimmed-1]"), "trimmed before it was read");
    }

    /**
     * A reader held back while more events than {@code weft.stream.maxlen} were appended finds the table trimmed past
     * it and reads fewer than a full batch (maxlen 5 here): only the ids it skipped show the loss, and it clears L1.
     * The lock that holds it back also holds back other appends, so the events are appended and trimmed in the lock's
     * transaction; to the reader that is the same as appended, committed and trimmed while it did not read.
     */
    @Test
    void aReaderHeldBackWhileTheTableWasTrimmedPastItClearsWhenItReadsLessThanABatch() throws Exception {
        PgEventReader reader = reader("b", "weft-test-reader");
        PgEventPublisher a = afterAFirstEvent();
        String events = pg.tables().events();
        inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE " + events + " IN ACCESS EXCLUSIVE MODE");
            }
            for (int i = 1; i <= 20; i++) {
                append(c, keys("c", "held-" + i));
            }
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + events + " WHERE id <= (SELECT max(id) - 5 FROM " + events + ")");
            }
            c.commit();
        });
        Await.until(Duration.ofSeconds(10), "the events left after the trim", () -> sink.received("keys [held-20]"));
        Await.until(Duration.ofSeconds(5), "L1 cleared for the events trimmed", () -> reader.gapClears() == 1);
        assertTrue(sink.received("clearAll"), "" + sink.calls);
        assertTrue(!sink.received("keys [held-15]"), "trimmed before it was read");
        a.publish(keys("a", "after"));
        Await.until(Duration.ofSeconds(5), "the next event", () -> sink.received("keys [after]"));
        assertEquals(1, reader.gapClears(), "one clear for one trim");
    }

    @Test
    void eventsMadeWhileTheDatabaseIsUnreachableAreSentOnceItAnswers() throws Exception {
        int port = TcpForwarder.closedPort();
        PgPool away = closer.later(new PgPool(PgDriver.create(), "jdbc:postgresql://127.0.0.1:" + port
                + "/test?user=postgres", Duration.ofMillis(500), "weft-test-away"));
        PgEventPublisher a = closer.later(new PgEventPublisher(away, pg.tables(), "away", new RedisErrors(true),
                10_000, 10_000, Duration.ofSeconds(2), "a"));
        a.start();
        for (int i = 0; i < 3; i++) {
            a.publish(keys("a", "k" + i));
        }
        Await.until(Duration.ofSeconds(5), "a failed attempt", () -> a.failures() > 0);
        assertEquals(3, a.pending(), "the events are kept");
        closer.later(TcpForwarder.start(port, 5432));
        Await.until(Duration.ofSeconds(10), "the events sent once the database answers", () -> a.published() == 3);
        assertEquals(3, pg.rows(pg.tables().events()));
    }

    /** Ends the reader's connection from the server's side, as a restart or a network cut would. */
    private void terminate(String applicationName) throws Exception {
        Await.until(Duration.ofSeconds(5), "the reader's connection terminated", () -> {
            try {
                return pg.query(c -> {
                    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FILTER"
                            + " (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                            + applicationName + "'")) {
                        r.next();
                        return r.getLong(1) > 0;
                    }
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
