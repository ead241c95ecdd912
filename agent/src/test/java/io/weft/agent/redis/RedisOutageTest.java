package io.weft.agent.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store while Redis goes away and comes back: every call bounded, the breaker opening and closing. */
class RedisOutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(250);
    private static final long SLACK_MILLIS = 250;

    private RedisFixture redis;
    private RedisEndpoint endpoint;
    private RedisStore store;

    @BeforeEach
    void start() {
        redis = RedisFixture.startLocal(null);
        endpoint = new RedisEndpoint(redis.uri());
        store = new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("outage test redis"));
    }

    @AfterEach
    void stop() {
        store.close();
        endpoint.close();
        redis.close();
    }

    private static long millisSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whileRedisIsDownCallsAreBoundedThenSkippedAndAfterItReturnsTheyWorkAgain() {
        store.set("k", bytes("v"), 60_000);
        Await.until("the value is stored", () -> store.get("k") != null);

        redis.stop();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertNull(store.get("k"));
            long took = millisSince(start);
            assertTrue(took <= TIMEOUT.toMillis() + SLACK_MILLIS, "get took " + took + " ms");
        }
        assertEquals(CircuitBreaker.State.OPEN, store.state());
        long rejectedBefore = store.rejections();
        long start = System.nanoTime();
        assertNull(store.get("k"));
        assertTrue(millisSince(start) < 20, "an open breaker answers at once");
        assertEquals(rejectedBefore + 1, store.rejections());

        redis.restart();
        Await.until("the breaker closes after a successful probe", () -> {
            store.get("k");
            return store.state() == CircuitBreaker.State.CLOSED;
        });
        store.set("k", bytes("again"), 60_000);
        Await.until("the value is stored again", () -> store.get("k") != null);
        assertArrayEquals(bytes("again"), store.get("k"));
    }

    @Test
    void aRedisThatIsDownAtStartIsUsedOnceItComesUp() {
        store.close();
        endpoint.close();
        redis.stop();
        long start = System.nanoTime();
        endpoint = new RedisEndpoint(redis.uri());
        store = new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("outage test redis"));
        assertNull(store.get("k"));
        assertTrue(millisSince(start) < 1000, "building the store and a first get do not wait for Redis");

        redis.restart();
        redis.admin().set("k", "up");
        Await.until("the store reads from Redis", () -> store.get("k") != null);
        assertArrayEquals(bytes("up"), store.get("k"));
    }
}
