package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.SharedStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.PgFixture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases around the breaker's opening, on the real database: a stall that opens it, or a breaker already open, leaves
 * no lease behind (each would keep every instance's misses of its key waiting {@code weft.lease.wait} for a load
 * nobody runs, and out of the shared level, for 30 s); releases neither ask the breaker nor tell it the outcome.
 */
class PgStoreLeaseTest {

    private static final long LEASE = 30_000;
    private static final byte[] VALUE = "{\"title\":\"Dune\"}".getBytes(StandardCharsets.UTF_8);

    private PgFixture pg;

    @BeforeEach
    void start() throws Exception {
        pg = PgFixture.start(Duration.ofMillis(300));
    }

    @AfterEach
    void stop() throws Exception {
        pg.close();
    }

    /** A store on the fixture's tables whose writes run on the calling thread. */
    private PgStore store(PgPool pool, CircuitBreaker breaker) {
        return new PgStore(pool, pg.tables(), "test", breaker, new RedisErrors(true), Runnable::run, LEASE);
    }

    /** A breaker that opens after {@code threshold} failures and stays open (its clock never moves). */
    private static CircuitBreaker breaker(int threshold) {
        return new CircuitBreaker("L2", threshold, Duration.ofMinutes(1), Duration.ofMinutes(1), new FakeTicker());
    }

    private static boolean leased(PgStore store, String key, String token) {
        return store.lookup(key, token, LEASE, List.of(), 0, SharedStore.NEVER_STALE).leased();
    }

    /** The rows whose lease is held, live or lapsed. */
    private long leasesHeld() throws Exception {
        return count("lease IS NOT NULL");
    }

    private long count(String where) throws Exception {
        return pg.query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*) FROM " + pg.table() + " WHERE " + where)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Test
    void aStallThatOpensTheBreakerLeavesNoLeaseBehind() throws Exception {
        CircuitBreaker breaker = breaker(3);
        PgStore store = store(pg.pool(), breaker);
        assertTrue(leased(store, "k", "t1"), "a miss took the lease: its load runs");

        Connection stall = pg.pool().borrow();
        try {
            stall.setAutoCommit(false);
            try (Statement s = stall.createStatement()) {
                s.execute("LOCK TABLE " + pg.table() + " IN ACCESS EXCLUSIVE MODE");
            }
            for (int i = 1; i <= 3; i++) {
                assertNull(store.lookup("s" + i, "t1", LEASE, List.of(), 0, SharedStore.NEVER_STALE),
                        "the lookup timed out");
            }
            stall.rollback();
        } finally {
            pg.pool().giveBack(stall, false);
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "the timeouts opened the breaker");
        assertEquals(0, count("key LIKE 's%'"), "a lookup cut off by the statement timeout took no lease");

        assertFalse(store.storeIfLeased("k", VALUE, 60_000, "t1").get(), "the open breaker refuses the store");

        assertEquals(0, leasesHeld(), "the refused store gave its lease back");
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "the release did not close the breaker");
        assertTrue(leased(store(pg.pool(), breaker(3)), "k", "t2"), "another instance's miss takes the lease at once");
    }

    @Test
    void releasesGoPastTheOpenBreakerAndLeaveItOpen() throws Exception {
        CircuitBreaker breaker = breaker(1);
        PgStore store = store(pg.pool(), breaker);
        assertTrue(leased(store, "k", "t1"));
        assertEquals(2, store.lookupAll(List.of("a", "b"), "t2", LEASE).stream().filter(StoredValue::leased).count());
        assertTrue(breaker.tryAcquire());
        breaker.onFailure(); // the database failed while the methods ran: the breaker is open when they end

        store.releaseLease("k", "t1"); // the load failed
        assertEquals(0, store.settleAll(List.of("a", "b"), "t2", 60_000, Arrays.asList(VALUE, null)).get());

        assertEquals(0, leasesHeld(), "every lease was given back");
        assertEquals(0, count("value IS NOT NULL"), "the store itself was refused");
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "no release closed the breaker");
        assertEquals(1, store.rejections(), "the store asked the breaker; the releases did not");
    }

    @Test
    void aReleaseThatFailsIsCountedButNotToldTheBreaker() {
        PgPool nowhere = new PgPool(PgDriver.create(), "jdbc:postgresql://127.0.0.1:1/test?user=postgres",
                Duration.ofMillis(300), "weft-test");
        PgStore down = store(nowhere, breaker(3));
        try {
            for (int i = 0; i < 3; i++) {
                down.releaseLease("k" + i, "t");
            }

            assertEquals(3, down.failures(), "each failed release counts");
            assertEquals(CircuitBreaker.State.CLOSED, down.state(), "the breaker heard of none");
            assertEquals(0, down.rejections(), "none asked it");
        } finally {
            down.close();
        }
    }
}
