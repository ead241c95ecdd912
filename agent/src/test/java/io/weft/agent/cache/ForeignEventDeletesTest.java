package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.events.EventStreams;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis deletes an instance makes for the foreign events it reads (another service's, whatever their payload): their
 * {@code keys}, the keys their mapping renders and their {@code prefixes} leave Redis as well as L1 (SPEC §6), and a failover replay sends
 * those deletes again, as it does the instance's own invalidations, but publishes nothing (SPEC §11).
 */
class ForeignEventDeletesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String FOREIGN = RedisInstance.FOREIGN;

    private final String ns = "foreign-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final Closer closer = new Closer();
    private RedisFixture redis;
    private RedisInstance instance;

    private void start() {
        redis = RedisFixture.start();
        instance = closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), ns, "reader", TIMEOUT));
    }

    @AfterEach
    void stop() throws Exception {
        closer.close();
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theDeleteOfAForeignEventsKeyIsSentAgainAfterAFailoverWithoutAnEvent() {
        start();
        String key = ns + "books:8";
        assertEquals("v0", instance.find("8", "v0"));
        Await.until("the value in Redis", () -> redis.admin().exists(key) == 1);

        append(FOREIGN, "{\"book_id\":\"8\"}");
        Await.until("the foreign event is applied", () -> instance.reader.eventsApplied() == 1);
        assertEquals(0, redis.admin().exists(key), "the reader deleted the key the mapping renders");
        // the master acknowledged that delete and died before passing it on: the promoted replica holds the old value
        redis.admin().set(key, "\"v0\"");
        assertEquals("v0", instance.find("8", "not run: an L2 hit"), "a lookup since the failover copied it into L1");
        long invalidated = streamLength(EventStreams.CACHE_INVALIDATED);
        long foreign = streamLength(FOREIGN);

        assertEquals(0, instance.runtime.replayRecentInvalidations(), "none of this instance's own invalidations");

        assertEquals(0, redis.admin().exists(key), "the replay deleted the key again");
        assertEquals("v1", instance.find("8", "v1"), "and evicted it from L1: the method runs");
        assertEquals(invalidated, streamLength(EventStreams.CACHE_INVALIDATED), "the replay published nothing");
        assertEquals(foreign, streamLength(FOREIGN), "not even the other service's event");
        assertEquals(0, instance.runtime.invalidationsReplayed(), "which counts this instance's invalidations only");
    }

    @Test
    void aForeignEventOfPrefixesOnlyDeletesThemInRedisTooAndAReplaySendsThatAgain() {
        start();
        String key = ns + "books:9";
        String author = ns + "authors:9";
        assertEquals("v0", instance.find("9", "v0"));
        assertEquals("a0", instance.findAuthor("9", () -> "a0"));
        Await.until("both values in Redis", () -> redis.admin().exists(key, author) == 2);

        append("shelf.moved", "{\"prefixes\":[\"books:\"]}");
        Await.until("the foreign event is applied", () -> instance.reader.eventsApplied() == 1);

        assertEquals(0, redis.admin().exists(key), "the prefix was deleted in Redis, not only from L1");
        assertEquals("v1", instance.find("9", "v1"), "so the next call runs the method instead of reading v0 back");
        assertEquals(1, redis.admin().exists(author), "a key under another prefix stays");
        assertEquals("a0", instance.findAuthor("9", () -> "not run: an L1 hit"));

        Await.until("the new value stored", () -> "\"v1\"".equals(redis.admin().get(key)));
        redis.admin().set(key, "\"v0\""); // a promoted replica that never got the prefix delete
        instance.runtime.replayRecentInvalidations();
        assertEquals(0, redis.admin().exists(key), "the replay deleted the prefix again");
    }

    @Test
    void anEmptyPrefixOfAForeignEventEmptiesL1ButDeletesNothingInRedis() {
        start();
        String key = ns + "books:10";
        assertEquals("v0", instance.find("10", "v0"));
        Await.until("the value in Redis", () -> redis.admin().exists(key) == 1);

        append("shelf.moved", "{\"prefixes\":[\"\"]}");
        Await.until("the foreign event is applied", () -> instance.reader.eventsApplied() == 1);

        assertEquals(1, redis.admin().exists(key), "an empty prefix would delete every key of the namespace");
        assertEquals(0, instance.runtime.l1Size(), "L1 is emptied, as before");
        assertEquals("v0", instance.find("10", "not run: an L2 hit"));
    }

    /** The audit's case: another service's event that lists its keys; nobody but the reader deletes them in Redis. */
    @Test
    void aForeignEventWithKeysDeletesThemInRedisToo() {
        start();
        assertTheForeignEventDeletesBook("11", EventStreams.CACHE_INVALIDATED, "{\"keys\":[\"books:11\"]}");
    }

    /** {@code weft.events.book.updated=books:{book_id}} applies whether or not the payload has {@code keys}. */
    @Test
    void aForeignEventOfAMappedTypeWithEmptyKeysHasItsTemplatesRendered() {
        start();
        assertTheForeignEventDeletesBook("12", FOREIGN, "{\"keys\":[],\"book_id\":\"12\"}");
    }

    /** SPEC §13: another service's event that lists {@code tags}; their entries leave Redis as well as L1. */
    @Test
    void aForeignEventWithTagsDeletesTheirEntriesInRedisToo() {
        start();
        assertTheForeignEventDeletesBook("13", EventStreams.CACHE_INVALIDATED, "{\"tags\":[\"book:13\"]}");
    }

    /**
     * Caches book {@code bookId} (in L1 and Redis), lets another service append an event of {@code type} with
     * {@code payload}, and checks that the book left Redis as well as L1: the next call runs the method.
     */
    private void assertTheForeignEventDeletesBook(String bookId, String type, String payload) {
        String key = ns + "books:" + bookId;
        assertEquals("v0", instance.find(bookId, "v0"));
        Await.until("the value in Redis", () -> redis.admin().exists(key) == 1);

        append(type, payload);
        Await.until("the foreign event is applied", () -> instance.reader.eventsApplied() == 1);

        assertEquals(0, redis.admin().exists(key), "deleted in Redis, not only evicted from L1");
        assertEquals("v1", instance.find(bookId, "v1"), "so the next call runs the method instead of reading v0 back");
    }

    /** What another service appends: an event of {@code type} with {@code payload}. */
    private void append(String type, String payload) {
        redis.admin().xadd(EventStreams.key(ns, type.equals(FOREIGN) ? FOREIGN : EventStreams.CACHE_INVALIDATED),
                Map.of("type", type, "event", "{\"type\":\"" + type + "\",\"payload\":" + payload
                        + ",\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"another service\",\"event_id\":\"e-"
                        + UUID.randomUUID() + "\"}"));
    }

    private long streamLength(String type) {
        return redis.admin().xlen(EventStreams.key(ns, type));
    }
}
