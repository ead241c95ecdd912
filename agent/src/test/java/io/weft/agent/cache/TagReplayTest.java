package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
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

    @Test
    void aTagDeleteThatRedisDidNotAnswerIsSentAgainBeforeTheNextRead() throws Exception {
        try (RedisFixture redis = RedisFixture.start(); Closer closer = new Closer()) {
            String ns = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            RedisInstance writer = closer.later(new RedisInstance(new RedisEndpoint(redis.uri()), ns, "writer",
                    Duration.ofMillis(300)));
            writer.find("2", "v1");
            Await.until("the value in Redis", () -> redis.admin().exists(ns + "books:2") == 1);

            redis.suspend();
            try {
                writer.saveByTag("2");
            } finally {
                redis.resume();
            }
            assertEquals("v1'", writer.find("2", "v1'"), "the kept tag delete went before this read");
            Await.until("the new value stored", () -> "\"v1'\"".equals(redis.admin().get(ns + "books:2")));
        }
    }
}
