package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code weft.warm} (SPEC §13) on a real Redis: what one instance records, a starting one reads into its L1 at its
 * first miss, without calling the method; what it must not fill, it leaves alone.
 */
class WarmStartTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int KEYS = 300;

    private final Closer closer = new Closer();
    private final AtomicInteger bodyRuns = new AtomicInteger();
    private RedisFixture redis;
    private String ns;

    @BeforeEach
    void startRedis() {
        redis = closer.later(RedisFixture.start());
        ns = "warm-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void close() throws Exception {
        closer.close();
    }

    private RedisInstance instance(String id) {
        return closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), ns, id, TIMEOUT));
    }

    private String database(String key) {
        bodyRuns.incrementAndGet();
        return "value of " + key;
    }

    @Test
    void aStartingInstanceFillsItsL1FromTheKeysAnotherRecordedWithoutCallingTheMethod() {
        RedisInstance first = instance("first");
        WarmStart recording = closer.later(first.runtime.startWarmStarts(KEYS, Duration.ofHours(1)));
        for (int i = 0; i < KEYS; i++) {
            String key = "a" + i;
            first.findAuthor(key, () -> database(key));
        }
        assertEquals(KEYS, bodyRuns.get());
        recording.record(first.shared);
        assertEquals(KEYS, redis.admin().zcard(ns + "weft-warm:authors"), "every key recorded");

        RedisInstance second = instance("second");
        closer.later(second.runtime.startWarmStarts(KEYS, Duration.ofHours(1)));
        Await.until("the fill of the methods woven before it started", () -> second.authors.stats().warmed() == KEYS);
        long l1Hits = second.authors.stats().l1Hits();
        for (int i = 0; i < KEYS; i++) {
            String key = "a" + i;
            assertEquals("value of " + key, second.findAuthor(key, () -> database(key)));
        }
        assertEquals(KEYS, bodyRuns.get(), "the method ran for none of the keys in the second instance");
        assertEquals(l1Hits + KEYS, second.authors.stats().l1Hits(), "every call an L1 hit");
    }

    @Test
    void aKeyDeletedFromRedisBeforeTheFillIsNotFilledAndATaggedMethodIsNeverFilled() {
        RedisInstance first = instance("first");
        WarmStart recording = closer.later(first.runtime.startWarmStarts(KEYS, Duration.ofHours(1)));
        first.findAuthor("kept", () -> database("kept"));
        first.findAuthor("deleted", () -> database("deleted"));
        first.findAuthor("filled", () -> database("filled"));
        first.find("b1", () -> database("b1"));
        recording.record(first.shared);
        assertEquals(1, redis.admin().zcard(ns + "weft-warm:books"), "the tagged method's keys are recorded too");
        redis.admin().del(ns + "authors:deleted");

        RedisInstance second = instance("second");
        closer.later(second.runtime.startWarmStarts(KEYS, Duration.ofHours(1)));
        Await.until("the authors' fill", () -> second.authors.stats().warmed() == 2);
        int runs = bodyRuns.get();
        second.findAuthor("deleted", () -> database("deleted"));
        assertEquals(runs + 1, bodyRuns.get(), "a key gone from Redis is loaded, not filled");
        long l1Hits = second.authors.stats().l1Hits();
        assertEquals("value of filled", second.findAuthor("filled", () -> database("filled")));
        assertEquals(l1Hits + 1, second.authors.stats().l1Hits(), "the key still in Redis was filled");
        assertEquals(0, second.books.stats().warmed(), "a tagged method's cache is not filled");
        long l2Hits = second.books.stats().l2Hits();
        assertEquals("value of b1", second.find("b1", () -> database("b1")));
        assertEquals(runs + 1, bodyRuns.get(), "b1 read from Redis");
        assertEquals(l2Hits + 1, second.books.stats().l2Hits(), "b1 was not in the L1");
    }

    /** SPEC §4 "L1 never outlives L2": a filled entry leaves the L1 when its key expires in Redis, not an L1 TTL later. */
    @Test
    void aFilledEntryLivesNoLongerInL1ThanItsKeyInRedis() {
        RedisInstance first = instance("first");
        WarmStart recording = closer.later(first.runtime.startWarmStarts(KEYS, Duration.ofHours(1)));
        first.findAuthor("short", () -> database("short"));
        recording.record(first.shared);
        redis.admin().pexpire(ns + "authors:short", 5_000); // of its 60 s TTL, 5 s are left

        RedisInstance second = instance("second");
        closer.later(second.runtime.startWarmStarts(KEYS, Duration.ofHours(1)));
        Await.until("the authors' fill", () -> second.authors.stats().warmed() == 1);
        int runs = bodyRuns.get();
        // the L1's TTL is a minute: well before, the call loads the key again, once it expired in Redis
        Await.until(Duration.ofSeconds(20), "the filled entry gone from L1 with its key in Redis", () -> {
            second.findAuthor("short", () -> database("short"));
            return bodyRuns.get() > runs;
        });
    }
}
