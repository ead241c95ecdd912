package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5, the stale-set race: two JVMs read and write three hot rows of PostgreSQL through Weft
 * (L1 + Redis) for several seconds. No read may return a version older than the last write that
 * completed, in the same JVM before the read began, or in the other JVM more than the propagation
 * bound before it.
 */
class StaleSetTortureTest {

    private static final int KEYS = 3;
    private static final long PROPAGATION_BOUND_MILLIS = 1000;

    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWrite() throws Exception {
        Path classes = TestApps.compile("torture", List.of("-g"), Paths.sampleAppJar());
        Path dir = Files.createTempDirectory(Paths.workDir(), "torture");
        String namespace = "torture-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (RedisFixture redis = RedisFixture.start()) {
            try (AppJvm setup = AppJvm.builder().withoutAgent().classpath(classes, Paths.sampleAppJar())
                    .main("app.TortureSetup", CrossInstanceTest.POSTGRES, String.valueOf(KEYS)).start()) {
                setup.checks(Duration.ofSeconds(60));
            }
            List<AppJvm> jvms = new ArrayList<>();
            List<Path> logs = List.of(dir.resolve("a.log"), dir.resolve("b.log"));
            try {
                for (Path log : logs) {
                    jvms.add(AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                            .property("weft.redis.timeout", "2s").classpath(classes, Paths.sampleAppJar())
                            .main("app.Torture", CrossInstanceTest.POSTGRES, String.valueOf(KEYS), "6", log.toString())
                            .start());
                }
                long reads = 0;
                long writes = 0;
                for (AppJvm jvm : jvms) {
                    Map<String, String> checks = jvm.checks(Duration.ofSeconds(120));
                    assertEquals("0", checks.get("stale.local"), "stale reads within one JVM\n" + jvm.transcript());
                    reads += Long.parseLong(checks.get("reads"));
                    writes += Long.parseLong(checks.get("writes"));
                }
                long crossStale = crossInstanceStaleReads(logs.get(0), logs.get(1))
                        + crossInstanceStaleReads(logs.get(1), logs.get(0));
                System.out.printf("stale-set torture: %d reads, %d writes, %d stale reads (bound %d ms)%n", reads,
                        writes, crossStale, PROPAGATION_BOUND_MILLIS);
                assertTrue(writes > 100 && reads > 1000, "the torture ran: " + reads + " reads, " + writes + " writes");
                assertEquals(0, crossStale, "reads older than a write completed in the other JVM");
            } finally {
                for (AppJvm jvm : jvms) {
                    jvm.close();
                }
            }
        }
    }

    /** Reads in {@code readerLog} older than a write logged in {@code writerLog} at least the bound before them. */
    private static long crossInstanceStaleReads(Path writerLog, Path readerLog) throws Exception {
        List<TreeMap<Long, Long>> versionByTime = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            versionByTime.add(new TreeMap<>());
        }
        for (String line : Files.readAllLines(writerLog)) {
            String[] f = line.split(" ");
            if (f[0].equals("W")) {
                versionByTime.get(Integer.parseInt(f[1])).merge(Long.parseLong(f[3]), Long.parseLong(f[2]), Math::max);
            }
        }
        for (TreeMap<Long, Long> versions : versionByTime) {
            long max = 0;
            for (Map.Entry<Long, Long> e : versions.entrySet()) {
                max = Math.max(max, e.getValue());
                e.setValue(max);
            }
        }
        long stale = 0;
        for (String line : Files.readAllLines(readerLog)) {
            String[] f = line.split(" ");
            if (f[0].equals("R")) {
                Map.Entry<Long, Long> floor = versionByTime.get(Integer.parseInt(f[1]))
                        .floorEntry(Long.parseLong(f[3]) - PROPAGATION_BOUND_MILLIS);
                if (floor != null && Long.parseLong(f[2]) < floor.getValue()) {
                    stale++;
                }
            }
        }
        return stale;
    }
}
