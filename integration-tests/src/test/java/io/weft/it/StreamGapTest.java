package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.XAddArgs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.SampleApp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6: an instance cut off from Redis while its stream is trimmed past the last entry it read
 * cannot know what it missed, so when it is back it clears its L1 and says so.
 */
class StreamGapTest {

    private static final String PATH = "/api/v1/storybook/books/a1ce0000-0000-0000-0000-000000000004?user=" + ALICE;

    @Test
    void aStreamTrimmedPastTheLastEntryReadClearsTheL1() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.on().addPassword("pw").allKeys().allChannels()
                    .allCommands());
            String namespace = "gap-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            String stream = namespace + "events:cache.invalidated";
            try (SampleApp b = SampleApp.start(AppJvm.builder().property("weft.redis.uri", redis.uri("weft", "pw"))
                    .property("weft.namespace", namespace))) {
                b.jvm().awaitStderr(l -> l.contains("reading invalidation events"), Duration.ofSeconds(30));
                b.get(PATH);
                long before = b.bodyRuns("getBook");
                Await.until(Duration.ofSeconds(5), "the book in Redis",
                        () -> redis.admin().del(namespace + "storybook:book:a1ce0000-0000-0000-0000-000000000004") == 1);
                redis.admin().xadd(stream, Map.of("type", "cache.invalidated",
                        "event", event("storybook:book:a1ce0000-0000-0000-0000-000000000004")));
                Await.until(Duration.ofSeconds(10), "b read the first event (it evicts the book)", () -> {
                    try {
                        b.get(PATH);
                        return b.bodyRuns("getBook") > before;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long loads = b.bodyRuns("getBook");

                redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.off());
                redis.admin().clientKill(io.lettuce.core.KillArgs.Builder.user("weft"));
                for (int i = 0; i < 20; i++) {
                    redis.admin().xadd(stream, XAddArgs.Builder.maxlen(5),
                            Map.of("type", "cache.invalidated", "event", event("unrelated:" + i)));
                }
                redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.on());

                b.jvm().awaitStderr(l -> l.contains("cleared the local cache"), Duration.ofSeconds(30));
                redis.admin().del(namespace + "storybook:book:a1ce0000-0000-0000-0000-000000000004");
                b.get(PATH);
                assertEquals(loads + 1, b.bodyRuns("getBook"), "the book was loaded again after the clear");
            }
        }
    }

    private static String event(String key) {
        return "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"" + key + "\"],\"prefixes\":[]},"
                + "\"timestamp\":\"2026-11-21T10:00:00Z\",\"source\":\"another-instance\",\"event_id\":\""
                + UUID.randomUUID() + "\"}";
    }
}
