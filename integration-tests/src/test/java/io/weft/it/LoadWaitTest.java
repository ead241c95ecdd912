package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: a load that fails inside the caching path releases its key at once, and a caller that joins a
 * stuck load waits at most {@code weft.load.maxWait}; 50 threads on one key, in a JVM with the agent.
 */
class LoadWaitTest {

    @Test
    void noCallerOfAKeyHangsWhenItsLoadFailsInsideTheCachingPathOrIsStuck() throws Exception {
        Path app = TestApps.compile("loads", List.of("-g"));
        try (AppJvm jvm = AppJvm.builder().classpath(app, Paths.annotationsJar()).property("weft.load.maxWait", "300ms")
                .main("app.LoadsMain").start()) {
            Map<String, String> checks = jvm.checks(Duration.ofSeconds(120));
            assertEquals("book 1", checks.get("failed.first"), jvm.transcript());
            assertEquals("50", checks.get("failed.answered"));
            assertEquals("2", checks.get("failed.runs"),
                    "the first call ran uncached (its caching path failed), then one load served the 50 callers");
            assertEquals("true", checks.get("failed.cachedAfterwards"),
                    "the key is cached again once the load is released: one more call ran no body");
            assertEquals("49/true", checks.get("stuck.servedWhileOwnerStuck"),
                    "every waiter was served while the owner was still stuck");
            assertEquals("slow 9", checks.get("stuck.owner"));
            assertEquals("49", checks.get("stuck.waitTimeouts"), "each waiter gave up after weft.load.maxWait, counted");
        }
    }
}
