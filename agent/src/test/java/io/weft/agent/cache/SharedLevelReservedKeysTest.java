package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.weft.agent.store.FollowUp;
import io.weft.agent.store.SharedStore;
import io.weft.agent.store.StoredValue;
import io.weft.agent.store.ValueCodecs;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Every single-key operation of the shared level, the batch ones included, leaves a key that is one of Weft's own
 * names ({@link ReservedNames}) out of the store, whatever holds it: no read, no lease, no tag membership, no write,
 * no delete. The other keys of the same call go on as before.
 */
class SharedLevelReservedKeysTest {

    private static final String NS = "ns:";
    private static final List<String> RESERVED = List.of("events:cache.invalidated", "weft-tag:user:1",
            "weft-warm:books", "books:1:weft-lease");

    /** The method whose values are cached (their type is how values are read back). */
    static final class Files {
        String read(String path) {
            return path;
        }
    }

    /** Every key, prefix or tag key the store was handed, namespace included (and the other texts: tokens). */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final SharedLevel shared = new SharedLevel(recording(), new ValueCodecs(1 << 20, 0), NS,
            Duration.ofMillis(10));
    private final CachedMethod method = new CachedMethod(new DeclaredMethod(Files.class.getName(), "read",
            List.of("java.lang.String"), List.of("path"), getClass().getClassLoader()),
            new CacheRegistry().cache("files", true), (args, result) -> (String) args[0],
            new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
            ResultShape.PLAIN, null, List.of(), false, 0);

    /** A store that misses every key, takes every lease and deletes everything, noting what it was handed. */
    private SharedStore recording() {
        return (SharedStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SharedStore.class},
                (proxy, m, args) -> {
                    for (Object arg : args == null ? new Object[0] : args) {
                        if (arg instanceof String) {
                            seen.add((String) arg);
                        } else if (arg instanceof Collection) {
                            ((Collection<?>) arg).stream().filter(String.class::isInstance)
                                    .forEach(key -> seen.add((String) key));
                        }
                    }
                    switch (m.getName()) {
                        case "lookup":
                        case "dropUnreadable":
                            return new StoredValue(null, 0, true, false);
                        case "lookupAll":
                            return new ArrayList<>(Collections.nCopies(((List<?>) args[0]).size(),
                                    new StoredValue(null, 0, true, false)));
                        case "storeIfLeased":
                            return CompletableFuture.completedFuture(true);
                        case "settleAll":
                            return CompletableFuture.completedFuture((long) ((List<?>) args[0]).size());
                        case "values":
                            return Map.of();
                        case "takeLease":
                        case "deleteWithLeases":
                        case "deleteTagged":
                            return true;
                        case "deleteByPrefix":
                            return 0L;
                        case "sendsFollowUps":
                            return false;
                        default:
                            return null;
                    }
                });
    }

    private void assertNoneReservedSeen() {
        for (String key : RESERVED) {
            assertTrue(!seen.contains(NS + key), "the store was handed " + key + ": " + seen);
        }
    }

    @Test
    void singleKeyOperationsOnAReservedKeyNeverReachTheStore() {
        for (String key : RESERVED) {
            assertSame(SharedLevel.Found.NOTHING, shared.lookup(method, key, List.of("user:1")), key);
            assertSame(SharedLevel.Found.NOTHING, shared.lookOnce(method, key, null), key);
            assertNull(shared.takeLease(method, key, List.of("user:1")), key);
            shared.store(method, key, "value", "a lease");
            shared.renew(method, key, List.of("user:1"));
            shared.release(key, "a lease");
        }
        assertEquals(List.of(), seen, "not one command for them");

        SharedLevel.Found ordinary = shared.lookup(method, "books:1", null);
        assertNotNull(ordinary.lease, "an ordinary key still takes its lease");
        assertTrue(seen.contains(NS + "books:1"), seen.toString());
    }

    @Test
    void batchesLeaveTheReservedKeysOutAndGoOnWithTheOthers() {
        List<String> keys = new ArrayList<>(RESERVED);
        keys.add(1, "price:a");
        keys.add("price:b");
        List<SharedLevel.Found> found = shared.lookupAll(method, keys);
        for (int i = 0; i < keys.size(); i++) {
            if (RESERVED.contains(keys.get(i))) {
                assertSame(SharedLevel.Found.NOTHING, found.get(i), keys.get(i));
            } else {
                assertNotNull(found.get(i).lease, keys.get(i));
            }
        }
        Map<String, Object> stored = new java.util.LinkedHashMap<>();
        keys.forEach(key -> stored.put(key, "v"));
        shared.storeAll(method, stored, RESERVED, "a lease");
        assertEquals(Map.of(), shared.values(method, keys));

        assertNoneReservedSeen();
        assertTrue(seen.contains(NS + "price:a") && seen.contains(NS + "price:b"), seen.toString());
    }

    @Test
    void deletesOfReservedKeysSkipTheStoreAndTheEventStillGoesOut() {
        List<String> keys = new ArrayList<>(RESERVED);
        keys.add("books:2");
        shared.evict(keys, List.of(), List.of());
        AtomicBoolean notSent = new AtomicBoolean();
        shared.evictKeys(keys, followUp(notSent));
        assertNoneReservedSeen();
        assertEquals(2, seen.stream().filter((NS + "books:2")::equals).count(), "the ordinary key is deleted each time");
        assertTrue(notSent.get());

        seen.clear();
        notSent.set(false);
        shared.evictKeys(RESERVED, followUp(notSent));
        assertEquals(List.of(), seen, "no delete at all");
        assertTrue(notSent.get(), "the event is handed back to the publisher, which sends it on its own");
        assertTrue(shared.pendingDeletes().retry(), "nothing is kept to be retried");
    }

    private static FollowUp followUp(AtomicBoolean notSent) {
        return new FollowUp() {
            @Override
            public void send(RedisClusterAsyncCommands<String, byte[]> redis) {
                throw new AssertionError("this store sends no follow-ups");
            }

            @Override
            public void notSent() {
                notSent.set(true);
            }
        };
    }
}
