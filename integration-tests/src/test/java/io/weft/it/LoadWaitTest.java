package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: a load that fails inside the caching path releases the callers waiting for it at once, and a caller
 * that joins a stuck load waits at most {@code weft.load.maxWait}; 50 threads on one key, in a JVM with the agent
 * (one JVM per case, side by side, each with the {@code weft.load.maxWait} its bound needs).
 */
class LoadWaitTest {

    @Test
    void noCallerOfAKeyHangsWhenItsLoadFailsInsideTheCachingPathOrIsStuck() throws Exception {
        Path app = TestApps.compile("loads", List.of("-g"));
        Map<String, String> failed;
        Map<String, String> stuck;
        // a maxWait far beyond the bound below: waiters released only by their wait's end would exceed it 6 times
        try (AppJvm failing = start(app, "20s", "failed"); AppJvm stuckLoad = start(app, "300ms", "stuck")) {
            failed = failing.checks(Duration.ofSeconds(120));
            stuck = stuckLoad.checks(Duration.ofSeconds(120));
        }
        assertEquals("book 1", failed.get("failed.owner"), "the owner's call ran uncached (its caching path failed)");
        assertEquals("50", failed.get("failed.answered"), "every caller that had joined the failed load was answered");
        long release = Long.parseLong(failed.get("failed.slowestReleaseMillis"));
        assertTrue(release < 3_000, "the failed load released its 50 waiters at once, not after weft.load.maxWait"
                + " (20 s): the last returned " + release + " ms after the failure");
        assertEquals("0", failed.get("failed.waitTimeouts"), "no waiter gave up waiting: each was released");
        assertEquals("true", failed.get("failed.cachedAfterwards"),
                "the key is cached again once the load is released: a later call ran no body");

        assertEquals("49/true", stuck.get("stuck.servedWhileOwnerStuck"),
                "every waiter was served while the owner was still stuck");
        long wait = Long.parseLong(stuck.get("stuck.slowestWaitMillis"));
        assertTrue(wait < 1_500,
                "each waiter gave up after weft.load.maxWait (300 ms): the slowest took " + wait + " ms");
        assertEquals("slow 9", stuck.get("stuck.owner"));
        assertEquals("49", stuck.get("stuck.waitTimeouts"), "each waiter gave up after weft.load.maxWait, counted");
        System.out.printf("slowest release after the failed load: %d ms; slowest wait for the stuck one: %d ms%n",
                release, wait);
    }

    private static AppJvm start(Path app, String maxWait, String scenario) throws Exception {
        return AppJvm.builder().classpath(app, Paths.annotationsJar()).property("weft.load.maxWait", maxWait)
                .main("app.LoadsMain", scenario).start();
    }
}
