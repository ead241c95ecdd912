package io.weft.agent.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store while Redis goes away and comes back: a call to a Redis that does not answer gives up, the breaker
 * opens and keeps calls off Redis, and (on a {@link FakeTicker}) probes and closes once Redis is back.
 */
class RedisOutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(250);
    private static final Duration HANG = Duration.ofSeconds(20);

    private final FakeTicker ticker = new FakeTicker();
    private RedisFixture redis;
    private RedisEndpoint endpoint;
    private RedisStore store;

    @BeforeEach
    void start() {
        redis = RedisFixture.startLocal(null);
        endpoint = new RedisEndpoint(redis.uri());
        // a cold JVM's first connection and commands can take longer than TIMEOUT on a slow machine: not what is tested
        try (RedisStore warm = new RedisStore(endpoint, Duration.ofSeconds(5), new CircuitBreaker("warm-up"))) {
            warm.set("warm-up", bytes("1"), 1_000);
            Await.until("the warm-up value is stored", () -> warm.get("warm-up") != null);
        }
        store = newStore();
    }

    /** A store whose breaker cools down on the test's ticker: it probes only when the test advances it. */
    private RedisStore newStore() {
        return new RedisStore(endpoint, TIMEOUT,
                new CircuitBreaker("outage test redis", 3, Duration.ofSeconds(1), Duration.ofSeconds(10), ticker));
    }

    @AfterEach
    void stop() {
        store.close();
        endpoint.close();
        redis.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whileRedisIsDownCallsFailThenSkipItAndAfterItReturnsTheyWorkAgain() {
        store.set("k", bytes("v"), 60_000);
        Await.until("the value is stored", () -> store.get("k") != null);

        redis.suspend();
        assertNull(assertTimeoutPreemptively(HANG, () -> store.get("k")), "a Redis that does not answer: no value");
        assertEquals(1, store.failures(), "the call gave up (weft.redis.timeout) and counted it");
        redis.resume();
        redis.stop();
        for (int i = 2; i <= 3; i++) {
            assertNull(store.get("k"));
            assertEquals(i, store.failures());
        }
        assertEquals(CircuitBreaker.State.OPEN, store.state());
        assertNull(store.get("k"));
        assertEquals(3, store.failures(), "the open breaker did not call Redis");
        assertEquals(1, store.rejections());

        redis.restart();
        Await.until("the breaker closes after a successful probe", () -> {
            ticker.advance(Duration.ofSeconds(10));
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
        endpoint = new RedisEndpoint(redis.uri());
        store = newStore();
        assertNull(assertTimeoutPreemptively(HANG, () -> store.get("k")), "the first call does not wait for Redis to come up");
        assertEquals(1, store.failures());
        assertEquals(CircuitBreaker.State.CLOSED, store.state());

        redis.restart();
        redis.admin().set("k", "up");
        Await.until("the store reads from Redis", () -> store.get("k") != null);
        assertArrayEquals(bytes("up"), store.get("k"));
    }
}
