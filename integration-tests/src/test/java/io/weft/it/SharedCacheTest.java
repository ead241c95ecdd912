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
 * SPEC §5: L2 values are JSON read back with the method's declared generic type, across JVMs. With the default
 * {@code weft.redis.timeout} (250 ms): a new JVM's first calls, made while its Redis client is still being set up
 * (longer than that), read what the other JVM stored.
 */
class SharedCacheTest {

    @Test
    void genericValuesRoundTripBetweenTwoJvmsThroughRedis() throws Exception {
        Path classes = TestApps.compile("shared", List.of("-g"));
        String namespace = "it-" + UUID.randomUUID() + ":";
        try (RedisFixture redis = RedisFixture.start()) {
            Map<String, String> written;
            try (AppJvm writer = start(classes, redis, namespace, "hold")) {
                writer.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
                written = writer.checksSoFar();
                Await.until(Duration.ofSeconds(10), "the five values in Redis",
                        () -> redis.values(namespace + "shared:*") == 5);
            }
            assertEquals("5", written.get("runs"));
            String json = redis.admin().get(namespace + "shared:shelf:33333333-3333-3333-3333-333333333333");
            assertTrue(json.startsWith("{\"id\":\"33333333") && !json.contains("@class"), json);
            try (AppJvm reader = start(classes, redis, namespace, "once")) {
                Map<String, String> read = reader.checks(Duration.ofSeconds(60));
                assertEquals("0", read.get("runs"), "every value came from Redis\n" + reader.transcript());
                for (String name : List.of("shelf", "shelf.type", "byOwner", "byOwner.elementType", "author", "count",
                        "year")) {
                    assertEquals(written.get(name), read.get(name), name);
                }
                assertEquals("app.Library$Shelf", read.get("byOwner.elementType"));
            }
        }
    }

    private static AppJvm start(Path classes, RedisFixture redis, String namespace, String mode) throws Exception {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .classpath(classes, Paths.annotationsJar())
                .main("app.LibraryMain", mode).start();
    }
}
