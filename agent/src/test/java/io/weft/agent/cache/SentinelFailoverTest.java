package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KillArgs;
import io.lettuce.core.Range;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.RedisSentinelFixture;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 as a user reproduced it, on a real Sentinel setup (a master, a replica, three Sentinels) reached
 * through a {@code redis-sentinel://weft:…@} URI (every server and Sentinel requires a password; the user
 * {@code weft} has the rules of docs/operations.md on the servers, and only what it needs on the Sentinels):
 * lookups, stores and events work, and an invalidation that the master acknowledged but never passed on to
 * its replica is sent again once the replica has replaced it, and a reader whose last entry was lost with
 * the old master clears its L1.
 */
class SentinelFailoverTest {

    private static final Duration TIMEOUT = Duration.ofMillis(250);
    private static final String FOREIGN = RedisInstance.FOREIGN;

    private final String ns = "s" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final Closer closer = new Closer();
    private RedisSentinelFixture sentinel;

    @AfterEach
    void stop() throws Exception {
        closer.close();
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void anInvalidationTheOldMasterNeverReplicatedIsSentAgainAndAReaderAheadClearsItsL1() {
        sentinel = RedisSentinelFixture.startWithUser(RedisFixture.documentedAclRules(ns));
        RedisFixture master = sentinel.master();
        RedisFixture replica = sentinel.replica();
        RedisInstance writer = closer.later(new RedisInstance(new RedisEndpoint(sentinel.uri()), ns, "writer", TIMEOUT));
        RedisInstance other = closer.later(new RedisInstance(new RedisEndpoint(sentinel.uri()), ns, "other", TIMEOUT));
        String key = ns + "books:7";

        assertEquals("old", writer.find("7", "old"));
        Await.until("the value is in Redis", () -> master.admin().exists(key) == 1);
        assertEquals("old", other.find("7", "not run: a hit in Redis"));
        writer.save("1");
        appendForeignEvent(master, "1");
        Await.until("the other instance read both events", () -> other.reader.eventsApplied() == 2);
        assertEquals(1L, master.admin().waitForReplication(1, 5_000), "the replica holds the value and both streams");

        // The replica stops taking the master's writes: stalled, and its link cut so nothing is left in flight.
        replica.suspend();
        master.admin().clientKill(KillArgs.Builder.typeSlave());
        appendForeignEvent(master, "8");
        Await.until("the other instance read the foreign event", () -> other.reader.eventsApplied() == 3);
        writer.save("7");
        assertEquals(0, master.admin().exists(key), "the old master acknowledged the delete");
        Await.until("the other instance read the invalidation", () -> other.reader.eventsApplied() == 4);
        String lostEvent = master.admin().xrevrange(ns + "events:cache.invalidated", Range.unbounded())
                .get(0).getBody().get("event");

        master.kill();
        replica.resume();
        sentinel.awaitFailover(Duration.ofSeconds(30));

        Await.until(Duration.ofSeconds(10), "the delete is sent again to the new master",
                () -> replica.admin().exists(key) == 0);
        Await.until("the event is published again on the new master", () -> replica.admin()
                .xrange(ns + "events:cache.invalidated", Range.unbounded()).stream()
                .anyMatch(entry -> entry.getBody().get("event").equals(lostEvent)));
        assertEquals(2, writer.runtime.invalidationsReplayed(), "both invalidations of the last 30 s");
        Await.until("the other instance found its stream behind the last entry it read",
                () -> other.reader.gapClears() == 1);
        assertEquals("new", writer.find("7", "new"), "the writer does not serve the old value");
        assertEquals("new", other.find("7", "new"), "nor does the other instance");
        assertTrue(writer.reader.readFailures() > 0, "the writer's reader lost the old master too");
    }

    /** What another service appends when it changes a book (Weft deletes the mapped key when it reads it). */
    private void appendForeignEvent(RedisFixture redis, String bookId) {
        redis.admin().xadd(ns + "events:" + FOREIGN, Map.of("type", FOREIGN, "event", "{\"type\":\"" + FOREIGN
                + "\",\"payload\":{\"book_id\":\"" + bookId + "\"},\"timestamp\":\"2026-01-01T00:00:00Z\","
                + "\"source\":\"another service\",\"event_id\":\"e-" + bookId + "\"}"));
    }
}
