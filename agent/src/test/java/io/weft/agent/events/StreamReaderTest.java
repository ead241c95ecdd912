package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.KillArgs;
import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.WeftIds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader against a real Redis. It connects as the ACL user {@code reader}, so that a test can cut
 * it off (disable the user, kill its connection), change the streams meanwhile, and let it back in.
 */
class StreamReaderTest {

    private static final String READER_PASSWORD = "reader-pw";
    private static RedisFixture redis;

    private final String ns = "r" + UUID.randomUUID().toString().substring(0, 8) + ":";
    /** While set, the reader's thread stops in its next eviction from L1 and Redis until it is released. */
    private volatile CountDownLatch stall;
    private final RecordingSink sink = new RecordingSink() {
        @Override
        public void evictKeys(List<String> keys, boolean alsoL2) {
            super.evictKeys(keys, alsoL2);
            CountDownLatch held = stall;
            if (alsoL2 && held != null) {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    };
    private final Closer closer = new Closer();
    /** Another Weft instance, which publishes. */
    private static final String OTHER = WeftIds.of("other");

    private EventPublisher other;

    @BeforeAll
    static void startRedis() {
        redis = RedisFixture.startLocal(null);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void start() {
        createReaderUser();
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        other = closer.later(new EventPublisher(endpoint, ns, 10_000, 1000, Duration.ofSeconds(5), OTHER));
        other.start();
    }

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    private static void createReaderUser() {
        redis.admin().aclSetuser("reader", AclSetuserArgs.Builder.on().addPassword(READER_PASSWORD).allKeys().allCommands());
    }

    private RedisCommands<String, String> admin() {
        return redis.admin();
    }

    private StreamReader reader(Map<String, String> mapping) {
        return reader(mapping, 10_000);
    }

    private StreamReader reader(Map<String, String> mapping, long maxLen) {
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri("reader", READER_PASSWORD)));
        StreamReader reader = closer.later(new StreamReader(endpoint, ns, maxLen, "me", ForeignEventMapping.parse(mapping), sink));
        reader.start();
        Await.until("the reader found the end of its streams", reader::positioned);
        return reader;
    }

    private void publish(String key) {
        other.publish(InvalidationEvent.invalidation("cache.invalidated", List.of(key), List.of(), Map.of(), OTHER));
    }

    private void publishAndWait(String... keys) throws InterruptedException {
        for (String key : keys) {
            publish(key);
        }
        assertTrue(other.awaitPublished(Duration.ofSeconds(5)));
    }

    private void awaitEvicted(String... keys) {
        for (String key : keys) {
            Await.until(key + " is evicted", () -> sink.received("keys [" + key + "]"));
        }
    }

    /** Disables the reader's user and kills its connection: it cannot come back until {@link #letReaderIn}. */
    private void cutReaderOff(StreamReader reader) {
        long failuresBefore = reader.readFailures();
        admin().aclSetuser("reader", AclSetuserArgs.Builder.off());
        assertTrue(admin().clientKill(KillArgs.Builder.user("reader")) >= 1);
        Await.until("the reader noticed", () -> reader.readFailures() > failuresBefore);
    }

    private void letReaderIn() {
        admin().aclSetuser("reader", AclSetuserArgs.Builder.on());
    }

    @Test
    void appliesEventsOfOtherInstancesAndSkipsItsOwn() throws Exception {
        StreamReader reader = reader(Map.of());
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        EventPublisher mine = closer.later(new EventPublisher(endpoint, ns, 10_000, 10, Duration.ofSeconds(5), "me"));
        mine.start();
        mine.publish(InvalidationEvent.invalidation("cache.invalidated", List.of("mine"), List.of(), Map.of(), "me"));
        assertTrue(mine.awaitPublished(Duration.ofSeconds(5)));

        other.publish(InvalidationEvent.invalidation("book.updated", List.of("storybook:book:1"), List.of("storybook:pages:"),
                Map.of("bookId", 1), OTHER));

        Await.until("the other instance's event is applied", () -> sink.received("prefixes [storybook:pages:]"));
        assertEquals(List.of("keys [storybook:book:1]", "prefixes [storybook:pages:]"), sink.calls);
        assertEquals(1, reader.ownEventsSkipped());
        assertEquals(1, reader.eventsApplied());
        assertEquals(List.of(ns + "events:cache.invalidated"), reader.streams());
    }

    @Test
    void startsAtTheEndOfEachStream() throws Exception {
        publishAndWait("before");
        reader(Map.of());

        publishAndWait("after");

        awaitEvicted("after");
        assertFalse(sink.received("keys [before]"));
    }

    @Test
    void skipsMalformedEntriesAndGoesOn() {
        StreamReader reader = reader(Map.of());
        String stream = ns + "events:cache.invalidated";

        admin().xadd(stream, Map.of("type", "cache.invalidated", "event", "{not json"));
        admin().xadd(stream, Map.of("type", "cache.invalidated"));
        publish("good");

        awaitEvicted("good");
        assertEquals(2, reader.malformedEntries());
    }

    @Test
    void foreignEventsOfAMappedTypeEvictTheirRenderedKeysFromL1AndL2() {
        StreamReader reader = reader(Map.of("book.updated", "storybook:book:{book_id}"));
        String bookId = UUID.randomUUID().toString();

        admin().xadd(ns + "events:book.updated", "type", "book.updated", "event", "{\"type\":\"book.updated\","
                + "\"payload\":{\"book_id\":\"" + bookId + "\",\"user_id\":\"u-1\"},"
                + "\"timestamp\":\"2026-11-21T10:00:00+00:00\",\"event_id\":\"abc\"}");

        Await.until("the mapped keys are evicted", () -> sink.received("keys+L2 [storybook:book:" + bookId + "]"));
        assertEquals(List.of(ns + "events:cache.invalidated", ns + "events:book.updated"), reader.streams());
    }

    @Test
    void appliesL1OnlyEventsAsTheReplyArrivesAndTheRestOnItsThreadInOrder() {
        reader(Map.of("book.updated", "storybook:book:{book_id}"));
        String weftEvent = "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"%s\"]},\"source\":\"" + OTHER
                + "\"}";

        admin().multi();
        admin().xadd(ns + "events:cache.invalidated", "type", "cache.invalidated", "event", String.format(weftEvent, "a"));
        admin().xadd(ns + "events:book.updated", "type", "book.updated", "event",
                "{\"type\":\"book.updated\",\"payload\":{\"book_id\":\"b\"}}");
        admin().xadd(ns + "events:cache.invalidated", "type", "cache.invalidated", "event", String.format(weftEvent, "c"));
        admin().exec();

        Await.until("every event is applied", () -> sink.calls.size() == 3);
        assertEquals(List.of("keys [a]", "keys [c]", "keys+L2 [storybook:book:b]"), sink.calls,
                "one reply: the cache.invalidated stream's entries come first");
        assertNotEquals("weft-events-reader", sink.threads.get(0), "an L1 eviction waits for no thread hand-off");
        assertEquals("weft-events-reader", sink.threads.get(2), "Redis is never awaited on Lettuce's thread");
    }

    @Test
    void resumesAfterALostConnectionWithoutLosingEvents() throws Exception {
        StreamReader reader = reader(Map.of());
        publishAndWait("first");
        awaitEvicted("first");

        cutReaderOff(reader);
        publishAndWait("while-away-1", "while-away-2", "while-away-3");
        letReaderIn();

        awaitEvicted("while-away-1", "while-away-2", "while-away-3");
        assertFalse(sink.received("clearAll"));
        assertEquals(4, reader.eventsApplied());
    }

    @Test
    void clearsL1WhenTheStreamWasTrimmedPastItsLastEntry() throws Exception {
        StreamReader reader = reader(Map.of());
        publishAndWait("first");
        awaitEvicted("first");

        cutReaderOff(reader);
        publishAndWait("missed-1", "missed-2", "kept");
        admin().xtrim(ns + "events:cache.invalidated", 1);
        letReaderIn();

        awaitEvicted("kept");
        assertEquals(List.of("keys [first]", "clearAll", "keys [kept]"), sink.calls);
        assertTrue(sink.clearReasons.get(0).contains("was trimmed past entry"), sink.clearReasons.get(0));
        assertEquals(1, reader.gapClears());
    }

    @Test
    void clearsL1WhenAStreamThatBeganAfterTheStartWasTrimmedBeforeItWasRead() throws Exception {
        redis.setUser("reader", "reset on >" + READER_PASSWORD + " " + RedisFixture.documentedAclRules(ns));
        StreamReader reader = reader(Map.of());
        String stream = ns + "events:cache.invalidated";
        assertEquals(0, admin().exists(stream), "the stream begins after the reader started");

        cutReaderOff(reader);
        publishAndWait("missed-1", "missed-2", "kept");
        admin().xtrim(stream, 1);
        letReaderIn();

        awaitEvicted("kept");
        assertEquals(List.of("clearAll", "keys [kept]"), sink.calls);
        assertTrue(sink.clearReasons.get(0).contains("had entries removed before they were read"),
                sink.clearReasons.get(0));
        assertEquals(1, reader.gapClears());
    }

    @Test
    void readsAStreamThatBeganAfterTheStartFromItsBeginningWithoutAClearWhenNothingWasRemoved() throws Exception {
        StreamReader reader = reader(Map.of());

        cutReaderOff(reader);
        publishAndWait("first", "second");
        letReaderIn();

        awaitEvicted("first", "second");
        assertEquals(List.of("keys [first]", "keys [second]"), sink.calls);
        assertEquals(0, reader.gapClears());
    }

    /**
     * Holds the reader's thread in the eviction of a foreign event (one that also deletes in Redis), so that it
     * reads nothing until the returned latch is released.
     */
    private CountDownLatch stallReader() {
        CountDownLatch held = new CountDownLatch(1);
        stall = held;
        String bookId = UUID.randomUUID().toString();
        admin().xadd(ns + "events:book.updated", "type", "book.updated", "event",
                "{\"type\":\"book.updated\",\"payload\":{\"book_id\":\"" + bookId + "\"}}");
        Await.until("the reader is held", () -> sink.received("keys+L2 [storybook:book:" + bookId + "]"));
        return held;
    }

    private static String[] keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toArray(String[]::new);
    }

