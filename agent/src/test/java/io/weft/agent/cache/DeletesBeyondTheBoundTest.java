package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.events.EventJson;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EventStreams;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6: invalidations that cannot reach Redis are kept, bounded, and on overflow none is lost: the deletes beyond
 * the bound are widened to prefixes that cover them (more misses, never an old value read back from Redis), and the
 * other instances hear of them.
 */
class DeletesBeyondTheBoundTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String NS = "bound:";
    private static final String OLD = "\"old\"";

    private final Closer closer = new Closer();
    private final RedisFixture redis = closer.later(RedisFixture.startLocal(null));
    private final RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    /** Stores an old value under {@code book:0} … {@code book:<count - 1>} and under {@code author:1}. */
    private String[] storeOldBooks(int count) {
        Map<String, String> values = new HashMap<>();
        String[] books = new String[count];
        for (int i = 0; i < count; i++) {
            books[i] = NS + "book:" + i;
            values.put(books[i], OLD);
        }
        values.put(NS + "author:1", OLD);
        redis.admin().mset(values);
        return books;
    }

    private SharedLevel sharedLevel(RedisStore store) {
        RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT);
        return new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, Duration.ofSeconds(1));
    }

    @Test
    void keyDeletesThatFailBeyondTheBoundAreWidenedNotDropped() {
        int count = SharedLevel.MAX_PENDING + 50;
        String[] books = storeOldBooks(count);
        FakeTicker time = new FakeTicker();
        CircuitBreaker breaker = new CircuitBreaker("store", 1, Duration.ofMinutes(1), Duration.ofMinutes(1), time);
        SharedLevel shared = sharedLevel(closer.later(new RedisStore(endpoint, TIMEOUT, breaker)));
        assertTrue(breaker.tryAcquire());
        breaker.onFailure(); // the store's breaker opens: every delete is refused, as while Redis is down

        for (int i = 0; i < count; i++) {
            shared.evict(List.of("book:" + i), List.of(), List.of());
        }
        assertEquals(count, redis.admin().exists(books), "every delete was refused: they wait");

        time.advance(Duration.ofMinutes(2)); // the breaker lets a probe through: the store is back
        Await.until("the kept deletes went through", () -> shared.pendingDeletes().retry());
        assertEquals(0, redis.admin().exists(books), "no invalidated key yields its old value, beyond the bound too");
        assertEquals(OLD, redis.admin().get(NS + "author:1"), "a key under another head is left alone");
    }

    @Test
    void invalidationsWhileConnectingBeyondTheBoundReachRedisAndTheOtherInstances() throws Exception {
        int count = SharedLevelConnection.MAX_DEFERRED + 50;
        String[] books = storeOldBooks(count);
        RedisStore store = closer.later(new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("store")));
        EventPublisher publisher = closer.later(new EventPublisher(endpoint, NS, 10 * count, 2 * count, TIMEOUT,
                "host-1"));
        SharedLevelConnection connection = new SharedLevelConnection();
        connection.connecting(Duration.ofSeconds(1));

        for (int i = 0; i < count; i++) {
            assertNull(connection.deferUnlessConnected(new SharedLevelConnection.Deferred(
                    EventStreams.CACHE_INVALIDATED, List.of("book:" + i), List.of(), List.of(), Map.of())));
        }
        assertEquals(count, redis.admin().exists(books), "nothing is sent before the connection");

        connection.connect(sharedLevel(store), publisher, "host-1", bound -> true);
        assertEquals(0, redis.admin().exists(books), "no invalidated key yields its old value, beyond the bound too");
        assertEquals(OLD, redis.admin().get(NS + "author:1"), "a key under another head is left alone");

        publisher.start();
        assertTrue(publisher.awaitPublished(Duration.ofSeconds(30)));
        assertEquals(0, publisher.overflows(), "the publisher's own buffer held every event it was given");
        List<StreamMessage<String, String>> last = redis.admin().xrevrange(
                EventStreams.key(NS, EventStreams.CACHE_INVALIDATED), Range.unbounded(), Limit.from(1));
        assertTrue(EventJson.decode(last.get(0).getBody().get("event")).isClearAll(),
                "a clear-all event makes the other instances evict what the invalidations beyond the bound evicted");
    }
}
