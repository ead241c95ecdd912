package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            // a suspended Redis accepts the connection (the kernel does) but never answers: it cannot be set up
            redis.suspend();
            try (AppJvm app = AppJvm.builder().property("weft.redis.uri", redis.uri())
                    .classpath(TestApps.compile("levels", List.of("-g")), Paths.annotationsJar())
                    .main("app.Levels").start()) {
                // sent at once: the app reads it as soon as it starts, well within the connector's 2 s first wait
                assertEquals("touched runs=0", app.call("touch 3", CALL));
                assertTrue(app.stderr().stream().noneMatch(line -> line.contains(" as instance ")),
                        "the invalidations were made before the shared level was set up (its line, 'L2 on … as"
                        + " instance …', comes after): " + app.transcript());
                app.endInput();
                redis.resume();

                assertEquals(0, app.awaitExit(CALL), app.transcript());
                assertEquals(3, redis.admin().xlen("events:cache.invalidated"), "each invalidation's event: "
                        + app.transcript());
            } finally {
                redis.resume();
            }
        }
    }

    /**
     * Also once Redis is in use: the first invalidation waits for the connection, then deletes at once, but the event of
     * a prefix (or tag) invalidation waits in the publisher's queue, which only the connector's close sends, and the
     * connector is done a moment after Redis is in use. A JVM that exited then lost the event (a conformance audit:
     * 9 tag events in 10 lost), and every other instance kept the old values.
     */
    @Test
    void aPrefixInvalidationMadeRightAtStartReachesTheStreamAlthoughTheJvmExits() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                AppJvm app = AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .classpath(TestApps.compile("levels", List.of("-g")), Paths.annotationsJar())
                        .main("app.Levels").start()) {
            assertEquals("touched runs=0", app.call("touchprefix p", CALL));
            app.endInput();

            assertEquals(0, app.awaitExit(CALL), app.transcript());
            assertEquals(1, redis.admin().xlen("events:cache.invalidated"), "the prefix invalidation's event: "
                    + app.transcript());
        }
    }
}
