package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * SPEC §8: the JSON that Weft stores in Redis honours the application's own Jackson annotations
 * ({@code com.fasterxml.jackson.annotation}, here an older jackson-annotations than Weft's), although the agent's
 * Jackson is relocated: a {@code @JsonIgnore}d password hash never reaches the shared store, a {@code @JsonProperty}
 * rename is the name other services read, and an immutable class compiled without parameter names comes back
 * through its {@code @JsonCreator} in another JVM.
 */
class ApplicationJacksonAnnotationsTest {

    @Test
    void redisHoldsTheJsonTheApplicationsAnnotationsDescribeAndAnotherJvmReadsItBack() throws Exception {
        Path jacksonAnnotations = Paths.oldLibs().resolve("jackson-annotations-2.17.2.jar");
        Path classes = TestApps.compile("jsonann", List.of("-g:none"), jacksonAnnotations);
        String namespace = "it-" + UUID.randomUUID() + ":";
        try (RedisFixture redis = RedisFixture.start()) {
            try (AppJvm writer = start(redis, namespace, classes, jacksonAnnotations).main("app.AccountsMain", "hold")
                    .start()) {
                writer.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
                Map<String, String> written = writer.checksSoFar();
                String account = "Account(ada, Ada Lovelace, $2a$10$hash-of-ada)";
                assertEquals(account + "|" + account, written.get("account"), writer.transcript());
                assertEquals("2", written.get("runs"));
                Await.until(Duration.ofSeconds(10), "both values in Redis",
                        () -> redis.values(namespace + "jsonann:*") == 2);
            }
            assertEquals("{\"login\":\"ada\",\"display_name\":\"Ada Lovelace\"}",
                    redis.admin().get(namespace + "jsonann:account:ada"), "no password hash, the property renamed");
            assertEquals("{\"x\":3,\"y\":4}", redis.admin().get(namespace + "jsonann:point:1"));
            try (AppJvm reader = start(redis, namespace, classes, jacksonAnnotations).main("app.AccountsMain")
                    .start()) {
                Map<String, String> read = reader.checks(Duration.ofSeconds(60));
                assertEquals("0", read.get("runs"), "both values came from Redis\n" + reader.transcript());
                assertEquals("Point(3, 4)|Point(3, 4)", read.get("point"), "read through the @JsonCreator");
                assertEquals("Account(ada, Ada Lovelace, null)|Account(ada, Ada Lovelace, null)", read.get("account"),
                        "renamed property read back; the ignored hash was never stored");
            }
        }
    }

    private static AppJvm.Builder start(RedisFixture redis, String namespace, Path classes, Path jacksonAnnotations) {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "3s").classpath(classes, Paths.annotationsJar(), jacksonAnnotations);
    }
}
