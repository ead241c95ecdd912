package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.events.EventStreams;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 and §6: an invalidation whose Redis delete could not be made (kept, to be sent again) publishes its event
 * only once that delete went through. An instance that receives the event evicts its L1 and reads Redis next: were the
 * event first, it would read the old value back and keep it in L1 for its whole TTL.
 */
class EventsAfterKeptDeletesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String NS = "kept:";

    private final Closer closer = new Closer();
    private final RedisFixture redis = closer.later(RedisFixture.startLocal(null));

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    @Test
    void theEventOfAnInvalidationWhoseDeleteWasKeptIsPublishedOnlyAfterTheDelete() {
        FakeTicker time = new FakeTicker();
        CircuitBreaker breaker = new CircuitBreaker("store", 1, Duration.ofMinutes(1), Duration.ofMinutes(1), time);
        RedisInstance writer = closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), NS, "writer", TIMEOUT,
                breaker, true));
        redis.admin().set(NS + "books:1", "\"old\"");
        assertTrue(breaker.tryAcquire());
        breaker.onFailure(); // the store's breaker opens: its deletes are refused, as while Redis is down

        writer.save("1");
        assertEquals(1, redis.admin().exists(NS + "books:1"), "the delete was refused: it is kept");

        time.advance(Duration.ofMinutes(2)); // the breaker lets a probe through: the store is back
        String stream = EventStreams.key(NS, EventStreams.CACHE_INVALIDATED);
        Await.until("the invalidation's event published", () -> redis.admin().xlen(stream) == 1);
        assertEquals(0, redis.admin().exists(NS + "books:1"),
                "once its event can be read, the invalidated key no longer yields its old value");
    }
}