    @Test
    void clearsL1WhenTheStreamWasTrimmedPastItsLastEntryWhileTheReaderStalled() throws Exception {
        StreamReader reader = reader(Map.of("book.updated", "storybook:book:{book_id}"));
        publishAndWait("first");
        awaitEvicted("first");

        CountDownLatch held = stallReader();
        publishAndWait("missed");
        publishAndWait(keys("kept-", 150));
        admin().xtrim(ns + "events:cache.invalidated", 120);
        held.countDown();

        awaitEvicted("kept-149");
        assertFalse(sink.received("keys [missed]"));
        assertTrue(sink.received("clearAll"), "the trimmed events are made up for: " + sink.calls);
        assertTrue(sink.clearReasons.get(0).contains("was trimmed past entry"), sink.clearReasons.get(0));
        assertEquals(1, reader.gapClears());
    }

    @Test
    void checksEveryReadAsLongAsWhatAShortStreamKeeps() throws Exception {
        StreamReader reader = reader(Map.of("book.updated", "storybook:book:{book_id}"), 3);
        publishAndWait("first");
        awaitEvicted("first");

        CountDownLatch held = stallReader();
        publishAndWait(keys("untrimmed-", 3));
        held.countDown();
        awaitEvicted("untrimmed-2");
        assertEquals(0, reader.gapClears(), "three entries read, none trimmed: " + sink.calls);

        held = stallReader();
        publishAndWait(keys("missed-", 2));
        publishAndWait(keys("kept-", 3));
        admin().xtrim(ns + "events:cache.invalidated", 3);
        held.countDown();

        awaitEvicted("kept-2");
        Await.until("L1 is cleared", () -> sink.received("clearAll"));
        assertFalse(sink.received("keys [missed-0]"));
        assertEquals(1, reader.gapClears());
    }

