package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6 for a JVM that lives a moment (a batch job, a command-line tool): invalidations it makes right after it
 * starts, while its Redis connection is still being set up, reach the event stream although the JVM exits at once.
 */
class ShortLivedJvmTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @Test
    void invalidationsMadeWhileRedisIsBeingConnectedAreSentBeforeTheJvmExits() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                AppJvm app = AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .classpath(TestApps.compile("levels", List.of("-g")), Paths.annotationsJar())
                        .main("app.Levels").start()) {
            app.awaitStdout("READY"::equals, CALL);
            assertEquals("touched runs=0", app.call("touch 3", CALL));
            app.endInput();

            assertEquals(0, app.awaitExit(CALL), app.transcript());
            assertEquals(3, redis.admin().xlen("events:cache.invalidated"), "each invalidation's event: "
                    + app.transcript());
        }
    }
}
