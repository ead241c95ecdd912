package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.HotKeysFleet;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §12, fleet-wide single flight: three instances that miss one cold key at once run the method once; the
 * two that found the first one's lease waited for its value (counted) instead of running the method. A stampede of
 * 4 instances × 32 threads on a cold key whose load takes 200 ms runs it once in at least 19 of 20 rounds, never
 * more than twice; when the instance loading it is killed ({@code kill -9}) the others run it after
 * {@code weft.lease.wait}, and none hangs.
 */
class FleetSingleFlightTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final String LEASE_WAIT = "2s";
    private static final long LEASE_WAIT_MILLIS = 2_000;
    private static final long LOAD_MILLIS = 200;
    private static final int ROUNDS = 20;

    @TempDir
    Path db;

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

    @Test
    void aStampedeOfFourInstancesOnAColdKeyRunsTheMethodOnce() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null); Closer closer = new Closer()) {
            List<Integer> runs = stampedes(new HotKeysFleet(redis, closer, 4, LEASE_WAIT, db), "stampede", ROUNDS);
            assertTrue(runs.stream().filter(n -> n == 1).count() >= ROUNDS * 95 / 100,
                    "the method ran once in at least 95 % of the rounds: " + runs);
        }
    }

    /** The same for a method returning a future, whose waiting callers get their futures at once (SPEC §12). */
    @Test
    void aStampedeOfFourInstancesOnAColdKeyOfAFutureReturningMethodRunsItOnce() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null); Closer closer = new Closer()) {
            HotKeysFleet fleet = new HotKeysFleet(redis, closer, 4, LEASE_WAIT, db);
            int rounds = 5;
            List<Integer> runs = stampedes(fleet, "stampedeLater", rounds);
            assertTrue(runs.stream().filter(n -> n == 1).count() >= rounds - 1,
                    "the method ran once in all rounds but one at most: " + runs);
            assertTrue(fleet.sum("weft_cache_lease_waits_total", "cache", "refresh:coldLater") >= 3 * (rounds - 1),
                    "the instances that found the lease waited for its value");
        }
    }

    /**
     * {@code rounds} stampedes ({@code <command> <key> 32 <load ms>} sent to every instance at once), each on a cold
     * key of its own: every caller gets the value and none hangs, and the method runs at most twice a round.
     *
     * @return how many times the method ran in each round, across the fleet
     */
    private static List<Integer> stampedes(HotKeysFleet fleet, String command, int rounds) throws Exception {
        List<Integer> runsPerRound = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String key = command + round;
            for (CompletableFuture<String> call : fleet.callEach(fleet.apps,
                    command + " " + key + " 32 " + LOAD_MILLIS)) {
                String reply = call.get();
                assertTrue(reply.endsWith("values=cold-" + key), reply);
                assertTrue(HotKeysFleet.number(reply, "slowestMs") < LOAD_MILLIS + LEASE_WAIT_MILLIS + 3_000,
                        "no caller hangs: " + reply);
            }
            int runs = HotKeysFleet.runs(fleet.apps, key).size();
            assertTrue(runs <= 2, command + " round " + round + " ran the method " + runs + " times");
            runsPerRound.add(runs);
        }
        System.out.println(command + ": runs per round " + runsPerRound);
        return runsPerRound;
    }

    @Test
    void whenTheInstanceLoadingAColdKeyIsKilledTheOthersRunTheMethodAfterTheLeaseWait() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null); Closer closer = new Closer()) {
            HotKeysFleet fleet = new HotKeysFleet(redis, closer, 4, LEASE_WAIT, db);
            AppJvm holder = fleet.apps.get(0);
            List<AppJvm> others = fleet.apps.subList(1, 4);
            fleet.callEach(List.of(holder), "stampede dead 32 600000"); // never answered: it is killed
            holder.awaitStdout("LOADING dead"::equals, CALL);

            long sent = System.currentTimeMillis();
            List<CompletableFuture<String>> calls = fleet.callEach(others, "stampede dead 32 " + LOAD_MILLIS);
            holder.kill();
            for (CompletableFuture<String> call : calls) {
                String reply = call.get();
                System.out.println("after the kill: " + reply);
                assertTrue(reply.endsWith("values=cold-dead"), "every caller got the value: " + reply);
                assertTrue(HotKeysFleet.number(reply, "slowestMs") < LOAD_MILLIS + LEASE_WAIT_MILLIS + 3_000,
                        "none hangs: " + reply);
            }
            List<Long> starts = HotKeysFleet.runs(others, "dead");
            assertEquals(3, starts.size(), "each instance left ran it once");
            // the same machine's clock: each instance looked the key up after the request was sent, then waited
            // (10 ms for the wall clock's granularity against the wait's monotonic one)
            assertTrue(starts.get(0) >= sent + LEASE_WAIT_MILLIS - 10, "none ran the method before weft.lease.wait: sent at "
                    + sent + ", runs " + starts);
            for (AppJvm app : others) {
                assertEquals(1, Metrics.value(app, "weft_cache_lease_wait_timeouts_total", "cache", "refresh:cold"),
                        "it waited for the killed instance's lease until weft.lease.wait");
            }
        }
    }
}