    @Test
    void clearsL1WhenTheStreamLostItsLastEntryAndGoesOnFromTheStreamsEnd() throws Exception {
        StreamReader reader = reader(Map.of());
        publishAndWait("kept", "lost");
        awaitEvicted("kept", "lost");

        cutReaderOff(reader);
        String stream = ns + "events:cache.invalidated";
        // as a replica promoted before it received the last entry: the stream ends before what the reader read
        admin().xdel(stream, admin().xrevrange(stream, Range.unbounded()).get(0).getId());
        letReaderIn();

        Await.until("L1 is cleared", () -> sink.received("clearAll"));
        assertTrue(sink.clearReasons.get(0).contains("ends at entry"), sink.clearReasons.get(0));
        publishAndWait("after");
        awaitEvicted("after");
        assertEquals(1, reader.gapClears());
    }

    @Test
    void aReaderStartsFarEnoughBackToSeeWhatWasPublishedSinceTheCacheFirstLookedUp() throws Exception {
        publishAndWait("before-any-lookup");
        sink.cachingForMillis = 0;
        reader(Map.of());
        publishAndWait("after-start");
        awaitEvicted("after-start");
        assertFalse(sink.received("keys [before-any-lookup]"), "a cache that looked nothing up starts at the end");

        RecordingSink cached = new RecordingSink();
        cached.cachingForMillis = 60_000;
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri("reader", READER_PASSWORD)));
        closer.later(new StreamReader(endpoint, ns, 10_000, "me", ForeignEventMapping.parse(Map.of()), cached)).start();
        Await.until("the entries of the last minute are read", () -> cached.received("keys [before-any-lookup]")
                && cached.received("keys [after-start]"));
    }

    @Test
    void clearsL1WhenRedisRestartedWithoutItsStreams() throws Exception {
        StreamReader reader = reader(Map.of());
        publishAndWait("first");
        awaitEvicted("first");

        redis.restart();
        createReaderUser();

        Await.until("L1 is cleared", () -> sink.received("clearAll"));
        publishAndWait("after-restart");
        awaitEvicted("after-restart");
        assertEquals(1, reader.gapClears());
    }

    @Test
    void closingStopsTheThreadAndClosesTheConnection() {
        StreamReader reader = reader(Map.of());
        Await.until("the reader is connected", () -> admin().clientList().contains("user=reader"));

        reader.close();

        Await.until("its connection is closed", () -> !admin().clientList().contains("user=reader"));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("weft-events-reader") && t.isAlive()));
    }
}
