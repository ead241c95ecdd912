package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.HotKeysFleet;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §12, {@code @CacheResult(ttl = "2s", refreshAfter = "1s")} on a private method whose load takes 500 ms, in two
 * instances sharing Redis and a "database" (a directory of files), one of them calling from virtual threads on
 * JDK 21+: callers hammering the key never wait for a load after the first, the fleet runs the method about once
 * per refresh period (never two runs within one), and an invalidation during a reload is never undone.
 */
class RefreshAheadTest {

    private static final Duration CALL = Duration.ofSeconds(60);
    private static final String CACHE = "refresh:price";
    /** The app's load time; a caller that waited for a load took at least this long. */
    private static final long LOAD_MILLIS = 500;

    @TempDir
    Path db;

    @Test
    void callersOfAHotKeyNeverWaitAndTheFleetReloadsItOncePerPeriod() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null); Closer closer = new Closer()) {
            HotKeysFleet fleet = new HotKeysFleet(redis, closer, 2, "5s", db);
            List<AppJvm> apps = fleet.apps;
            assertEquals("v0", apps.get(0).call("price hot", CALL).split(" ")[0]);
            assertEquals("v0", apps.get(1).call("price hot", CALL).split(" ")[0], "from Redis");
            double misses = fleet.sum("weft_cache_misses_total", "cache", CACHE);

            // on JDK 21+, the second instance's callers are virtual threads
            String virtual = Paths.javaFeatureVersion() >= 21 ? " virtual" : "";
            List<CompletableFuture<String>> hammers = new ArrayList<>(fleet.callEach(apps.subList(0, 1), "hammer hot 6000 4"));
            hammers.addAll(fleet.callEach(apps.subList(1, 2), "hammer hot 6000 4" + virtual));
            for (CompletableFuture<String> hammer : hammers) {
                String reply = hammer.get();
                System.out.println("hammer: " + reply);
                assertTrue(HotKeysFleet.number(reply, "calls") > 100, reply);
                assertTrue(HotKeysFleet.number(reply, "slowestMs") < LOAD_MILLIS - 50, "no call waited for a load: " + reply);
                assertTrue(reply.endsWith("values=v0"), reply);
            }
            assertEquals(misses, fleet.sum("weft_cache_misses_total", "cache", CACHE), "no caller missed");

            List<Long> starts = HotKeysFleet.runs(apps, "hot");
            System.out.println("runs of the method across the fleet (epoch ms): " + starts);
            // 6.5 s of a key reloaded 1 s after each store (which comes 0.5 s after the reload starts): ~5 runs
            assertTrue(starts.size() >= 4, "reloads happened: " + starts);
            for (int i = 1; i < starts.size(); i++) {
                assertTrue(starts.get(i) - starts.get(i - 1) >= 900,
                        "one run per refresh period across the fleet, not one per instance: " + starts);
            }
            Await.until("the reloads counted", () -> fleet.sum("weft_cache_refreshes_total", "cache", CACHE,
                    "outcome", "succeeded") == starts.size() - 1);
            assertEquals(starts.size() - 1, fleet.sum("weft_cache_refreshes_total", "cache", CACHE, "outcome", "started"));
            assertEquals(0, fleet.sum("weft_cache_refreshes_total", "cache", CACHE, "outcome", "failed"));
            assertEquals(0, fleet.sum("weft_cache_refreshes_total", "cache", CACHE, "outcome", "dropped"));
        }
    }

    @Test
    void anInvalidationDuringAReloadIsNeverUndone() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null); Closer closer = new Closer()) {
            HotKeysFleet fleet = new HotKeysFleet(redis, closer, 2, "5s", db);
            List<AppJvm> apps = fleet.apps;
            for (AppJvm app : apps) {
                assertEquals("v0", app.call("price row", CALL).split(" ")[0]);
                app.call("gate row", CALL);
            }
            // hits on the due entry until one instance's reload has read v0 and waits at the gate
            Await.until(Duration.ofSeconds(30), "a reload of row started", () -> {
                apps.forEach(app -> app.call("price row", CALL));
                return apps.stream().anyMatch(app -> app.stdout().contains("RELOADING row read v0"));
            });
            AppJvm reloader = apps.stream().filter(app -> app.stdout().contains("RELOADING row read v0")).findFirst()
                    .orElseThrow();
            AppJvm other = apps.get(0) == reloader ? apps.get(1) : apps.get(0);

            Files.writeString(db.resolve("row"), "v1");
            double received = Metrics.value(reloader, "weft_invalidations_received_total");
            other.call("evict row", CALL);
            Await.until("the other instance's invalidation reached the reloader",
                    () -> Metrics.value(reloader, "weft_invalidations_received_total") > received);
            reloader.call("open", CALL);
            Await.until("the reload ended", () -> Metrics.value(reloader, "weft_cache_refreshes_total", "cache", CACHE,
                    "outcome", "succeeded") == 1);

            assertEquals(1, Metrics.value(reloader, "weft_cache_stale_stores_discarded_total", "cache", CACHE),
                    "the reload's value of before the invalidation was not kept in L1");
            assertNull(redis.admin().get(fleet.namespace + "refresh:price:row"),
                    "nor in Redis (its lease went with the invalidation; no call loaded the key since)");
            for (AppJvm app : List.of(reloader, other)) {
                assertEquals("v1", app.call("price row", CALL).split(" ")[0], "the invalidation stands");
            }
        }
    }
}
