package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5, §7: a {@code @CacheResult} method declaring the application's own {@code CompletableFuture} subclass is a
 * configuration error naming it, and is left unwoven: its callers get what its body returns, a failure is not kept for
 * later callers, and nothing goes to Redis. Before, its future object was cached: a failed one was handed to every
 * caller for the TTL, and Redis got JSON that other instances read back as a future that never completes. The same
 * method declared {@code CompletableFuture} is cached (its value; its failure not).
 */
class FutureSubclassTest {

    private static final String DOWN = "QuoteFuture:failed:IllegalStateException:the quote service is down";

    @Test
    void aMethodDeclaringItsOwnFutureClassIsReportedAndRunsUncachedEveryTime() throws Exception {
        Path classes = TestApps.compile("futuresubclass", List.of("-g"));
        String namespace = "it-" + UUID.randomUUID() + ":";
        try (RedisFixture redis = RedisFixture.start();
                AppJvm app = AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .property("weft.namespace", namespace).property("weft.redis.timeout", "3s")
                        .classpath(classes, Paths.annotationsJar()).main("app.QuotesMain", "hold").start()) {
            app.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
            Map<String, String> checks = app.checksSoFar();
            assertEquals(DOWN, checks.get("own.down"), app.transcript());
            assertEquals("QuoteFuture:ACME=42", checks.get("own.up"), "the failure is not handed to the next caller");
            assertEquals("QuoteFuture:ACME=42", checks.get("own.again"));
            assertEquals("3", checks.get("own.runs"), "left unwoven: the method runs every time");

            assertEquals(DOWN, checks.get("plain.down"));
            assertEquals("QuoteFuture:ACME=42", checks.get("plain.up"), "a failed future is not cached");
            assertEquals("CompletableFuture:ACME=42", checks.get("plain.again"), "a hit: an already completed future");
            assertEquals("2", checks.get("plain.runs"));

            Await.until(Duration.ofSeconds(10), "the CompletableFuture method's value in Redis",
                    () -> redis.values(namespace + "fs:plain:*") == 1);
            assertEquals(0, redis.values(namespace + "fs:own:*"), "nothing of the unwoven method in Redis");
            List<String> errors = app.stderr().stream().filter(l -> l.contains("configuration error")).toList();
            assertEquals(1, errors.size(), app.transcript());
            assertTrue(errors.get(0).contains("app.Quotes#own: @CacheResult on a method returning app.QuoteFuture,"
                    + " a CompletionStage other than CompletableFuture and CompletionStage themselves"), errors.get(0));
        }
    }
}
