package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tag invalidations between two runtimes on one Redis, as {@code RedisConnector} connects them: the tag's
 * entries leave Redis and the other runtime's L1, a delete that Redis did not answer is sent again before the
 * next read, and a failover replay deletes them again from a master that lost the delete (SPEC §7, §11, §13).
 */
class TagReplayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void aTagInvalidationReachesRedisAndTheOtherInstanceAndIsReplayedAfterAFailover() throws Exception {
        try (RedisFixture redis = RedisFixture.start(); Closer closer = new Closer()) {
            String ns = "replay-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            RedisInstance writer = closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), ns, "writer",
                    TIMEOUT));
            RedisInstance other = closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), ns, "other",
                    TIMEOUT));
            writer.find("1", "v1");
            Await.until("the value in Redis", () -> redis.admin().exists(ns + "books:1") == 1);
            assertEquals("v1", other.find("1", "from the method"), "an L2 hit, tagged in the other's L1 too");

            writer.saveByTag("1");

            assertEquals(0, redis.admin().exists(ns + "books:1"));
            Await.until("the other instance evicts its entry", () -> other.find("1", "v2").equals("v2"));
            // a new master that never got the delete: the value and its membership are back
            redis.admin().set(ns + "books:1", "\"stale\"");
            redis.admin().zadd(ns + "weft-tag:book:1", 9e15, ns + "books:1");

            assertTrue(writer.runtime.replayRecentInvalidations() >= 1);

            assertEquals(0, redis.admin().exists(ns + "books:1"), "the replay deleted the tag's entries again");
        }
    }

    /**
     * The tag delete must not reach Redis at all: the store's breaker is open when it is sent (a delete that Redis
     * merely answered late would still run, before the next command of the same connection). The publisher's thread,
     * which also retries failed deletes before it sends an event, is not started, so only the read can retry it.
     */
    @Test
    void aTagDeleteThatRedisDidNotAnswerIsSentAgainBeforeTheNextRead() throws Exception {
        try (RedisFixture redis = RedisFixture.start(); Closer closer = new Closer()) {
            String ns = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            FakeTicker time = new FakeTicker();
            CircuitBreaker storeBreaker = new CircuitBreaker("writer's store", 1, Duration.ofMinutes(1),
                    Duration.ofMinutes(1), time);
            RedisInstance writer = closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), ns, "writer",
                    TIMEOUT, storeBreaker, false));
            writer.find("2", "v1");
            Await.until("the value in Redis", () -> "\"v1\"".equals(redis.admin().get(ns + "books:2")));
            assertNotNull(redis.admin().zscore(ns + "weft-tag:book:2", ns + "books:2"), "the key is in its tag's set");

            // Redis cannot be reached from the store: its breaker is open, its commands are refused unsent
            assertTrue(storeBreaker.tryAcquire());
            storeBreaker.onFailure();
            assertEquals(CircuitBreaker.State.OPEN, storeBreaker.state());
            writer.saveByTag("2");
            assertEquals("\"v1\"", redis.admin().get(ns + "books:2"), "the tag delete never reached Redis");
            assertNotNull(redis.admin().zscore(ns + "weft-tag:book:2", ns + "books:2"), "nor did its set change");

            time.advance(Duration.ofMinutes(2)); // Redis can be reached again: the breaker lets a call through
            assertEquals("\"v1\"", redis.admin().get(ns + "books:2"), "nothing retried the delete before the read");
            assertEquals("v1'", writer.find("2", "v1'"), "the read sent the kept tag delete before reading the key");
            assertNotEquals("\"v1\"", redis.admin().get(ns + "books:2"), "the read deleted the tag's entry");
            assertEquals(CircuitBreaker.State.CLOSED, storeBreaker.state());
            Await.until("the new value stored", () -> "\"v1'\"".equals(redis.admin().get(ns + "books:2")));
        }
    }
}
