package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.ops.testing.PromText;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
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
 * a wait far shorter than the L1 TTL (raised to 10 minutes here, so that no entry leaves L1 by expiry), none
 * seen before its invalidation began, and none more: the reader held every key in its L1 and loses exactly one
 * entry per invalidation (an event that evicted more than its key would take later keys, which the reader would
 * then read again from Redis before their invalidations, or reload early once Redis lost them too). The delays
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
            Map<String, String> held = reader.checksSoFar();
            assertEquals(String.valueOf(INVALIDATIONS), held.get("loaded"), "the reader loaded every key once");
            assertEquals("0", held.get("reloaded"), "and read every key again without running the body");
            assertEquals(INVALIDATIONS, Metrics.value(reader, "weft_l1_size"), "from its L1");
            try (AppJvm writer = start(classes, redis, namespace, "writer", dir.resolve("writer.log"))) {
                writer.checks(Duration.ofSeconds(120));
            }
            reader.awaitStdout("DONE"::equals, Duration.ofSeconds(120));
            Map<String, String> checks = reader.checksSoFar();
            assertNull(checks.get("timedOut"), "key " + checks.get("timedOut") + " was not evicted within the reader's wait");
            PromText metrics = Metrics.of(reader);
            assertTrue(metrics.value("weft_events_applied_total") >= INVALIDATIONS,
                    "the reader applied an event per invalidation");
            assertEquals(INVALIDATIONS, metrics.value("weft_cache_evictions_total", "cache", "pingpong", "cause",
                    "invalidated"), "each event evicted its key from the reader's L1, and nothing else");
            assertEquals(INVALIDATIONS, metrics.value("weft_cache_invalidations_total", "cache", "pingpong", "origin",
                    "received"), "SPEC §9: invalidations received, per cache");
            assertEquals(0, metrics.value("weft_cache_invalidations_total", "cache", "pingpong", "origin", "sent"));
            assertEquals(0, metrics.value("weft_cache_hits_total", "cache", "pingpong", "level", "l2"),
                    "the reader read no value from Redis (where a key evicted before its invalidation is read from)");
            reader.endInput();
            reader.checks(Duration.ofSeconds(30));
            Map<Integer, long[]> written = times(dir.resolve("writer.log"));
            Map<Integer, long[]> evicted = times(dir.resolve("reader.log"));
            assertEquals(INVALIDATIONS, evicted.size(), "every invalidation evicted the reader's entry");
            for (int i = 0; i < INVALIDATIONS; i++) {
                long began = written.get(i)[0];
                long reloaded = evicted.get(i)[0];
                assertTrue(reloaded >= began, "key " + i + " was evicted " + (began - reloaded)
                        + " µs before its invalidation began: another key's event evicted it");
            }
            report("all", written, evicted, 0);
            report("after the first 50 (warm)", written, evicted, 50);
        }
    }

    /** Prints the delay distribution of the invalidations from {@code skip} on. */
    private static void report(String label, Map<Integer, long[]> written, Map<Integer, long[]> evicted, int skip) {
        List<Long> delays = new ArrayList<>();
        written.forEach((i, at) -> {
            if (i >= skip) {
                delays.add(evicted.get(i)[0] - at[at.length - 1]);
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
                .property("weft.redis.timeout", "2s").property("weft.l1.ttl", "10m").property("weft.http.port", "0")
                .classpath(classes, Paths.annotationsJar())
                .main("app.PingPong", role, String.valueOf(INVALIDATIONS), log.toString(), "3").start();
    }

    /** A log's lines {@code i time…}: the times by {@code i}. */
    private static Map<Integer, long[]> times(Path log) throws Exception {
        Map<Integer, long[]> times = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            long[] at = new long[f.length - 1];
            for (int k = 1; k < f.length; k++) {
                at[k - 1] = Long.parseLong(f[k]);
            }
            times.put(Integer.parseInt(f[0]), at);
        }
        return times;
    }

    private static double pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1000.0;
    }
}
