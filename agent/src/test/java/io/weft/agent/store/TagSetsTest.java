package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The member sets of tags on a real {@code redis-server} (SPEC §13): a tagged lookup joins the sets before it
 * returns, each set lives as long as its longest member, dead members leave it, and a tag invalidation deletes
 * the entries with their leases (so a load in flight cannot store) and removes only the members it read.
 */
class TagSetsTest {

    private static RedisFixture redis;
    private static RedisEndpoint endpoint;
    private static RedisClient client;
    private static StatefulRedisConnection<String, byte[]> raw;
    private RedisStore store;
    private String ns;

    @BeforeAll
    static void startRedis() {
        redis = RedisFixture.start();
        endpoint = new RedisEndpoint(redis.uri());
        client = RedisClient.create(redis.uri());
        raw = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    @AfterAll
    static void stopRedis() {
        raw.close();
        client.shutdown();
        endpoint.close();
        redis.close();
    }

    @BeforeEach
    void openStore() {
        store = new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("tag test"));
        ns = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private RedisCommands<String, String> admin() {
        return redis.admin();
    }

    /** A lookup of {@code key} tagged {@code tags} for {@code ttlMillis}; returns its lease token if it took one. */
    private String lookup(String key, long ttlMillis, String... tags) {
        String token = UUID.randomUUID().toString();
        StoredValue found = store.lookup(key, store.leaseKey(key), token, 30_000, List.of(tags), ttlMillis, RedisStore.NEVER_STALE);
        assertNotNull(found, "Redis answered");
        return found.leased() ? token : null;
    }

    @Test
    void aTaggedLookupJoinsEveryTagSetBeforeItReturns() {
        assertNotNull(lookup(ns + "book:1", 90_000, ns + "tag:a", ns + "tag:b"));

        for (String tag : List.of(ns + "tag:a", ns + "tag:b")) {
            assertNotNull(admin().zscore(tag, ns + "book:1"), tag);
            long ttl = admin().pttl(tag);
            assertTrue(ttl > 80_000 && ttl <= 90_000, tag + " PTTL " + ttl);
        }
    }

    @Test
    void aReloadsLeaseJoinsTheTagsSoThatATagInvalidationFindsTheValueItStores() throws Exception {
        String key = ns + "book:1";
        String token = UUID.randomUUID().toString();
        // a refreshAfter reload: its value lives a new TTL, past the membership the key's last lookup gave it
        assertTrue(store.takeLease(key, token, 30_000, List.of(ns + "tag:a"), 90_000));
        assertNotNull(admin().zscore(ns + "tag:a", key), "joined before the lease is used");
        assertTrue(store.storeIfLeased(key, bytes("reloaded"), 60_000, token).get());

        assertTrue(store.deleteTagged(ns + "tag:a"));
        assertEquals(0, admin().exists(key), "the tag invalidation found the reloaded value");
    }

    @Test
    void aSlidingRenewalKeepsTheKeyInItsTagsAsLongAsItsValue() {
        String key = ns + "book:1";
        admin().set(key, "v");
        store.expire(key, 60_000, List.of(ns + "tag:a"), 90_000);
        Await.until("the renewal reached Redis", () -> admin().zscore(ns + "tag:a", key) != null);
        assertTrue(admin().pttl(key) > 50_000);
        assertTrue(admin().pttl(ns + "tag:a") > 80_000, "the set lives as long as the renewed member");
    }

    @Test
    void aSetLivesAsLongAsItsLongestMember() {
        lookup(ns + "book:1", 90_000, ns + "tag");
        lookup(ns + "book:2", 10_000, ns + "tag");
        assertTrue(admin().pttl(ns + "tag") > 80_000, "a shorter member does not shorten the set's life");

        lookup(ns + "book:3", 200_000, ns + "tag");
        assertTrue(admin().pttl(ns + "tag") > 190_000, "a longer member lengthens it");
    }

    @Test
    void membersPastTheirDeadlineLeaveTheSet() {
        lookup(ns + "live", 60_000, ns + "tag");
        lookup(ns + "dead", 1, ns + "tag");
        assertNotNull(admin().zscore(ns + "tag", ns + "dead"));

        Await.until(Duration.ofSeconds(5), "the dead member trimmed by a later add", () -> {
            lookup(ns + "other", 60_000, ns + "tag");
            return admin().zscore(ns + "tag", ns + "dead") == null;
        });
        assertEquals(2, admin().zcard(ns + "tag"), "live and other stay");
    }

    @Test
    void aTagInvalidationDeletesTheEntriesAndTheLeasesOfLoadsInFlight() throws Exception {
        String stored = ns + "book:1";
        String loading = ns + "book:2";
        String untagged = ns + "book:3";
        assertTrue(store.setIfLeased(stored, bytes("old"), 60_000, store.leaseKey(stored),
                lookup(stored, 90_000, ns + "tag")).get());
        String lease = lookup(loading, 90_000, ns + "tag");
        admin().set(untagged, "stays");

        assertTrue(store.deleteTagged(ns + "tag"));

        assertEquals(0, admin().exists(stored, loading, store.leaseKey(loading)));
        assertFalse(store.setIfLeased(loading, bytes("read before the write"), 60_000, store.leaseKey(loading), lease)
                .get(), "the load that overlapped the invalidation cannot store");
        assertEquals(1, admin().exists(untagged));
        Await.until("the members read are removed", () -> admin().zcard(ns + "tag") == 0);
        assertTrue(store.deleteTagged(ns + "tag"), "an empty or missing set is nothing to delete");
        assertEquals(0, store.failures());
    }

    @Test
    void aMemberAddedAgainAfterTheInvalidationReadTheSetStaysInIt() throws Exception {
        lookup(ns + "book:1", 90_000, ns + "tag");
        lookup(ns + "book:2", 90_000, ns + "tag");
        List<ScoredValue<byte[]>> read = TagSets.members(raw.async(), ns + "tag").get();

        lookup(ns + "book:1", 90_000, ns + "tag");
        assertEquals(1L, TagSets.forget(raw.async(), ns + "tag", read).get());

        assertNotNull(admin().zscore(ns + "tag", ns + "book:1"), "added again meanwhile: its load is tagged still");
        assertNull(admin().zscore(ns + "tag", ns + "book:2"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A member's score grows at every add, even when the add asks for a shorter life: an invalidation that read the
     * older score must not remove a member added again meanwhile, and the entry stored under the longer life stays
     * findable by its tag until then.
     */
    @Test
    void aMembersScoreGrowsAtEveryAddWhateverTheLifeItAsksFor() {
        lookup(ns + "book:1", 90_000, ns + "tag");
        Double first = admin().zscore(ns + "tag", ns + "book:1");

        lookup(ns + "book:1", 1_000, ns + "tag");

        Double second = admin().zscore(ns + "tag", ns + "book:1");
        assertTrue(second > first, "score " + second + " after " + first);
    }
}
