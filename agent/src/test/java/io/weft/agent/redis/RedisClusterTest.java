package io.weft.agent.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.cluster.SlotHash;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.RecordingSink;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.events.StreamReader;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.WeftIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store and the event streams on a real three-master Redis Cluster, seeded with one node only: every
 * key lands on its slot's master, and no command is refused ({@code CROSSSLOT}, {@code MOVED}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The Weft instance that publishes. */
    private static final String WRITER = WeftIds.of("writer");
    /** The start of every namespace the tests use. */
    static final String NS = "t";

    private RedisClusterFixture cluster;
    private RedisEndpoint endpoint;
    private final Closer closer = new Closer();
    private RedisStore store;
    private String ns;

    @BeforeAll
    void startCluster() {
        cluster = cluster();
        endpoint = new RedisEndpoint(cluster.uri(List.of(cluster.nodes().get(0))), true);
    }

    /** The cluster the tests run on. */
    RedisClusterFixture cluster() {
        return RedisClusterFixture.start();
    }

    @AfterAll
    void stopCluster() {
        endpoint.close();
        cluster.close();
    }

    @BeforeEach
    void openStore() {
        store = closer.later(new RedisStore(endpoint, TIMEOUT, new CircuitBreaker("cluster test")));
        ns = NS + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Keys on many slots, some with hash tags and some with braces that are no tag. */
    private List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(ns + prefix + i);
        }
        keys.addAll(List.of(ns + prefix + "user:{42}:profile", ns + prefix + "a}b{c", ns + prefix + "a{}b",
                ns + prefix + "{", ns + prefix + "}{x}"));
        return keys;
    }

    /** Misses {@code key}, taking its lease, and stores {@code value} under that lease. */
    private void put(String key, String value) throws Exception {
        String token = UUID.randomUUID().toString();
        StoredValue miss = store.lookup(key, store.leaseKey(key), token, 30_000);
        assertNotNull(miss, key);
        assertNull(miss.value(), key);
        assertTrue(miss.leased(), key);
        assertTrue(store.setIfLeased(key, bytes(value), 60_000, store.leaseKey(key), token).get(), key);
    }

    private static long keysOn(RedisFixture node, String prefix) {
        return node.admin().scan(ScanArgs.Builder.matches(prefix + "*").limit(100_000)).getKeys().size();
    }

    @Test
    void leasedLookupsAndStoresWorkOnEveryMaster() throws Exception {
        List<String> keys = keys("k:", 200);
        for (String key : keys) {
            put(key, "v-" + key);
        }
        for (String key : keys) {
            StoredValue hit = store.lookup(key, store.leaseKey(key), "late", 30_000);
            assertArrayEquals(bytes("v-" + key), hit.value(), key);
        }
        List<RedisFixture> masters = cluster.masters();
        assertEquals(3, masters.size());
        for (RedisFixture master : masters) {
            assertTrue(keysOn(master, ns) > 0, "master " + master.port() + " holds some of the keys");
        }
        assertEquals(0, store.failures(), "no command failed (CROSSSLOT, MOVED)");
        assertNull(endpoint.errors().recentReply());
    }

    @Test
    void batchLookupsAndStoresWorkAcrossSlots() throws Exception {
        List<String> keys = keys("b:", 100);
        List<String> cached = keys.subList(0, keys.size() / 2);
        List<String> missing = keys.subList(keys.size() / 2, keys.size());
        for (String key : cached) {
            put(key, "v-" + key);
        }
        String token = UUID.randomUUID().toString();

        List<StoredValue> found = store.lookupAll(keys, token, 30_000);

        assertNotNull(found, "the lookup scripts (one per slot) answered");
        for (int i = 0; i < keys.size(); i++) {
            if (i < cached.size()) {
                assertArrayEquals(bytes("v-" + keys.get(i)), found.get(i).value(), keys.get(i));
            } else {
                assertNull(found.get(i).value(), keys.get(i));
                assertTrue(found.get(i).leased(), keys.get(i));
            }
        }
        List<byte[]> values = new ArrayList<>();
        missing.forEach(key -> values.add(bytes("w-" + key)));
        assertEquals(missing.size(), store.settleAll(missing, token, 60_000, values).get(), "stored under the leases");
        List<StoredValue> again = store.lookupAll(missing, "late", 30_000);
        for (int i = 0; i < missing.size(); i++) {
            assertArrayEquals(bytes("w-" + missing.get(i)), again.get(i).value(), missing.get(i));
        }
        assertEquals(0, store.failures(), "no command failed (CROSSSLOT, MOVED)");
    }

    @Test
    void aMultiKeyDeleteRemovesKeysOfManySlots() throws Exception {
        List<String> keys = keys("d:", 100);
        List<String> toDelete = new ArrayList<>();
        for (String key : keys) {
            put(key, "v");
            toDelete.add(key);
            toDelete.add(store.leaseKey(key));
        }
        assertTrue(store.delete(toDelete.toArray(new String[0])));
        for (String key : keys) {
            assertNull(store.get(key), key);
        }
        assertEquals(0, store.failures());
    }

    @Test
    void aPrefixDeleteReachesEveryMasterWithTheLeasesOfLoadsInFlightAndSparesOwnStructures() throws Exception {
        List<String> keys = keys("p:", 150);
        for (String key : keys) {
            put(key, "v");
        }
        String inFlight = ns + "p:loading";
        assertTrue(store.lookup(inFlight, store.leaseKey(inFlight), "token", 30_000).leased());
        String inFlightNoTag = ns + "p:loading{}b"; // its lease is {<tag>}<key>:weft-lease, not under the prefix
        assertTrue(store.lookup(inFlightNoTag, store.leaseKey(inFlightNoTag), "token", 30_000).leased());
        String kept = ns + "q:kept";
        put(kept, "v");
        List<String> own = keys("p:own:", 30); // stand-ins for streams and sets, on many slots
        for (String key : own) {
            put(key, "own");
        }
        assertEquals(keys.size() + 2, store.deleteByPrefix(ns + "p:", key -> key.startsWith(ns + "p:own:")),
                "every value and the leases in flight");
        for (RedisFixture master : cluster.masters()) {
            assertEquals(0, keysOn(master, ns + "p:") - keysOn(master, ns + "p:own:"),
                    "nothing under the prefix on " + master.port() + " but what is spared");
        }
        for (String key : own) {
            assertNotNull(store.get(key), "spared on whichever master holds it: " + key);
        }
        assertNotNull(store.get(kept));
        for (String loading : List.of(inFlight, inFlightNoTag)) {
            assertEquals(false, store.setIfLeased(loading, bytes("stale"), 60_000, store.leaseKey(loading), "token").get(),
                    "the load in flight lost its lease: " + loading);
        }
        assertEquals(0, store.failures());
    }

    @Test
    void aTagInvalidationDeletesItsEntriesOnEveryMasterWithTheLeasesOfLoadsInFlight() throws Exception {
        List<String> keys = keys("t:", 100);
        List<String> tags = List.of(ns + "weft-tag:user:1", ns + "weft-tag:{x}user:2");
        for (String key : keys) {
            String token = UUID.randomUUID().toString();
            StoredValue miss = store.lookup(key, store.leaseKey(key), token, 30_000, tags, 90_000, RedisStore.NEVER_STALE);
            assertTrue(miss.leased(), key);
            assertTrue(store.setIfLeased(key, bytes("v"), 60_000, store.leaseKey(key), token).get(), key);
        }
        String inFlight = ns + "t:loading";
        assertTrue(store.lookup(inFlight, store.leaseKey(inFlight), "token", 30_000, tags, 90_000, RedisStore.NEVER_STALE).leased());
        String kept = ns + "u:kept";
        put(kept, "v");

        assertTrue(store.deleteTagged(tags.get(0)));

        for (RedisFixture master : cluster.masters()) {
            assertEquals(0, keysOn(master, ns + "t:"), "nothing tagged is left on " + master.port());
        }
        assertNotNull(store.get(kept));
        assertEquals(false, store.setIfLeased(inFlight, bytes("stale"), 60_000, store.leaseKey(inFlight), "token").get(),
                "the load in flight lost its lease");
        RedisFixture tagMaster = cluster.masterOf(tags.get(0));
        Await.until("the members read are removed", () -> tagMaster.admin().zcard(tags.get(0)) == 0);
        assertEquals(keys.size() + 1, cluster.masterOf(tags.get(1)).admin().zcard(tags.get(1)),
                "the other tag's set is as it was");
        assertEquals(0, store.failures(), "no command failed (CROSSSLOT, MOVED)");
    }

    @Test
    void eventsArePublishedThroughTheAskRedirectionWhileTheirStreamsSlotMigrates() throws Exception {
        String stream = ns + "events:cache.invalidated";
        EventPublisher publisher = closer.later(new EventPublisher(endpoint, ns, 1000, 100, TIMEOUT, WRITER));
        publisher.start();
        publisher.publish(InvalidationEvent.invalidation("cache.invalidated", List.of("k:1"), List.of(), Map.of(), WRITER));
        Await.until("the first event is published", () -> publisher.published() == 1);
        RedisFixture target = cluster.masters().stream().filter(node -> node != cluster.masterOf(stream)).findFirst()
                .orElseThrow();
        cluster.startMigration(target, stream);
        try {
            publisher.publish(InvalidationEvent.invalidation("cache.invalidated", List.of("k:2"), List.of(), Map.of(),
                    WRITER));
            Await.until("the second event is published on the stream's new node (ASKING, XADD)",
                    () -> publisher.published() == 2);
        } finally {
            cluster.finishMigration(target, stream);
        }
        assertEquals(2, target.admin().xlen(stream));
        assertEquals(0, publisher.failures(), "no XADD was refused");
    }

    /** A reader of the streams of every invalidation and of {@code type} (mapped), at their ends. */
    private StreamReader startReader(RedisEndpoint via, String type, RecordingSink sink) {
        StreamReader reader = closer.later(new StreamReader(via, ns, 10_000, "reader",
                ForeignEventMapping.parse(Map.of(type, "storybook:book:{book_id}")), sink));
        reader.start();
        Await.until("the reader is at the end of both streams", reader::positioned);
        return reader;
    }

    private EventPublisher startPublisher(RedisEndpoint via) {
        EventPublisher publisher = closer.later(new EventPublisher(via, ns, 1000, 100, TIMEOUT, WRITER));
        publisher.start();
        return publisher;
    }

    @Test
    void eventsAreReadWhateverNodeTheSeedsNameAndWhateverSlotsTheStreamsHashTo() throws Exception {
        String type = "book.updated";
        String allStream = ns + "events:cache.invalidated";
        String typeStream = ns + "events:" + type;
        assertNotEquals(SlotHash.getSlot(allStream), SlotHash.getSlot(typeStream), "the streams are in different slots");
        RedisFixture owner = cluster.masterOf(allStream);
        RedisFixture other = cluster.masters().stream().filter(node -> node != owner).findFirst().orElseThrow();
        RedisEndpoint viaOther = closer.later(new RedisEndpoint(cluster.uri(List.of(other)), true));
        RecordingSink sink = new RecordingSink();
        StreamReader reader = startReader(viaOther, type, sink);
        EventPublisher publisher = startPublisher(viaOther);

        publisher.publish(InvalidationEvent.invalidation(type, List.of("storybook:book:7"), List.of(), Map.of(), WRITER));
        publisher.publish(InvalidationEvent.invalidation("cache.invalidated", List.of("k:8"), List.of("p:"), Map.of(),
                WRITER));
        Await.until("both events are read, the first from both streams", () -> sink.calls.size() >= 4);
        assertEquals(List.of("keys [storybook:book:7]", "keys [k:8]", "prefixes [p:]"),
                sink.calls.stream().distinct().collect(Collectors.toList()));
        assertEquals(0, reader.readFailures(), "no XREAD was refused");
        assertEquals(0, publisher.failures(), "no XADD was refused");
        // counted when the XADD's reply has been handled, which may come after the reader has the entries
        Await.until("both counted as published", () -> publisher.published() >= 2);
        assertEquals(2, publisher.published());
    }

    @Test
    void anEventIsReadAsItArrivesWhileTheReadOfAnotherSlotsStreamIsStillBlocked() throws Exception {
        String type = "book.updated";
        assertNotEquals(SlotHash.getSlot(ns + "events:cache.invalidated"), SlotHash.getSlot(ns + "events:" + type));
        RecordingSink sink = new RecordingSink();
        StreamReader reader = startReader(endpoint, type, sink);
        EventPublisher publisher = startPublisher(endpoint);
        // not measured: the first event also waits for the publisher's connection and the cluster's topology
        // (six nodes), which on a busy host can take longer than the bound below
        publisher.publish(InvalidationEvent.invalidation("cache.invalidated", List.of("k:warm-up"), List.of(), Map.of(),
                WRITER));
        Await.until("the warm-up event is applied", () -> sink.calls.contains("keys [k:warm-up]"));
        Await.until("the warm-up event is counted as published", () -> publisher.published() == 1);

        // only the stream of every invalidation gets these: the read of the mapped type's stream stays blocked
        // (XREAD BLOCK, up to a second); each event must not wait for it
        long slowestMillis = 0;
        for (int i = 0; i < 5; i++) {
            String key = "k:" + i;
            long sent = System.nanoTime();
            publisher.publish(InvalidationEvent.invalidation("cache.invalidated", List.of(key), List.of(), Map.of(),
                    WRITER));
            Await.until(key + " is evicted", () -> sink.calls.contains("keys [" + key + "]"));
            slowestMillis = Math.max(slowestMillis, (System.nanoTime() - sent) / 1_000_000);
            Thread.sleep(100); // events apart, each arriving while the other slot's read is blocked
        }
        assertTrue(slowestMillis < 500, "the slowest of 5 events took " + slowestMillis + " ms to be applied");
        assertEquals(0, reader.readFailures());
    }
}
