package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.KillArgs;
import io.lettuce.core.XAddArgs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.WeftIds;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.SampleApp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6: an instance cut off from Redis resumes its stream after the last entry it read, so an event written
 * meanwhile evicts just its key; but when the stream was trimmed past that entry it cannot know what it missed,
 * so when it is back it clears its L1 and says so.
 */
class StreamGapTest {

    private static final String BOOK = "a1ce0000-0000-0000-0000-000000000004";
    private static final String BOOK_KEY = "storybook:book:" + BOOK;
    private static final String PATH = "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;
    private static final String OTHER = "a1ce0000-0000-0000-0000-000000000001";
    private static final String OTHER_KEY = "storybook:book:" + OTHER;
    private static final String OTHER_PATH = "/api/v1/storybook/books/" + OTHER + "?user=" + ALICE;
    private static final String CLEARED = "cleared the local cache";

    @Test
    void aStreamTrimmedPastTheLastEntryReadClearsTheL1() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.on().addPassword("pw").allKeys().allChannels()
                    .allCommands());
            String namespace = "gap-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            String stream = namespace + "events:cache.invalidated";
            try (SampleApp b = SampleApp.start(AppJvm.builder().property("weft.redis.uri", redis.uri("weft", "pw"))
                    .property("weft.namespace", namespace).property("weft.http.port", "0"))) {
                b.jvm().awaitStderr(l -> l.contains("reading invalidation events"), Duration.ofSeconds(30));
                b.get(PATH);
                long before = b.bodyRuns("getBook");
                Await.until(Duration.ofSeconds(5), "the book in Redis",
                        () -> redis.admin().del(namespace + BOOK_KEY) == 1);
                redis.admin().xadd(stream, Map.of("type", "cache.invalidated", "event", event(BOOK_KEY)));
                awaitReloadOf(b, before, "b read the first event (it evicts the book)");

                // cut off without a trim: the event written meanwhile evicts the book, and nothing else
                b.get(OTHER_PATH);
                Await.until(Duration.ofSeconds(5), "both books in Redis",
                        () -> redis.admin().exists(namespace + BOOK_KEY, namespace + OTHER_KEY) == 2);
                long loads = b.bodyRuns("getBook");
                cutOff(redis, b, () -> {
                    // gone from Redis too, so that a call that misses L1 runs the method
                    assertEquals(2, redis.admin().del(namespace + BOOK_KEY, namespace + OTHER_KEY));
                    redis.admin().xadd(stream, Map.of("type", "cache.invalidated", "event", event(BOOK_KEY)));
                });
                awaitReloadOf(b, loads, "b read the event written while it was cut off (it evicts the book)");
                b.get(OTHER_PATH);
                assertEquals(loads + 1, b.bodyRuns("getBook"),
                        "only the book of the event was loaded again: the other one is still in L1");
                Await.until(Duration.ofSeconds(10), "both events counted as applied",
                        () -> Metrics.value(b.jvm(), "weft_events_applied_total") == 2);
                assertEquals(0, Metrics.value(b.jvm(), "weft_events_gap_clears_total"), "no gap: no clear");
                assertTrue(b.jvm().stderr().stream().noneMatch(l -> l.contains(CLEARED)), b.jvm().transcript());

                // cut off while the stream is trimmed past the last entry read
                long reloads = b.bodyRuns("getBook");
                cutOff(redis, b, () -> {
                    for (int i = 0; i < 20; i++) {
                        redis.admin().xadd(stream, XAddArgs.Builder.maxlen(5),
                                Map.of("type", "cache.invalidated", "event", event("unrelated:" + i)));
                    }
                });
                b.jvm().awaitStderr(l -> l.contains(CLEARED), Duration.ofSeconds(30));
                assertEquals(1, Metrics.value(b.jvm(), "weft_events_gap_clears_total"), "the clear, counted");
                redis.admin().del(namespace + BOOK_KEY);
                b.get(PATH);
                assertEquals(reloads + 1, b.bodyRuns("getBook"), "the book was loaded again after the clear");
            }
        }
    }

    /**
     * Cuts b off from Redis (its user switched off, its connections killed), waits until its event reader has
     * noticed, runs {@code meanwhile}, and lets b connect again.
     */
    private static void cutOff(RedisFixture redis, SampleApp b, Runnable meanwhile) {
        double readFailures = Metrics.value(b.jvm(), "weft_events_read_failures_total");
        redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.off());
        assertTrue(redis.admin().clientKill(KillArgs.Builder.user("weft")) > 0, "b was connected");
        Await.until(Duration.ofSeconds(30), "b's reader lost its connection",
                () -> Metrics.value(b.jvm(), "weft_events_read_failures_total") > readFailures);
        meanwhile.run();
        redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.on());
    }

    /** Calls the book until its method runs again (an event evicted it), failing after 30 s. */
    private static void awaitReloadOf(SampleApp b, long runs, String what) {
        Await.until(Duration.ofSeconds(30), what, () -> {
            try {
                b.get(PATH);
                return b.bodyRuns("getBook") > runs;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String event(String key) {
        return "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"" + key + "\"],\"prefixes\":[]},"
                + "\"timestamp\":\"2026-11-21T10:00:00Z\",\"source\":\"" + WeftIds.of("another-instance")
                + "\",\"event_id\":\"" + UUID.randomUUID() + "\"}";
    }
}
