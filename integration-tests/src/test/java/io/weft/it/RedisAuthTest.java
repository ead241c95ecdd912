package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;

/** SPEC §8: AUTH with a password and with an ACL user works, and the password never appears in output. */
class RedisAuthTest {

    private static final String PASSWORD = "s3cret-default-pw";
    private static final String USER_PASSWORD = "s3cret-acl-pw";

    @Test
    void requirepassAndAnAclUserBothWorkWithoutLeakingThePassword() throws Exception {
        Path classes = TestApps.compile("shared", List.of("-g"));
        try (RedisFixture redis = RedisFixture.startLocal(PASSWORD)) {
            redis.admin().aclSetuser("weft", io.lettuce.core.AclSetuserArgs.Builder.on()
                    .addPassword(USER_PASSWORD).allKeys().allChannels().allCommands());
            check(redis, classes, redis.uri(), "pw:", PASSWORD);
            check(redis, classes, redis.uri("weft", USER_PASSWORD), "acl:", USER_PASSWORD);
        }
    }

    private static void check(RedisFixture redis, Path classes, String uri, String namespace, String secret)
            throws Exception {
        try (AppJvm app = AppJvm.builder().property("weft.redis.uri", uri).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "3s").classpath(classes, Paths.annotationsJar())
                .main("app.LibraryMain", "hold").start()) {
            app.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
            Await.until(Duration.ofSeconds(10), "values stored through " + namespace,
                    () -> redis.values(namespace + "shared:*") == 5);
            Map<String, String> checks = app.checksSoFar();
            assertEquals("5", checks.get("runs"));
            String output = app.transcript();
            String masked = "L2 on redis://****@" + redis.host() + ":" + redis.port() + " ";
            assertTrue(app.stderr().stream()
                    .anyMatch(line -> line.contains(" started on Java ") && line.contains(masked)),
                    "the startup line shows the URI with its credentials masked (" + masked + "):\n" + output);
            assertFalse(output.contains(secret), "the password must never be printed:\n" + output);
        }
    }
}
