package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.SharedStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.PgFixture;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared level in a PostgreSQL table: leases, expiry, prefixes, tags and cleanup, on the real database. */
class PgStoreTest {

    private static final long LEASE = 30_000;
    private static final byte[] VALUE = "{\"title\":\"Dune\"}".getBytes(StandardCharsets.UTF_8);

    private PgFixture pg;
    private PgStore store;

    @BeforeEach
    void start() throws Exception {
        pg = PgFixture.start(Duration.ofSeconds(2));
        store = new PgStore(pg.pool(), pg.tables(), "test", new CircuitBreaker("L2"), new RedisErrors(true),
                Runnable::run, LEASE);
    }

    @AfterEach
    void stop() throws Exception {
        pg.close();
    }

    private StoredValue lookup(String key, String token) {
        return store.lookup(key, token, LEASE, List.of(), 0, SharedStore.NEVER_STALE);
    }

    @Test
    void anUnreadableValueIsEmptiedWithItsLeaseTakenForTheReload() throws Exception {
        assertTrue(lookup("k", "t1").leased());
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t1").get());

        StoredValue dropped = store.dropUnreadable("k", "t2", LEASE, List.of(), 0);

        assertTrue(dropped.leased() && dropped.value() == null, "a miss holding the lease");
        assertNull(lookup("k", "t3").value());
        assertTrue(store.dropUnreadable("k", "t2", LEASE, List.of(), 0).leased(),
                "a lease that holds the token already (a stale value's lookup took it) is kept");
        assertFalse(store.dropUnreadable("k", "t3", LEASE, List.of(), 0).leased(), "another holds it");
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t2").get());
        assertArrayEquals(VALUE, lookup("k", "t4").value());
    }

    @Test
    void anInvalidationAfterTheDropOfAnUnreadableValueKeepsTheReloadOut() throws Exception {
        assertTrue(lookup("k", "t1").leased());
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t1").get());
        assertTrue(store.dropUnreadable("k", "t2", LEASE, List.of(), 0).leased());

        assertTrue(store.deleteWithLeases(List.of("k")));

        assertFalse(store.storeIfLeased("k", VALUE, 60_000, "t2").get());
        assertNull(lookup("k", "t3").value());
    }

    @Test
    void aMissTakesTheLeaseAndOnlyItsHolderStores() throws Exception {
        StoredValue first = lookup("k", "t1");
        assertNull(first.value());
        assertTrue(first.leased());
        assertFalse(lookup("k", "t2").leased(), "another instance is loading the key");
        assertFalse(store.storeIfLeased("k", VALUE, 60_000, "t2").get(), "not the lease holder");
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t1").get());
        StoredValue hit = lookup("k", "t3");
        assertArrayEquals(VALUE, hit.value());
        assertFalse(hit.stale());
        assertTrue(hit.remainingMillis() > 55_000 && hit.remainingMillis() <= 60_000, "" + hit.remainingMillis());
        assertFalse(store.storeIfLeased("k", VALUE, 60_000, "t1").get(), "the lease ended with the store");
    }

