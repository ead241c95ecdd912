package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A lookup that Redis answers too late does not leave its lease behind (nobody could store the key for 30 s), nor
 * do the lookups and stores around the breaker's opening; a key whose delete failed is read neither by a lookup nor by
 * a warm start's read of values.
 */
class SharedLevelLeaseTest {

    @Test
    void aLookupThatTimesOutGivesBackTheLeaseItsScriptTookLater() throws Exception {
        try (RedisSharedLevel level = new RedisSharedLevel(Duration.ofMillis(150), new CircuitBreaker("lease test"))) {
            CachedMethod method = level.find(0);
            level.loadLookups(method);
            long scriptsBefore = level.redis.scriptCalls();

            level.redis.admin().clientPause(800);
            SharedLevel.Found found = level.shared.lookup(method, "books:1", null);

            assertFalse(found.hit);
            assertNull(found.lease, "no answer in time: no lease to store with");
            Await.until(Duration.ofSeconds(5), "the late lookup and the release both ran",
                    () -> level.redis.scriptCalls() - scriptsBefore >= 2);
            assertFalse(level.exists("ns:books:1:weft-lease"), "the lease the late script took is gone");
        }
    }

    @Test
    void everyLookupInFlightWhenItsTimeoutOpensTheBreakerGivesBackItsLease() throws Exception {
        int callers = 8;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try (RedisSharedLevel level = new RedisSharedLevel(Duration.ofMillis(500), new CircuitBreaker("lease test"))) {
            CachedMethod method = level.find(0);
            level.loadLookups(method);
            long scriptsBefore = level.redis.scriptCalls();
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<SharedLevel.Found>>> lookups = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                List<String> keys = i % 2 == 0 ? List.of("books:" + i) : List.of("books:" + i, "books:" + i + "b");
                lookups.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return keys.size() == 1 ? List.of(level.shared.lookup(method, keys.get(0), null))
                            : level.shared.lookupAll(method, keys);
                }));
            }
            ready.await();

            level.redis.admin().clientPause(2_000); // Redis stalls: every lookup times out, the third opens the breaker
            go.countDown();
            for (Future<List<SharedLevel.Found>> lookup : lookups) {
                for (SharedLevel.Found found : lookup.get(10, TimeUnit.SECONDS)) {
                    assertNull(found.lease, "no answer in time: no lease to store with");
                }
            }

            assertEquals(CircuitBreaker.State.OPEN, level.store.state(), "the timeouts opened the breaker");
            Await.until("the late lookups (single and batch) and their releases all ran",
                    () -> level.redis.scriptCalls() - scriptsBefore >= 2L * callers);
            assertEquals(List.of(), level.redis.admin().keys("ns:books:*:weft-lease"),
                    "no lease the late scripts took is left");
            assertEquals(0, level.store.rejections(),
                    "every lookup went out before the breaker opened, and no release asked it");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aStoreThatTheOpenBreakerRefusesGivesBackItsLease() throws Exception {
        CircuitBreaker breaker = new CircuitBreaker("refused test", 1, Duration.ofMinutes(1), Duration.ofMinutes(1),
                new FakeTicker());
        try (RedisSharedLevel level = new RedisSharedLevel(Duration.ofSeconds(2), breaker)) {
            CachedMethod method = level.find(0);
            SharedLevel.Found miss = level.shared.lookup(method, "books:1", null);
            assertTrue(level.exists("ns:books:1:weft-lease"), "the miss took the lease");
            assertTrue(breaker.tryAcquire());
            breaker.onFailure(); // Redis failed while the method ran: the breaker is open when its value is stored

            level.shared.store(method, "books:1", "loaded", miss.lease);

            Await.until("the lease is released", () -> !level.exists("ns:books:1:weft-lease"));
            assertFalse(level.exists("ns:books:1"), "the store itself was refused");
            assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "the release did not close the breaker");
        }
    }

    @Test
    void aWarmStartDoesNotReadAKeyWhoseDeleteIsPending() throws Exception {
        FakeTicker time = new FakeTicker();
        CircuitBreaker breaker = new CircuitBreaker("pending test", 1, Duration.ofMinutes(1), Duration.ofMinutes(1), time);
        try (RedisSharedLevel level = new RedisSharedLevel(Duration.ofSeconds(2), breaker)) {
            SharedLevel shared = level.shared;
            CachedMethod method = level.find(0);
            SharedLevel.Found miss = shared.lookup(method, "books:1", null);
            shared.store(method, "books:1", "old", miss.lease);
            Await.until("the value is stored", () -> level.exists("ns:books:1"));
            assertEquals("old", shared.values(method, List.of("books:1")).get("books:1").value, "readable before");

            assertTrue(breaker.tryAcquire());
            breaker.onFailure(); // the store refuses calls: the delete below is kept, pending
            shared.evict(List.of("books:1"), List.of(), List.of());
            assertTrue(level.exists("ns:books:1"), "the value is still in Redis");
            time.advance(Duration.ofMinutes(2)); // calls go through again: the read retries the delete first

            assertTrue(shared.values(method, List.of("books:1")).isEmpty(),
                    "the invalidated value is not filled into L1 while its delete is pending");
        }
    }
}
