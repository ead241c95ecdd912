package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.Background;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.SharedStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.testing.PgFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stores, releases and renewals waiting for the background thread while it falls behind (a database that
 * answers, slowly): bounded, the rest dropped and counted, and none of those kept brings back what an
 * invalidation removed meanwhile.
 */
class PgStoreWritesTest {

    private static final long LEASE = 30_000;
    private static final byte[] MIB = new byte[1 << 20];
    private static final byte[] SMALL = "{\"title\":\"Dune\"}".getBytes(StandardCharsets.UTF_8);
    private static final int KEYS = 40;

    private PgFixture pg;
    private ThreadPoolExecutor writer;
    private final CountDownLatch slowDatabase = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        pg = PgFixture.start(Duration.ofSeconds(5));
        writer = (ThreadPoolExecutor) Background.singleThread("weft-test-writes");
    }

    @AfterEach
    void stop() throws Exception {
        slowDatabase.countDown();
        writer.shutdownNow(); // the writes still waiting are not sent
        writer.awaitTermination(10, TimeUnit.SECONDS);
        pg.close();
    }

    private PgStore store(long leaseMillis) {
        return new PgStore(pg.pool(), pg.tables(), "test", new CircuitBreaker("L2"), new RedisErrors(true), writer,
                leaseMillis);
    }

    /** Keeps the writer thread busy until {@link #slowDatabase} opens, as a write the database is slow to answer. */
    private void holdWriter() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        writer.execute(() -> {
            running.countDown();
            try {
                slowDatabase.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
    }

    private static StoredValue lookup(PgStore store, String key, String token) {
        return store.lookup(key, token, LEASE, List.of(), 0, SharedStore.NEVER_STALE);
    }

    private static String key(int i) {
        return String.format("k%02d", i);
    }

    /** The stores of 1 MiB each that fit under the bound: the rest are dropped at once. */
    private static int kept() {
        return (int) (PgStore.WRITES_WAITING_BYTES / (MIB.length + PgStore.WRITE_BYTES + 2 * key(0).length()));
    }

    private List<CompletableFuture<Boolean>> storeAllWhileHeld(PgStore store) throws InterruptedException {
        for (int i = 0; i < KEYS; i++) {
            assertTrue(lookup(store, key(i), "t").leased());
        }
        holdWriter();
        List<CompletableFuture<Boolean>> stores = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            stores.add(store.storeIfLeased(key(i), MIB, 60_000, "t"));
        }
        return stores;
    }

    @Test
    void aWriterThatFallsBehindKeepsItsBoundAndDropsTheRest() throws Exception {
        PgStore store = store(LEASE);
        List<CompletableFuture<Boolean>> stores = storeAllWhileHeld(store);

        assertEquals(31, kept(), "32 MiB of 1 MiB values");
        assertEquals(kept(), writer.getQueue().size(), "the queue stops at its bound");
        assertEquals(KEYS - kept(), store.writesDropped());
        for (int i = kept(); i < KEYS; i++) {
            assertFalse(stores.get(i).getNow(true), "a dropped store answers at once that it stored nothing");
        }
        store.expire(key(0), 60_000, List.of(), 0);
        store.releaseLease(key(1), "t");
        assertEquals(kept() + 2, writer.getQueue().size(), "small writes still fit beside them");
        assertEquals(KEYS - kept(), store.writesDropped());
    }

    @Test
    void theKeptWritesCompleteAndNothingInvalidatedComesBack() throws Exception {
        PgStore store = store(LEASE);
        assertTrue(lookup(store, "renewed", "t0").leased());
        assertTrue(store.storeIfLeased("renewed", SMALL, 60_000, "t0").get(5, TimeUnit.SECONDS));
        assertTrue(store.lookup("tagged", "t", LEASE, List.of("tag:a"), LEASE + 60_000, SharedStore.NEVER_STALE)
                .leased());
        List<CompletableFuture<Boolean>> stores = storeAllWhileHeld(store);
        CompletableFuture<Boolean> taggedStore = store.storeIfLeased("tagged", SMALL, 60_000, "t");
        store.expire("renewed", 600_000, List.of(), 0);
        // invalidations (and the drop of a value that cannot be read back) while those wait: they run on the
        // caller's thread, not behind the writes
        assertTrue(store.deleteWithLeases(List.of(key(0), key(1), key(2))));
        assertTrue(store.deleteTagged("tag:a"));
        assertTrue(store.dropUnreadable("renewed", "t1", LEASE, List.of(), 0).leased());

        slowDatabase.countDown();
        CompletableFuture.allOf(stores.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        assertFalse(taggedStore.get(10, TimeUnit.SECONDS), "its tag was invalidated while it waited");
        for (int i = 0; i < KEYS; i++) {
            boolean invalidated = i < 3;
            boolean dropped = i >= kept();
            assertEquals(!invalidated && !dropped, stores.get(i).getNow(null), key(i));
            StoredValue found = lookup(store, key(i), "after");
            if (invalidated || dropped) {
                assertNull(found.value(), key(i) + " was not stored");
                assertEquals(invalidated, found.leased(), key(i) + ": a dropped store's lease lapses in its time");
            } else {
                assertArrayEquals(MIB, found.value(), key(i));
            }
        }
        assertNull(lookup(store, "tagged", "after").value());
        assertNull(lookup(store, "renewed", "after").value(), "a renewal does not bring back an emptied value");
        assertEquals(KEYS - kept(), store.writesDropped());
    }

    @Test
    void aWriteThatWaitedLongerThanALeaseIsNotSent() throws Exception {
        PgStore store = store(200);
        assertTrue(lookup(store, "k", "t").leased()); // in the database for 30 s: it would take the store
        holdWriter();
        CompletableFuture<Boolean> late = store.storeIfLeased("k", SMALL, 60_000, "t");
        Thread.sleep(300);
        slowDatabase.countDown();

        assertFalse(late.get(5, TimeUnit.SECONDS));
        assertEquals(1, store.writesDropped());
        assertFalse(lookup(store, "k", "other").leased(), "not sent: the lease is still held");
        assertTrue(store.storeIfLeased("k", SMALL, 60_000, "t").get(5, TimeUnit.SECONDS), "on time, it stores");
    }
}
