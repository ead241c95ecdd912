package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A value in Redis that cannot be read back as the method's type (SPEC §7: the class changed) is a miss that deletes
 * it, counted, and takes the key's lease in the same script, so that the value loaded instead is stored in Redis
 * (SPEC §5) unless an invalidation overlapped the reload.
 */
class SharedLevelUnreadableTest {

    /** JSON that a {@code String} cannot be read from. */
    private static final String UNREADABLE = "{\"x\":1}";

    private RedisSharedLevel level;

    @BeforeEach
    void start() throws InterruptedException {
        level = new RedisSharedLevel(Duration.ofSeconds(2), new CircuitBreaker("unreadable test"));
    }

    @AfterEach
    void stop() {
        level.close();
    }

    @Test
    void theReloadOfAnUnreadableValueIsStoredUnderTheLeaseTakenWithItsDelete() {
        CachedMethod method = level.find(0);
        level.redis.admin().set("ns:books:9", UNREADABLE);

        SharedLevel.Found found = level.shared.lookup(method, "books:9", null);

        assertFalse(found.hit);
        assertNotNull(found.lease, "the miss holds the lease to store the reload");
        assertFalse(level.exists("ns:books:9"), "the unreadable value is deleted");
        assertEquals(1, method.cache().stats().l2Unreadable());
        level.shared.store(method, "books:9", "nine", found.lease);
        Await.until("the reload is stored in Redis", () -> "\"nine\"".equals(level.redis.admin().get("ns:books:9")));
    }

    @Test
    void anInvalidationDuringTheReloadKeepsItsValueOutOfRedis() throws Exception {
        CachedMethod method = level.find(0);
        level.redis.admin().set("ns:books:9", UNREADABLE);
        SharedLevel.Found found = level.shared.lookup(method, "books:9", null);
        assertNotNull(found.lease);

        level.shared.evict(List.of("books:9"), List.of(), List.of());

        assertFalse(level.store.storeIfLeased("ns:books:9", "\"old\"".getBytes(StandardCharsets.UTF_8), 60_000,
                found.lease).get(5, TimeUnit.SECONDS), "the invalidation deleted the lease");
        assertFalse(level.exists("ns:books:9"));
    }

    @Test
    void anUnreadableStaleValueKeepsTheLeaseItsLookupTook() {
        CachedMethod method = level.find(TimeUnit.MINUTES.toMillis(10));
        // past its 60 s TTL, within staleIfError: the lookup takes the lease to load it again
        level.redis.admin().psetex("ns:books:9", TimeUnit.MINUTES.toMillis(5), UNREADABLE);

        SharedLevel.Found found = level.shared.lookup(method, "books:9", null);

        assertFalse(found.hit);
        assertNotNull(found.lease, "the miss holds the lease to store the reload");
        assertEquals(found.lease, level.redis.admin().get("ns:books:9:weft-lease"), "the lease the lookup took");
        level.shared.store(method, "books:9", "nine", found.lease);
        Await.until("the reload is stored in Redis", () -> "\"nine\"".equals(level.redis.admin().get("ns:books:9")));
    }

    @Test
    void aBatchStoresTheReloadOfAnUnreadableElementUnderItsLease() {
        CachedMethod method = level.find(0);
        level.redis.admin().set("ns:books:1", "\"one\"");
        level.redis.admin().set("ns:books:2", UNREADABLE);

        List<SharedLevel.Found> found = level.shared.lookupAll(method, List.of("books:1", "books:2", "books:3"));

        assertTrue(found.get(0).hit);
        assertEquals("one", found.get(0).value);
        String lease = found.get(2).lease;
        assertNotNull(lease, "the miss took the batch's lease");
        assertEquals(lease, found.get(1).lease, "and so did the unreadable element, with the batch's token");
        level.shared.storeAll(method, Map.of("books:2", "two", "books:3", "three"), List.of(), lease);
        Await.until("both stored in Redis", () -> "\"two\"".equals(level.redis.admin().get("ns:books:2"))
                && "\"three\"".equals(level.redis.admin().get("ns:books:3")));
    }
}
