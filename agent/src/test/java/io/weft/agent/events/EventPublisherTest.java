package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.FollowUp;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    private RedisFixture redis;
    private RedisEndpoint endpoint;
    private EventPublisher publisher;
    private final String ns = "p" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @BeforeEach
    void start() {
        redis = RedisFixture.startLocal(null);
        endpoint = new RedisEndpoint(redis.uri());
        publisher = publisher(10_000, 100);
    }

    private EventPublisher publisher(long maxLen, int capacity) {
        return publisher(maxLen, capacity, Duration.ofSeconds(5));
    }

    private EventPublisher publisher(long maxLen, int capacity, Duration timeout) {
        EventPublisher p = new EventPublisher(endpoint, ns, maxLen, capacity, timeout, "host-1");
        p.start();
        return p;
    }

    @AfterEach
    void stop() {
        publisher.close();
        endpoint.close();
        redis.close();
    }

    private RedisCommands<String, String> admin() {
        return redis.admin();
    }

    private List<StreamMessage<String, String>> entries(String type) {
        return admin().xrange(ns + "events:" + type, Range.unbounded());
    }

    private static InvalidationEvent event(String type, String key) {
        return InvalidationEvent.invalidation(type, List.of(key), List.of(), Map.of("bookId", 7), "host-1");
    }

    private void assertWireFormat(StreamMessage<String, String> entry, InvalidationEvent event) {
        assertEquals(List.of("type", "event"), new ArrayList<>(entry.getBody().keySet()));
        assertEquals(event.type(), entry.getBody().get("type"));
        assertEquals(EventJson.encode(event), entry.getBody().get("event"));
    }

    @Test
    void appendsATypedEventToBothStreams() throws Exception {
        InvalidationEvent event = event("book.updated", "storybook:book:7");

        publisher.publish(event);

        assertTrue(publisher.awaitPublished(Duration.ofSeconds(5)));
        List<StreamMessage<String, String>> all = entries("cache.invalidated");
        List<StreamMessage<String, String>> typed = entries("book.updated");
        assertEquals(1, all.size());
        assertEquals(1, typed.size());
        assertWireFormat(all.get(0), event);
        assertWireFormat(typed.get(0), event);
        assertEquals(1, publisher.published());
    }

    @Test
    void anEventSentBehindADeleteIsAppendedToBothStreams() throws Exception {
        InvalidationEvent event = event("book.updated", "storybook:book:9");
        admin().set(ns + "storybook:book:9", "old");
        try (RedisStore store = new RedisStore(endpoint, Duration.ofSeconds(5), new CircuitBreaker("test redis"))) {
            FollowUp append = publisher.appendAfter(event);

            assertTrue(store.deleteWithLeases(List.of(ns + "storybook:book:9"), append));

            assertTrue(publisher.awaitPublished(Duration.ofSeconds(5)));
            assertEquals(0L, admin().exists(ns + "storybook:book:9"));
            assertWireFormat(entries("cache.invalidated").get(0), event);
            assertWireFormat(entries("book.updated").get(0), event);
            assertEquals(1, publisher.published());
            append.notSent(); // as the shared level does after every attempt: nothing once the event was sent
            assertEquals(1, publisher.published());
            assertEquals(1, entries("cache.invalidated").size(), "an event is sent once");
        }
    }

    @Test
    void eachOfConsecutiveInvalidationsRidesItsDeleteWhileTheEarlierOnesRepliesAreAwaited() throws Exception {
        awaitConnected();
        List<InvalidationEvent> events = new ArrayList<>();
        List<FollowUp> appends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(event("cache.invalidated", "storybook:book:" + i));
            appends.add(publisher.appendAfter(events.get(i)));
        }
        assertFalse(appends.contains(null), "none goes through the queue, a thread hand-off and a round trip later");

        try (RedisStore store = new RedisStore(endpoint, Duration.ofSeconds(5), new CircuitBreaker("test redis"))) {
            for (int i = 0; i < 3; i++) {
                assertTrue(store.deleteWithLeases(List.of(ns + "storybook:book:" + i), appends.get(i)));
            }
            assertTrue(publisher.awaitPublished(Duration.ofSeconds(5)));
        }

        assertEquals(List.of("storybook:book:0", "storybook:book:1", "storybook:book:2"),
                entries("cache.invalidated").stream().map(e -> decode(e).keys().get(0)).collect(Collectors.toList()));
    }

    @Test
    void anEventOfTheDefaultTypeGoesToOneStream() throws Exception {
        InvalidationEvent event = event("cache.invalidated", "storybook:book:8");

        publisher.publish(event);

        assertTrue(publisher.awaitPublished(Duration.ofSeconds(5)));
        assertWireFormat(entries("cache.invalidated").get(0), event);
        assertEquals(List.of(ns + "events:cache.invalidated"), admin().keys(ns + "*"));
    }

    @Test
    void eventsFromManyThreadsArriveOnceEachAndInEachThreadsOrder() throws Exception {
        int threads = 8;
        int perThread = 200;
        publisher.close();
        publisher = publisher(10_000, threads * perThread);
        awaitConnected();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = "t" + t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    publisher.publish(event("cache.invalidated", name + ":" + i));
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }

        assertTrue(publisher.awaitPublished(Duration.ofSeconds(10)));
        List<String> keys = entries("cache.invalidated").stream().map(e -> decode(e).keys().get(0))
                .collect(Collectors.toList());
        assertEquals(threads * perThread, keys.size(), "each event once");
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + ":";
            List<Integer> order = keys.stream().filter(k -> k.startsWith(prefix))
                    .map(k -> Integer.parseInt(k.substring(prefix.length()))).collect(Collectors.toList());
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(i);
            }
            assertEquals(expected, order, "the order of thread " + t);
        }
        assertEquals(threads * perThread + 1, publisher.published(), "and the warm-up event");
    }

    /** Publishes one event and waits for it, so that the connection is open and later events may go directly. */
    private void awaitConnected() throws Exception {
        publisher.publish(event("warm.up", "warm-up"));
        assertTrue(publisher.awaitPublished(Duration.ofSeconds(5)));
        admin().del(ns + "events:cache.invalidated", ns + "events:warm.up");
    }

    @Test
    void streamsAreCappedApproximately() throws Exception {
        publisher.close();
        publisher = publisher(10, 2000);
        for (int i = 0; i < 1000; i++) {
            publisher.publish(event("cache.invalidated", "k" + i));
        }

        assertTrue(publisher.awaitPublished(Duration.ofSeconds(10)));
        long length = admin().xlen(ns + "events:cache.invalidated");
        assertTrue(length >= 10 && length <= 200, "XLEN " + length);
    }

    @Test
    void eventsPublishedWhileRedisIsDownAreSentInOrderWhenItIsBack() throws Exception {
        redis.stop();
        List<InvalidationEvent> events = List.of(event("book.updated", "a"), event("book.updated", "b"),
                event("book.updated", "c"));
        events.forEach(publisher::publish);
        Await.until("publishing failed", () -> publisher.failures() >= 1);
        assertEquals(3, publisher.pending());

        redis.restart();

        assertTrue(publisher.awaitPublished(Duration.ofSeconds(10)));
        List<String> ids = events.stream().map(InvalidationEvent::eventId).collect(Collectors.toList());
        assertEquals(ids, eventIds(entries("cache.invalidated")));
        assertEquals(ids, eventIds(entries("book.updated")));
    }

    @Test
    void anOverflowingBufferIsPublishedAsOneClearAllEvent() throws Exception {
        publisher.close();
        publisher = publisher(10_000, 3);
        redis.stop();
        publisher.publish(event("book.updated", "k0"));
        // once a send failed, the connection is known to be down: the next events are queued, not sent directly
        Await.until("publishing failed", () -> publisher.failures() >= 1);
        for (int i = 1; i < 5; i++) {
            publisher.publish(event("book.updated", "k" + i));
        }
        assertEquals(1, publisher.overflows());

        redis.restart();

        assertTrue(publisher.awaitPublished(Duration.ofSeconds(10)));
        List<StreamMessage<String, String>> all = entries("cache.invalidated");
        StreamMessage<String, String> last = all.get(all.size() - 1);
        InvalidationEvent clear = decode(last);
        assertEquals(Map.of("clear_all", true), clear.payload());
        assertEquals("host-1", clear.source());
        assertEquals("cache.invalidated", last.getBody().get("type"));
        // Only a batch that was already being sent when the buffer overflowed may precede it.
        assertTrue(all.stream().filter(e -> decode(e).isClearAll()).allMatch(e -> decode(e).eventId().equals(clear.eventId())));
        assertTrue(all.size() == 1 || entries("book.updated").size() > 0);
    }

    @Test
    void closingWhileRedisIsDownGivesUpOnTheQueueAndStopsItsThread() {
        publisher.close();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        publisher = publisher(10_000, 100, Duration.ofSeconds(1));
        List<Thread> mine = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().equals("weft-events-publisher"))
                .collect(Collectors.toList());
        assertEquals(1, mine.size(), "this publisher's thread");
        redis.stop();
        publisher.publish(event("book.updated", "a"));

        assertTimeoutPreemptively(Duration.ofSeconds(20), publisher::close, "close does not wait for Redis to come back");

        assertFalse(mine.get(0).isAlive(), "the publishing thread has ended");
        assertEquals(1, publisher.pending(), "the event Redis could not take was given up, not published");
        assertEquals(0, publisher.published());
    }

    /**
     * The ids of the events in {@code entries}, each once, in order: an event is sent again when the reply
     * to a transaction that Redis applied was lost, which a slow machine can cause.
     */
    private static List<String> eventIds(List<StreamMessage<String, String>> entries) {
        return entries.stream().map(e -> decode(e).eventId()).distinct().collect(Collectors.toList());
    }

    private static InvalidationEvent decode(StreamMessage<String, String> entry) {
        try {
            return EventJson.decode(entry.getBody().get("event"));
        } catch (MalformedEventException e) {
            throw new AssertionError(e);
        }
    }
}