    @Test
    void aBatchLookupReadsTheLiveValuesAndTakesTheFreeLeases() throws Exception {
        assertTrue(lookup("a", "t0").leased());
        assertTrue(store.storeIfLeased("a", VALUE, 60_000, "t0").get());
        assertTrue(lookup("b", "another").leased());
        assertTrue(lookup("d", "t0").leased());
        assertTrue(store.storeIfLeased("d", VALUE, 1, "t0").get());
        Await.until(Duration.ofSeconds(5), "d expired", () -> {
            try {
                return countRows("key = 'd' AND expires_at <= now()") == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        List<StoredValue> found = store.lookupAll(List.of("a", "b", "c", "d", "c"), "batch", LEASE);

        assertArrayEquals(VALUE, found.get(0).value(), "a live value");
        assertFalse(found.get(0).leased());
        assertNull(found.get(1).value());
        assertFalse(found.get(1).leased(), "another instance is loading b");
        assertTrue(found.get(2).leased() && found.get(4).leased(), "c is free: leased, once for both of its places");
        assertNull(found.get(3).value(), "an expired value is never served");
        assertTrue(found.get(3).leased());
        assertEquals(0, countRows("key = 'd' AND value IS NOT NULL"), "and the lease emptied it");
        assertTrue(store.storeIfLeased("c", VALUE, 60_000, "batch").get(), "the batch's token stores c");
        assertFalse(store.storeIfLeased("b", VALUE, 60_000, "batch").get());
    }

    /** What a due reload reads first (SPEC §12: the value another instance reloaded), as on Redis: no lease taken. */
    @Test
    void valuesReadsTheLiveValuesWithoutTakingLeases() throws Exception {
        assertTrue(lookup("live", "t1").leased());
        assertTrue(store.storeIfLeased("live", VALUE, 60_000, "t1").get());
        assertTrue(lookup("gone", "t2").leased());
        assertTrue(store.storeIfLeased("gone", VALUE, 1, "t2").get());
        Thread.sleep(5);

        Map<String, StoredValue> values = store.values(List.of("live", "gone", "never"));

        assertEquals(Set.of("live"), values.keySet());
        assertArrayEquals(VALUE, values.get("live").value());
        assertTrue(values.get("live").remainingMillis() > 59_000, values.get("live").remainingMillis() + " ms left");
        assertTrue(lookup("never", "t3").leased(), "no lease was taken on the key without a value");
    }

    @Test
    void anInvalidationDuringTheLoadKeepsItsValueOut() throws Exception {
        assertTrue(lookup("k", "t1").leased());
        assertTrue(store.deleteWithLeases(List.of("k")));
        assertFalse(store.storeIfLeased("k", VALUE, 60_000, "t1").get(), "the load overlapped an invalidation");
        StoredValue next = lookup("k", "t2");
        assertNull(next.value());
        assertTrue(next.leased(), "the next load may store");
    }

    @Test
    void aLapsedLeaseIsTakenOverAndItsFormerHolderCannotStore() throws Exception {
        assertTrue(store.lookup("k", "t1", 1, List.of(), 0, SharedStore.NEVER_STALE).leased());
        Await.until(Duration.ofSeconds(5), "the lease taken over", () -> lookup("k", "t2").leased());
        assertFalse(store.storeIfLeased("k", VALUE, 60_000, "t1").get());
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t2").get());
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        assertTrue(lookup("k", "t1").leased());
        store.releaseLease("k", "t1");
        assertTrue(lookup("k", "t2").leased());
    }

    @Test
    void anExpiredValueIsNeverServedAndIsRemovedOnRead() throws Exception {
        assertTrue(lookup("k", "t1").leased());
        assertTrue(store.storeIfLeased("k", VALUE, 1, "t1").get());
        Await.until(Duration.ofSeconds(5), "the value expired", () -> lookup("k", "t" + System.nanoTime()).value() == null);
        assertEquals(0, countRows("value IS NOT NULL"), "the expired value was removed by the read");
    }

    @Test
    void aValueInItsStaleWindowComesBackStaleWithTheLease() throws Exception {
        assertTrue(lookup("k", "t1").leased());
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t1").get());
        StoredValue stale = store.lookup("k", "t2", LEASE, List.of(), 0, 120_000);
        assertArrayEquals(VALUE, stale.value());
        assertTrue(stale.stale() && stale.leased());
        StoredValue again = store.lookup("k", "t3", LEASE, List.of(), 0, 120_000);
        assertTrue(again.stale() && !again.leased(), "t2 is reloading it");
        assertTrue(again.remainingMillis() <= 60_000, "taking the lease did not extend the value's life");
    }

    @Test
    void slidingRenewalExtendsALiveValue() throws Exception {
        assertTrue(lookup("k", "t1").leased());
        assertTrue(store.storeIfLeased("k", VALUE, 10_000, "t1").get());
        store.expire("k", 90_000, List.of(), 0);
        assertTrue(lookup("k", "t2").remainingMillis() > 80_000);
    }

    @Test
    void aPrefixDeletesExactlyTheKeysUnderIt() throws Exception {
        for (String key : List.of("ns:book:1", "ns:book:2", "ns:book;", "ns:boo", "ns:books:1", "ns:c")) {
            assertTrue(lookup(key, "t").leased());
            assertTrue(store.storeIfLeased(key, VALUE, 60_000, "t").get());
        }
        assertEquals(2, store.deleteByPrefix("ns:book:", key -> false));
        assertEquals(List.of("ns:boo", "ns:book;", "ns:books:1", "ns:c"), keys());
    }

    @Test
    void aTagDeletesItsEntriesAndTheLeasesOfTheirLoads() throws Exception {
        List<String> tags = List.of("ns:weft-tag:shelf:1");
        assertTrue(store.lookup("a", "t1", LEASE, tags, 90_000, SharedStore.NEVER_STALE).leased());
        assertTrue(store.storeIfLeased("a", VALUE, 60_000, "t1").get());
        assertTrue(store.lookup("b", "t2", LEASE, tags, 90_000, SharedStore.NEVER_STALE).leased());
        assertTrue(lookup("c", "t3").leased());
        assertTrue(store.deleteTagged(tags.get(0)));
        assertFalse(store.storeIfLeased("b", VALUE, 60_000, "t2").get(), "b's load overlapped the tag invalidation");
        assertTrue(store.storeIfLeased("c", VALUE, 60_000, "t3").get(), "c is not tagged");
        assertEquals(List.of("c"), keys());
        assertEquals(2L, (long) pg.query(c -> count(c.createStatement(), "SELECT count(*) FROM " + pg.tables().tags())),
                "the members stay, to expire with their entries");
    }

    /**
     * The race the stale-set torture found: a tag invalidation whose statement began before a lookup inserted the
     * entry's row, and that deleted the tag's members, left that entry (stored by a load that began after the
     * invalidation: fresh then) without a member, so the next invalidation of the tag missed it. The
     * invalidation is held here between its start and its look at the members by a lock on the member row.
     */
    @Test
    void anEntryTakenDuringATagInvalidationIsFoundByTheNextOne() throws Exception {
        String tag = "ns:weft-tag:row:2";
        pg.update("INSERT INTO " + pg.tables().tags() + " VALUES ('" + tag + "', 'k', now() + interval '1 hour')");
        java.sql.Connection lock = pg.pool().borrow();
        Thread invalidation = new Thread(() -> store.deleteTagged(tag));
        try {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.executeQuery("SELECT * FROM " + pg.tables().tags() + " FOR UPDATE").close();
            }
            invalidation.start();
            Await.until(Duration.ofSeconds(5), "the invalidation under way", () -> !invalidation.isAlive()
                    || waitingOnALock());
            assertTrue(lookup("k", "t1").leased(), "a lookup after the invalidation began");
        } finally {
            lock.commit();
            lock.setAutoCommit(true);
            pg.pool().giveBack(lock, false);
        }
        invalidation.join();
        assertTrue(store.storeIfLeased("k", VALUE, 60_000, "t1").get(), "its load began after the invalidation");
        assertTrue(store.deleteTagged(tag));
        assertEquals(List.of(), keys(), "the next invalidation of the tag deleted it");
    }

    private boolean waitingOnALock() {
        try {
            return pg.query(c -> count(c.createStatement(), "SELECT count(*) FROM pg_stat_activity WHERE"
                    + " application_name = 'weft-test " + pg.table() + "' AND wait_event_type = 'Lock'")) > 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSlidingRenewalKeepsTheTagMembersAsLongAsTheEntry() throws Exception {
        List<String> tags = List.of("ns:weft-tag:shelf:1");
        assertTrue(store.lookup("k", "t1", LEASE, tags, 1_000, SharedStore.NEVER_STALE).leased());
        assertTrue(store.storeIfLeased("k", VALUE, 1_000, "t1").get());
        store.expire("k", 3_600_000, List.of(), 0);
        assertEquals(1L, (long) pg.query(c -> count(c.createStatement(), "SELECT count(*) FROM " + pg.tables().tags()
                + " WHERE expires_at > now() + interval '50 minutes'")));
    }

    @Test
    void prefixAndTagDeletesUseIndexes() throws Exception {
        String prefixPlan = explain("DELETE FROM " + pg.table() + " WHERE key >= 'a:' AND key < 'a;'");
        String tagPlan = explain("DELETE FROM " + pg.table() + " WHERE key IN (SELECT key FROM " + pg.tables().tags()
                + " WHERE tag = 'x')");
        assertTrue(prefixPlan.contains("Index") && !prefixPlan.contains("Seq Scan"), prefixPlan);
        assertTrue(tagPlan.contains("Index") && !tagPlan.contains("Seq Scan"), tagPlan);
    }

    /** The plan with sequential scans made as costly as possible: an index must exist for it to use one. */
    private String explain(String sql) throws Exception {
        return pg.query(c -> {
            StringBuilder plan = new StringBuilder();
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
                try (ResultSet r = s.executeQuery("EXPLAIN " + sql)) {
                    while (r.next()) {
                        plan.append(r.getString(1)).append('\n');
                    }
                }
                s.execute("RESET enable_seqscan");
            }
            return plan.toString();
        });
    }

    @Test
    void cleanupDeletesExpiredRowsInBatchesButNotThoseLeased() throws Exception {
        pg.update("INSERT INTO " + pg.table() + " (key, value, expires_at, size) SELECT 'old:' || i, '\\x7b7d', now()"
                + " - interval '1 second', 2 FROM generate_series(1, 1500) i");
        pg.update("INSERT INTO " + pg.table() + " (key, value, expires_at, size, lease, lease_until) VALUES"
                + " ('loading', '\\x7b7d', now() - interval '1 second', 2, 'tok', now() + interval '30 seconds')");
        assertTrue(lookup("live", "t").leased());
        assertTrue(store.storeIfLeased("live", VALUE, 60_000, "t").get());
        PgCleanup cleanup = new PgCleanup(store, Duration.ofHours(1), 10_000);
        try {
            assertEquals(1500, cleanup.run());
            assertEquals(1500, cleanup.expiredDeleted());
            assertEquals(1, cleanup.runs());
            assertEquals(List.of("live", "loading"), keys());
            assertTrue(cleanup.bytes() > 0, "the table's size was read");
        } finally {
            cleanup.close();
        }
    }

    @Test
    void cleanupTrimsTheEventsTableToItsBoundInBatches() throws Exception {
        // appended by processes that each appended fewer than the 100 events between a publisher's trims
        pg.update("INSERT INTO " + pg.tables().events() + " (type, event) SELECT 'cache.invalidated', '{}'"
                + " FROM generate_series(1, 2550)");
        PgCleanup cleanup = new PgCleanup(store, Duration.ofHours(1), 50);
        try {
            assertEquals(0, cleanup.run());
            assertEquals(50, pg.rows(pg.tables().events()));
        } finally {
            cleanup.close();
        }
    }

    @Test
    void anUnreachableDatabaseAnswersNothingAndTheBreakerOpens() {
        PgPool nowhere = new PgPool(PgDriver.create(), "jdbc:postgresql://127.0.0.1:1/test?user=postgres",
                Duration.ofMillis(250), "weft-test");
        PgStore down = new PgStore(nowhere, pg.tables(), "nowhere", new CircuitBreaker("nowhere"),
                new RedisErrors(true), Runnable::run, LEASE);
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertNull(down.lookup("k", "t", LEASE, List.of(), 0, SharedStore.NEVER_STALE));
            assertFalse(down.deleteWithLeases(List.of("k")));
        }
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "each call was bounded");
        assertEquals(CircuitBreaker.State.OPEN, down.state());
        assertTrue(down.failures() >= 3 && down.rejections() > 0, down.failures() + " / " + down.rejections());
        down.close();
    }

    private long countRows(String where) throws Exception {
        return pg.query(c -> count(c.createStatement(), "SELECT count(*) FROM " + pg.table() + " WHERE " + where));
    }

    private static long count(Statement s, String sql) throws java.sql.SQLException {
        try (s; ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The keys holding a value, in order. */
    private List<String> keys() throws Exception {
        return pg.query(c -> {
            List<String> keys = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT key FROM " + pg.table() + " WHERE value IS NOT NULL ORDER BY key")) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
            return keys;
        });
    }
}
