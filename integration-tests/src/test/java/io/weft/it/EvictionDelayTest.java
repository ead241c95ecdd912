package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * 1,000 invalidations from one JVM, each seen as an eviction in another: every one must arrive, each within
 * a wait far shorter than the L1 TTL (raised to 10 minutes here, so that no entry leaves L1 by expiry). The delays
 * (wall clock of the shared host, write returned → the other JVM's next load) are printed, not asserted: how fast
 * is measured by benchmarks/ against the floor, in one run, not by a bound that a busy CI host can miss.
 */
class EvictionDelayTest {

    private static final int INVALIDATIONS = 1000;

    @Test
    void everyInvalidationReachesTheOtherInstance() throws Exception {
        Path classes = TestApps.compile("pingpong", List.of("-g"));
        Path dir = Files.createTempDirectory(Paths.workDir(), "pingpong");
        String namespace = "pingpong-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (RedisFixture redis = RedisFixture.start();
                AppJvm reader = start(classes, redis, namespace, "reader", dir.resolve("reader.log"))) {
            reader.awaitStdout("READY"::equals, Duration.ofSeconds(60));
            reader.awaitStderr(l -> l.contains("reading invalidation events"), Duration.ofSeconds(30));
            try (AppJvm writer = start(classes, redis, namespace, "writer", dir.resolve("writer.log"))) {
                writer.checks(Duration.ofSeconds(120));
            }
            Map<String, String> checks = reader.checks(Duration.ofSeconds(120));
            assertNull(checks.get("timedOut"), "key " + checks.get("timedOut") + " was not evicted within the reader's wait");
            Map<Integer, Long> written = times(dir.resolve("writer.log"));
            Map<Integer, Long> evicted = times(dir.resolve("reader.log"));
            assertEquals(INVALIDATIONS, evicted.size(), "every invalidation evicted the reader's entry");
            report("all", written, evicted, 0);
            report("after the first 50 (warm)", written, evicted, 50);
        }
    }

    /** Prints the delay distribution of the invalidations from {@code skip} on. */
    private static void report(String label, Map<Integer, Long> written, Map<Integer, Long> evicted, int skip) {
        List<Long> delays = new ArrayList<>();
        written.forEach((i, at) -> {
            if (i >= skip) {
                delays.add(evicted.get(i) - at);
            }
        });
        Collections.sort(delays);
        System.out.printf("cross-instance eviction delay, %s, %d invalidations: p50 %.2f ms, p90 %.2f ms,"
                + " p99 %.2f ms, max %.2f ms%n", label, delays.size(), pct(delays, 0.50), pct(delays, 0.90),
                pct(delays, 0.99), delays.get(delays.size() - 1) / 1000.0);
    }

    private static AppJvm start(Path classes, RedisFixture redis, String namespace, String role, Path log)
            throws Exception {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "2s").property("weft.l1.ttl", "10m")
                .classpath(classes, Paths.annotationsJar())
                .main("app.PingPong", role, String.valueOf(INVALIDATIONS), log.toString(), "3").start();
    }

    private static Map<Integer, Long> times(Path log) throws Exception {
        Map<Integer, Long> times = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            times.put(Integer.parseInt(f[0]), Long.parseLong(f[1]));
        }
        return times;
    }

    private static double pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1000.0;
    }
}
