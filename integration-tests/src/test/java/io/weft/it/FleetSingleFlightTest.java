package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12, fleet-wide single flight: three instances that miss one cold key at once run the method once; the
 * two that found the first one's lease waited for its value (counted) instead of running the method.
 */
class FleetSingleFlightTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @Test
    void instancesMissingOneColdKeyRunTheMethodOnce() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null); Closer closer = new Closer()) {
            String ns = "fleet-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            Path classes = TestApps.compile("levels", List.of("-g"));
            List<AppJvm> apps = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                AppJvm app = closer.later(AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .property("weft.namespace", ns).property("weft.lease.wait", "5s").property("weft.http.port", "0")
                        .classpath(classes, Paths.annotationsJar()).main("app.Levels").start());
                app.awaitStdout("READY"::equals, CALL);
                apps.add(app);
            }
            for (AppJvm app : apps) {
                // connected to Redis and its reader positioned: the cold key below is the only variable
                app.call("small warm", CALL);
                app.awaitStderr(line -> line.contains("reading invalidation events"), CALL);
            }

            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (AppJvm app : apps) {
                calls.add(CompletableFuture.supplyAsync(() -> app.call("slow cold", CALL)));
            }
            int runs = 0;
            for (CompletableFuture<String> call : calls) {
                String answer = call.get();
                assertEquals("slow-cold", answer.substring(0, answer.indexOf(' ')));
                runs += Integer.parseInt(answer.substring(answer.indexOf("runs=") + 5));
            }

            assertEquals(1, runs, "the method ran once across the three instances");
            Await.until("the waits counted", () -> apps.stream()
                    .mapToDouble(app -> Metrics.value(app, "weft_cache_lease_waits_total", "cache", "levels:slow")).sum() == 2);
            for (AppJvm app : apps) {
                assertEquals(0, Metrics.value(app, "weft_cache_lease_wait_timeouts_total", "cache", "levels:slow"));
            }
        }
    }
}
