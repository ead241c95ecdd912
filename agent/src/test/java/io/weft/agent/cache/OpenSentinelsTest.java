package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.RedisSentinelFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A {@code redis-sentinel://weft:…@} URI whose user exists on the servers only, behind Sentinels that have no
 * password: the Sentinels refuse the user ({@code WRONGPASS}), so Weft asks them without it, and lookups,
 * stores and events work.
 */
class OpenSentinelsTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void aUserTheOpenSentinelsDoNotKnowIsUsedOnTheServersOnly() throws Exception {
        String ns = "o" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (Closer closer = new Closer()) {
            RedisSentinelFixture sentinel = closer.later(
                    RedisSentinelFixture.startWithUserOnServersOnly(RedisFixture.documentedAclRules(ns)));
            RedisInstance writer = closer.later(new RedisInstance(new RedisEndpoint(sentinel.uri()), ns, "writer", TIMEOUT));
            RedisInstance other = closer.later(new RedisInstance(new RedisEndpoint(sentinel.uri()), ns, "other", TIMEOUT));
            String key = ns + "books:7";

            assertEquals("old", writer.find("7", "old"));
            Await.until("the value is in Redis", () -> sentinel.master().admin().exists(key) == 1);
            assertEquals("old", other.find("7", "not run: a hit in Redis"));
            writer.save("7");
            Await.until("the other instance read the invalidation", () -> other.reader.eventsApplied() == 1);
            assertEquals(0, sentinel.master().admin().exists(key));
            assertEquals("new", other.find("7", "new"));
        }
    }
}
