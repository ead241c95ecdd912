package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import io.weft.it.support.RedisCli;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §13, tags across two agent JVMs on one Redis: a tag invalidation in one evicts every entry carrying the
 * tag from Redis (found through the tag's member set, no SCAN) and from the other's L1, and nothing else; the
 * event lists the tags; a {@code {return}} tag works; a foreign event carrying tags evicts in both JVMs' L1s and
 * in Redis.
 */
class TagInvalidationTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    private String ns;
    private RedisFixture redis;

    @Test
    void aTagInvalidationInOneJvmEvictsTheTaggedEntriesInTheOtherAndInRedis() throws Exception {
        Path classes = TestApps.compile("tags", List.of("-g"));
        ns = "tags-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (Closer closer = new Closer()) {
            redis = closer.later(RedisFixture.start());
            AppJvm a = closer.later(start(classes));
            AppJvm b = closer.later(start(classes));
            for (AppJvm app : List.of(a, b)) {
                app.awaitStdout("READY"::equals, CALL);
                app.call("book warm up nowhere", CALL);
                app.awaitStderr(line -> line.contains("reading invalidation events"), CALL);
            }
            for (String book : List.of("b1 u1 l1", "b2 u1 l2", "b3 u2 l1")) {
                a.call("book " + book, CALL);
            }
            Await.until("a's three values in Redis", () -> redis.admin().exists(key("b1"), key("b2"), key("b3")) == 3);
            int bRuns = runs(b.call("book warm up nowhere", CALL));
            for (String book : List.of("b1 u1 l1", "b2 u1 l2", "b3 u2 l1")) {
                assertEquals(bRuns, runs(b.call("book " + book, CALL)), "b reads " + book + " from Redis");
            }
            assertNotNull(redis.admin().zscore(ns + "weft-tag:user:u1", key("b2")), "b2 is a member of user:u1");
            assertEquals(8, Metrics.value(b, "weft_l1_tag_index_entries"),
                    "b's L1 tag index: four entries (the warm-up call's and three books), two tags each");

            long scans = redis.calls("scan");
            a.call("user u1", CALL);

            assertEquals(1, redis.admin().exists(key("b1"), key("b2"), key("b3")), "b1 and b2 deleted from Redis");
            assertEquals(1, redis.admin().exists(key("b3")));
            Await.until("the members deleted leave the set", () -> redis.admin().zcard(ns + "weft-tag:user:u1") == 0);
            // The event is published after the synchronous DELs without waiting for its reply (SPEC §5).
            Await.until("the event on its type's stream", () -> last(ns + "events:user.changed") != null);
            String event = last(ns + "events:user.changed");
            assertTrue(event.contains("\"keys\":[],\"prefixes\":[],\"tags\":[\"user:u1\"]"), event);
            Await.until(Duration.ofSeconds(10), "b evicts user u1's books", () ->
                    runs(b.call("book b1 u1 l1", CALL)) == bRuns + 1);
            assertEquals(bRuns + 2, runs(b.call("book b2 u1 l2", CALL)), "b2 evicted with b1");
            assertEquals(bRuns + 2, runs(b.call("book b3 u2 l1", CALL)), "b3 carries no user:u1 and stays");
            assertEquals(8, Metrics.value(b, "weft_l1_tag_index_entries"),
                    "b1 and b2 left the index with their entries and came back with their reloads, once each");
            assertEquals(scans, redis.calls("scan"), "the tag's entries were found without a SCAN of Redis");

            int aRuns = runs(a.call("book b2 u1 l2", CALL));
            b.call("library l2", CALL);
            Await.until(Duration.ofSeconds(10), "a {return} tag in b evicts b2 in a", () ->
                    runs(a.call("book b2 u1 l2", CALL)) == aRuns + 1);

            String foreign = "{\"type\":\"library.closed\",\"payload\":{\"tags\":[\"library:l1\"]},"
                    + "\"event_id\":\"py-" + UUID.randomUUID() + "\"}";
            int aBefore = runs(a.call("book b3 u2 l1", CALL));
            int bBefore = runs(b.call("book b3 u2 l1", CALL));
            double aReceived = received(a);
            double bReceived = received(b);
            RedisCli.run(redis, "XADD", ns + "events:cache.invalidated", "*", "type", "library.closed", "event",
                    foreign);
            Await.until(Duration.ofSeconds(10), "the foreign tag deletes b3 from Redis",
                    () -> redis.admin().exists(key("b3")) == 0);
            Await.until(Duration.ofSeconds(10), "both applied the foreign tag",
                    () -> received(a) == aReceived + 1 && received(b) == bReceived + 1);
            assertEquals(bBefore + 1, runs(b.call("book b3 u2 l1", CALL)), "the foreign tag evicted b3 from b's L1");
            // b's reload stores b3 in Redis again, where a would find it: a run of a's body shows a's eviction only
            // once that value is gone
            Await.until(Duration.ofSeconds(10), "b's reload stored", () -> redis.admin().exists(key("b3")) == 1);
            redis.admin().del(key("b3"));
            assertEquals(aBefore + 1, runs(a.call("book b3 u2 l1", CALL)), "and from a's L1");
        }
    }

    private AppJvm start(Path classes) throws Exception {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", ns)
                .property("weft.redis.timeout", "2s").property("weft.http.port", "0")
                .classpath(classes, Paths.annotationsJar()).main("app.Tags")
                .start();
    }

    /** The tags that {@code app} evicted for events from other instances or services. */
    private static double received(AppJvm app) {
        return Metrics.value(app, "weft_cache_tag_invalidations_total", "origin", "received");
    }

    private String key(String bookId) {
        return ns + "tags:book:" + bookId;
    }

    private static int runs(String reply) {
        return Integer.parseInt(reply.substring(reply.indexOf("runs=") + 5));
    }

    private String last(String stream) {
        List<StreamMessage<String, String>> entries = redis.admin().xrevrange(stream, Range.create("-", "+"),
                Limit.from(1));
        return entries.isEmpty() ? null : entries.get(0).getBody().get("event");
    }
}
