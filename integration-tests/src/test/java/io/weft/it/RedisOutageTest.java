package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.SampleApp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SPEC §7: Redis lost and back mid-run never fails a call, and no instance serves stale data afterwards. */
class RedisOutageTest {

    private static final String BOOK = "a1ce0000-0000-0000-0000-000000000003";
    private static final String PATH = "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;

    @Test
    void callsSucceedThroughAnOutageAndInvalidationsArriveAfterIt() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            String namespace = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            try (SampleApp a = SampleApp.start(instance(redis, namespace));
                    SampleApp b = SampleApp.start(instance(redis, namespace))) {
                for (SampleApp app : List.of(a, b)) {
                    app.jvm().awaitStderr(l -> l.contains("reading invalidation events"), Duration.ofSeconds(30));
                    app.get(PATH);
                }
                redis.stop();

                long slowest = 0;
                for (int i = 0; i < 20; i++) {
                    for (SampleApp app : List.of(a, b)) {
                        long start = System.nanoTime();
                        app.get(PATH);
                        app.get("/api/v1/storybook/books?user=" + ALICE);
                        slowest = Math.max(slowest, System.nanoTime() - start);
                    }
                }
                String title = "Written during the outage " + UUID.randomUUID();
                assertEquals(200, a.send("PUT", PATH, "{\"title\":\"" + title + "\"}").statusCode());
                assertTrue(a.get(PATH).contains(title), "the writer evicted its own L1");
                a.jvm().awaitStderr(l -> l.contains("L2 failed 3 times in a row"), Duration.ofSeconds(10));
                assertTrue(slowest < Duration.ofSeconds(5).toNanos(), "no call hangs on the dead Redis: "
                        + slowest / 1_000_000 + " ms");

                redis.restart();
                Await.until(Duration.ofSeconds(30), "b serves the title written during the outage", () -> {
                    try {
                        return b.get(PATH).contains(title);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Await.until(Duration.ofSeconds(30), "a's breaker closes again as its calls probe Redis", () -> {
                    try {
                        a.get("/api/v1/storybook/books?user=" + UUID.randomUUID()); // a miss: it consults Redis
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return a.jvm().stderr().stream().anyMatch(l -> l.contains("answers again"));
                });
                Await.until(Duration.ofSeconds(30), "the buffered invalidation published after the restart",
                        () -> redis.admin().xlen(namespace + "events:cache.invalidated") >= 1);
                System.out.printf("slowest pair of calls during the outage: %d ms%n", slowest / 1_000_000);
            }
        }
    }

    private static AppJvm.Builder instance(RedisFixture redis, String namespace) {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("sample.db.url", CrossInstanceTest.POSTGRES);
    }
}
