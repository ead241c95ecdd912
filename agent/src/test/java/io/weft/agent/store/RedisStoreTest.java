package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisStoreTest {

    private static RedisFixture redis;
    private static RedisEndpoint endpoint;
    private RedisStore store;
    private String ns;

    @BeforeAll
    static void startRedis() {
        redis = RedisFixture.start();
        endpoint = new RedisEndpoint(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        endpoint.close();
        redis.close();
    }

    @BeforeEach
    void openStore() {
        // a bound for a cold JVM's first commands on a slow machine, not for Redis: tests of timeouts make their own store
        store = new RedisStore(endpoint, Duration.ofSeconds(10), new CircuitBreaker("test redis"));
        ns = "t" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private RedisCommands<String, String> admin() {
        return redis.admin();
    }

    @Test
    void aFollowUpIsWrittenBehindTheDeleteAndSeesItsEffect() throws Exception {
        admin().set(ns + "a", "v");
        admin().set(LeaseKeys.of(false).leaseKey(ns + "a"), "lease");
        List<RedisFuture<Long>> followUps = new ArrayList<>();
        FollowUp existsAfter = new FollowUp() {
            @Override
            public void send(RedisClusterAsyncCommands<String, byte[]> redis) {
                followUps.add(redis.exists(ns + "a", LeaseKeys.of(false).leaseKey(ns + "a")));
            }

            @Override
            public void notSent() {
            }
        };

        assertTrue(store.deleteWithLeases(List.of(ns + "a"), existsAfter));

        assertEquals(1, followUps.size(), "the follow-up is sent once");
        assertEquals(0L, followUps.get(0).get(1, TimeUnit.SECONDS), "the follow-up ran after the delete");
        assertEquals(0L, admin().exists(ns + "a", LeaseKeys.of(false).leaseKey(ns + "a")));
    }

    @Test
    void getOfAMissingKeyIsNull() {
        assertNull(store.get(ns + "missing"));
        assertEquals(0, store.failures());
    }

    @Test
    void setStoresWithAMillisecondTtl() {
        store.set(ns + "a", bytes("[1,2]"), 60_000);

        Await.until("the value is stored", () -> store.get(ns + "a") != null);
        assertArrayEquals(bytes("[1,2]"), store.get(ns + "a"));
        long ttl = admin().pttl(ns + "a");
        assertTrue(ttl > 50_000 && ttl <= 60_000, "PTTL " + ttl);
    }

    @Test
    void entriesExpireAfterTheirTtl() {
        store.set(ns + "short", bytes("x"), 100);
        Await.until("the value is stored", () -> admin().exists(ns + "short") == 1 || admin().pttl(ns + "short") == -2);

        Await.until(Duration.ofSeconds(3), "the value expires", () -> store.get(ns + "short") == null);
    }

    @Test
    void deleteRemovesEveryKeyGiven() {
        admin().set(ns + "a", "1");
        admin().set(ns + "b", "2");
        admin().set(ns + "c", "3");

        assertTrue(store.delete(ns + "a", ns + "b"));

        assertEquals(1, admin().exists(ns + "a", ns + "b", ns + "c"));
        assertTrue(store.delete());
    }

    @Test
    void deleteByPrefixDeletesExactlyTheKeysStartingWithIt() {
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < 2500; i++) {
            keys.put(ns + "books:" + i, "v");
        }
        keys.put(ns + "booksX", "v");
        keys.put(ns + "other:1", "v");
        admin().mset(keys);

        assertEquals(2500, store.deleteByPrefix(ns + "books:", key -> false));

        assertEquals(0, admin().exists(ns + "books:0", ns + "books:2499"));
        assertEquals(2, admin().exists(ns + "booksX", ns + "other:1"));
    }

    /**
     * SPEC §5 for prefixes: a load that took its lease before a prefix invalidation and stores while the invalidation
     * walks the key space (here: right after the first page was read, before its keys are deleted) must not leave its
     * value. The page held the lease, which the store consumed; deleting the page's keys then deleted nothing.
     */
    @Test
    void aLoadThatStoresWhileAPrefixDeleteWalksTheKeysDoesNotKeepItsValue() throws Exception {
        String key = ns + "books:7";
        String lease = LeaseKeys.of(false).leaseKey(key);
        assertTrue(store.lookup(key, lease, "token", 30_000).leased());
        AtomicBoolean stored = new AtomicBoolean();

        long deleted = store.deleteByPrefix(ns + "books:", redisKey -> {
            if (stored.compareAndSet(false, true)) {
                assertTrue(store.setIfLeased(key, bytes("old"), 60_000, lease, "token").orTimeout(10, TimeUnit.SECONDS).join());
            }
            return false;
        });

        assertTrue(stored.get());
        assertEquals(0, admin().exists(key, lease), "deleted " + deleted);
    }

    /**
     * SPEC §13 (a bounded record of each cache's most-hit keys) and §6 (nothing in Redis grows without bound across
     * instances): every instance records its own keys in the one set, which keeps the highest scores only.
     */
    @Test
    void theRecordOfMostHitKeysKeepsOnlyTheHighestWhateverInstancesAddToIt() {
        String set = ns + "weft-warm:books";
        assertTrue(store.recordHot(set, Map.of("b1", 50L, "b2", 40L, "b3", 3L, "b4", 2L), 3, 60_000));
        assertTrue(store.recordHot(set, Map.of("b5", 45L, "b6", 1L, "b7", 1L), 3, 60_000)); // another instance's

        assertEquals(List.of("b1", "b5", "b2"), store.hotKeys(set, 10), "the three most hit, most first");
        assertEquals(3, admin().zcard(set));
        assertTrue(admin().pttl(set) > 0, "the record expires unless recorded again");
    }

    @Test
    void globCharactersInThePrefixMatchOnlyThemselves() {
        admin().mset(Map.of(ns + "a*b:1", "v", ns + "aXb:1", "v", ns + "a?[c]\\:1", "v", ns + "aZ[c]\\:1", "v"));

        assertEquals(1, store.deleteByPrefix(ns + "a*b:", key -> false));
        assertEquals(1, store.deleteByPrefix(ns + "a?[c]\\:", key -> false));

        assertEquals(2, admin().exists(ns + "aXb:1", ns + "aZ[c]\\:1"));
        assertEquals("a\\*b\\?\\[c\\]\\\\:", RedisStore.escapeGlob("a*b?[c]\\:"));
    }

    @Test
    void aLookupThatMissesTakesTheLeaseUnlessAnotherHoldsIt() {
        StoredValue first = store.lookup(ns + "k", ns + "k:lease", "token-1", 30_000);
        StoredValue second = store.lookup(ns + "k", ns + "k:lease", "token-2", 30_000);

        assertNull(first.value());
        assertTrue(first.leased());
        assertTrue(!second.leased() && second.value() == null);
        assertEquals("token-1", admin().get(ns + "k:lease"));
        long leaseTtl = admin().pttl(ns + "k:lease");
        assertTrue(leaseTtl > 20_000 && leaseTtl <= 30_000, "lease PTTL " + leaseTtl);
    }

    @Test
    void theLeaseHolderStoresAndReleasesTheLeaseAndLookupsThenHit() throws Exception {
        StoredValue miss = store.lookup(ns + "k", ns + "k:lease", "token-1", 30_000);

        assertTrue(store.setIfLeased(ns + "k", bytes("[1]"), 60_000, ns + "k:lease", "token-1").get());

        assertEquals(0, admin().exists(ns + "k:lease"));
        StoredValue hit = store.lookup(ns + "k", ns + "k:lease", "token-2", 30_000);
        assertTrue(miss.leased());
        assertArrayEquals(bytes("[1]"), hit.value());
        assertTrue(hit.remainingMillis() > 50_000 && hit.remainingMillis() <= 60_000, "PTTL " + hit.remainingMillis());
        assertEquals(0, admin().exists(ns + "k:lease"), "a hit takes no lease");
    }

    @Test
    void aLoadThatOverlappedAnInvalidationCannotStore() throws Exception {
        store.lookup(ns + "k", ns + "k:lease", "token-1", 30_000);

        assertTrue(store.delete(ns + "k", ns + "k:lease"));
        StoredValue later = store.lookup(ns + "k", ns + "k:lease", "token-2", 30_000);

        assertFalse(store.setIfLeased(ns + "k", bytes("stale"), 60_000, ns + "k:lease", "token-1").get());
        assertEquals(0, admin().exists(ns + "k"));
        assertTrue(later.leased());
        assertTrue(store.setIfLeased(ns + "k", bytes("fresh"), 60_000, ns + "k:lease", "token-2").get());
        assertArrayEquals(bytes("fresh"), store.get(ns + "k"));
        assertFalse(store.setIfLeased(ns + "k", bytes("none"), 60_000, ns + "k:lease", null).get());
    }

    @Test
    void anUnreadableValueIsDeletedWithItsLeaseTakenForTheReload() throws Exception {
        admin().set(ns + "k", "{\"x\":1}");

        StoredValue dropped = store.dropUnreadable(ns + "k", "token-1", 30_000, List.of(), 0);

        assertTrue(dropped.leased() && dropped.value() == null, "a miss holding the lease");
        assertEquals(0, admin().exists(ns + "k"));
        assertTrue(store.dropUnreadable(ns + "k", "token-1", 30_000, List.of(), 0).leased(),
                "a lease that holds the token already (a stale value's lookup took it) is kept");
        assertFalse(store.dropUnreadable(ns + "k", "token-2", 30_000, List.of(), 0).leased(), "another holds it");
        assertTrue(store.storeIfLeased(ns + "k", bytes("[1]"), 60_000, "token-1").get());
        assertArrayEquals(bytes("[1]"), store.get(ns + "k"));
    }

    @Test
    void anInvalidationAfterTheDropOfAnUnreadableValueKeepsTheReloadOut() throws Exception {
        admin().set(ns + "k", "{\"x\":1}");
        assertTrue(store.dropUnreadable(ns + "k", "token-1", 30_000, List.of(), 0).leased());

        assertTrue(store.deleteWithLeases(List.of(ns + "k")));

        assertFalse(store.storeIfLeased(ns + "k", bytes("stale"), 60_000, "token-1").get());
        assertEquals(0, admin().exists(ns + "k"));
    }

    @Test
    void scriptsUnknownToRedisAreSentInFull() {
        admin().scriptFlush();

        assertTrue(store.lookup(ns + "k", ns + "k:lease", "token-1", 30_000).leased());
    }

    @Test
    void everyThreadTheClientStartsIsADaemon() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (RedisEndpoint other = new RedisEndpoint(redis.uri());
                RedisStore busy = new RedisStore(other, Duration.ofMillis(250), new CircuitBreaker("threads"))) {
            busy.set(ns + "t", bytes("v"), 1000);
            Await.until("the value is stored", () -> busy.get(ns + "t") != null);

            List<Thread> started = new ArrayList<>(Thread.getAllStackTraces().keySet());
            started.removeAll(before);
            assertFalse(started.isEmpty());
            assertTrue(started.stream().allMatch(Thread::isDaemon), started.toString());
        }
    }

    @Test
    void anEmptyPrefixIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.deleteByPrefix("", key -> false));
    }

    @Test
    void aStoreOnAnUnreachableRedisAnswersAsIfEmptyAndItsOpenBreakerKeepsCallsOffIt() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CircuitBreaker breaker = new CircuitBreaker("nowhere", 3, Duration.ofSeconds(1), Duration.ofSeconds(10),
                new FakeTicker());
        try (RedisEndpoint nowhere = new RedisEndpoint("redis://127.0.0.1:" + closedPort);
                RedisStore unreachable = new RedisStore(nowhere, Duration.ofMillis(250), breaker)) {
            assertNull(unreachable.get("k"));
            assertFalse(unreachable.delete("k"));
            assertEquals(-1, unreachable.deleteByPrefix("k", key -> false));
            assertEquals(3, unreachable.failures());
            assertEquals(CircuitBreaker.State.OPEN, unreachable.state(), "3 failures in a row");

            assertNull(unreachable.lookup("k", "k:lease", "t", 1000));
            unreachable.set("k", bytes("v"), 1000);
            assertFalse(unreachable.setIfLeased("k", bytes("v"), 1000, "k:lease", "t").get());
            assertEquals(3, unreachable.rejections(), "refused without touching Redis");
            assertEquals(3, unreachable.failures());
        }
    }

    @Test
    void redactedUrisNeverShowThePassword() {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("redis://:s3cret@127.0.0.1:6379/2", "redis://:****@127.0.0.1:6379/2");
        expected.put("redis://weft:s3cret@127.0.0.1", "redis://weft:****@127.0.0.1:6379");
        expected.put("redis://s3cret@127.0.0.1:6379", "redis://:****@127.0.0.1:6379");
        expected.put("rediss://weft:s3cret@cache.example.com:6380/0", "rediss://weft:****@cache.example.com:6380");
        expected.put("redis-sentinel://weft:s3cret@10.0.0.1:26379,10.0.0.2:26379/1#mymaster",
                "redis-sentinel://weft:****@10.0.0.1:26379,10.0.0.2:26379/1#mymaster");
        expected.put("rediss-sentinel://weft:s3cret@10.0.0.1:26379#mymaster", "rediss-sentinel://weft:****@10.0.0.1:26379#mymaster");
        expected.put("redis://127.0.0.1:6380?timeout=5s", "redis://127.0.0.1:6380");
        expected.forEach((uri, redacted) -> {
            try (RedisEndpoint e = new RedisEndpoint(uri)) {
                assertEquals(redacted, e.redacted());
            }
        });
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new RedisEndpoint("redis://weft:s3 cret@host:6379"));
        assertFalse(bad.getMessage().contains("s3 cret"), bad.getMessage());
        assertEquals("redis://****@host:1", RedisUris.redactUnparsed("redis://u:p@ss@host:1"));
    }

    /**
     * A release names its token: a load whose lease was taken over (an invalidation deleted it and another lookup
     * took it) must not delete the new holder's lease, or a third load could store beside it.
     */
    @Test
    void aReleaseDeletesTheLeaseOnlyWhileItHoldsTheReleasingToken() {
        assertTrue(store.lookup(ns + "k", ns + "k:lease", "token-1", 30_000).leased());

        store.release(ns + "k:lease", "token-2");
        store.set(ns + "marker", bytes("1"), 60_000); // behind the release, on the same connection
        Await.until("the command sent after the release ran", () -> admin().exists(ns + "marker") == 1);

        assertEquals("token-1", admin().get(ns + "k:lease"), "another token's release left the lease");
        store.release(ns + "k:lease", "token-1");
        Await.until("the holder's release deletes it", () -> admin().exists(ns + "k:lease") == 0);
    }

    /**
     * A lease's release goes past the breaker, which does not hear of its outcome either: releases that fail do not
     * open it (only the commands the breaker let through count).
     */
    @Test
    void failedReleasesAreCountedButDoNotOpenTheBreaker() throws Exception {
        store.open().get(10, TimeUnit.SECONDS); // a release is sent only on an open connection
        admin().zadd(ns + "k:lease", 1, "not a lease"); // the release's GET fails: WRONGTYPE
        for (int i = 0; i < 3; i++) {
            store.release(ns + "k:lease", "token-1");
        }

        Await.until("the three releases failed", () -> store.failures() == 3);
        assertEquals(CircuitBreaker.State.CLOSED, store.state());
    }

    /**
     * A batch store that the open breaker refuses releases every lease of the batch instead (past the breaker): the
     * next lookups, here or in other instances, take them at once instead of after the leases' 30 s.
     */
    @Test
    void aBatchStoreRefusedByTheOpenBreakerReleasesEveryLease() throws Exception {
        CircuitBreaker breaker = new CircuitBreaker("refusing", 3, Duration.ofSeconds(1), Duration.ofSeconds(10),
                new FakeTicker());
        List<String> keys = List.of(ns + "a", ns + "b");
        try (RedisStore guarded = new RedisStore(endpoint, Duration.ofSeconds(10), breaker)) {
            assertTrue(guarded.lookupAll(keys, "token-1", 30_000).stream().allMatch(StoredValue::leased));
            for (int i = 0; i < 3; i++) {
                breaker.onFailure();
            }

            assertNull(guarded.settleAll(keys, "token-1", 60_000, List.of(bytes("a"), bytes("b"))).get());

            Await.until("the refused batch's leases are released",
                    () -> admin().exists(guarded.leaseKey(ns + "a"), guarded.leaseKey(ns + "b")) == 0);
            assertEquals(0, admin().exists(ns + "a", ns + "b"));
        }
    }

    /**
     * A reload's lease ({@code refreshAfter}) whose tags could not be joined is released: a tag invalidation would not
     * find the key, so the lease must not be used, and must not keep other instances waiting for its 30 s either.
     */
    @Test
    void aReloadLeaseWhoseTagsCannotBeJoinedIsReleased() {
        admin().set(ns + "tag", "not a sorted set"); // ZADD fails: WRONGTYPE

        assertFalse(store.takeLease(ns + "k", "token-1", 30_000, List.of(ns + "tag"), 90_000));

        Await.until("the lease is released", () -> admin().exists(store.leaseKey(ns + "k")) == 0);
    }

    /**
     * SPEC §5 ("the L2 write may finish after the call returns, within {@code weft.redis.timeout}"): a store that
     * waits for a connection still being opened (a server that accepts but never answers the handshake, which may
     * take 2 s) completes within the timeout, not when the opening gives up.
     */
    @Test
    void aStoreWaitingForAConnectionThatDoesNotOpenCompletesWithinTheTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                RedisEndpoint mute = new RedisEndpoint("redis://127.0.0.1:" + silent.getLocalPort());
                RedisStore stuck = new RedisStore(mute, Duration.ofMillis(200), new CircuitBreaker("silent"))) {
            long start = System.nanoTime();

            Boolean stored = stuck.setIfLeased("k", bytes("v"), 60_000, "k:lease", "token-1").get(1, TimeUnit.SECONDS);

            assertFalse(stored);
            assertEquals(1, stuck.failures(), "counted as a failure after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        }
    }

    /**
     * A warm start reads values with their remaining TTLs (SPEC §13): a key without a value, or without a TTL (not a
     * value Weft stored: it would live in L1 with no bound), is left out.
     */
    @Test
    void aWarmStartReadsOnlyValuesThatHaveATtl() {
        admin().psetex(ns + "timed", 60_000, "[1]");
        admin().set(ns + "forever", "[2]");

        Map<String, StoredValue> found = store.values(List.of(ns + "timed", ns + "forever", ns + "missing"));

        assertEquals(List.of(ns + "timed"), new ArrayList<>(found.keySet()));
        assertArrayEquals(bytes("[1]"), found.get(ns + "timed").value());
        long ttl = found.get(ns + "timed").remainingMillis();
        assertTrue(ttl > 50_000 && ttl <= 60_000, "PTTL " + ttl);
    }

    /** SPEC §13 batches: each element loaded by a batch is stored under its lease with the TTL, as a single key is. */
    @Test
    void aBatchStoresEachElementWithTheTtl() throws Exception {
        List<String> keys = List.of(ns + "price:a", ns + "price:b");
        assertTrue(store.lookupAll(keys, "token-1", 30_000).stream().allMatch(StoredValue::leased));

        assertEquals(2L, store.settleAll(keys, "token-1", 60_000, List.of(bytes("1"), bytes("2"))).get());

        for (String key : keys) {
            long ttl = admin().pttl(key);
            assertTrue(ttl > 50_000 && ttl <= 60_000, key + " PTTL " + ttl);
        }
        assertEquals(0, admin().exists(store.leaseKey(ns + "price:a"), store.leaseKey(ns + "price:b")));
    }
}
