package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.Template;
import io.weft.agent.keys.Signature;
import io.weft.agent.keys.TemplateBinder;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The argument index never serves an entry that left the key table, however it left. */
class LocalCacheTest {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    private static final UUID USER = UUID.fromString("3f2a0c1e-5b7d-4e8f-9a10-112233445566");

    private final CacheStats stats = new CacheStats("storybook:books");
    private final KeyRenderer books = TemplateBinder.bind(Template.parse("storybook:books:{userId}"), new UuidParameter(), false);
    private final Object[] args = {USER};
    private final String key = books.render(args, null);

    private CacheEntry cached(LocalCache l1, Object value) {
        CacheEntry entry = l1.entry(value, MINUTE, stats);
        assertTrue(l1.putUnless(key, entry, () -> false));
        l1.index(books.argumentKey(args), entry);
        return entry;
    }

    @Test
    void servesTheEntryOfTheKeyTableByArguments() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        CacheEntry entry = cached(l1, "v1");
        assertSame(entry, l1.get(books.argumentKey(new Object[] {UUID.fromString(USER.toString())})));
        assertNull(l1.get(books.argumentKey(new Object[] {UUID.randomUUID()})));
    }

    @Test
    void anEvictedKeyIsNotServedByArguments() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        cached(l1, "v1");
        l1.remove(key);
        assertNull(l1.get(books.argumentKey(args)));
    }

    @Test
    void anEvictedPrefixIsNotServedByArguments() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        cached(l1, "v1");
        l1.removePrefix("storybook:");
        assertNull(l1.get(books.argumentKey(args)));
    }

    @Test
    void aClearedCacheIsNotServedByArguments() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        cached(l1, "v1");
        l1.clear();
        assertNull(l1.get(books.argumentKey(args)));
        cached(l1, "v2");
        assertEquals(1, l1.clear(stats));
        assertNull(l1.get(books.argumentKey(args)));
    }

    @Test
    void aReplacedEntryIsNotServedByArguments() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        CacheEntry first = cached(l1, "v1");
        CacheEntry second = l1.entry("v2", MINUTE, stats);
        assertTrue(l1.putUnless(key, second, () -> false));
        assertTrue(first.retired());
        assertNull(l1.get(books.argumentKey(args)));
        l1.index(books.argumentKey(args), second);
        assertSame(second, l1.get(books.argumentKey(args)));
    }

    @Test
    void indexingAnEntryThatWasAlreadyRetiredLeavesNothingBehind() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        CacheEntry entry = l1.entry("v1", MINUTE, stats);
        assertTrue(l1.putUnless(key, entry, () -> false));
        l1.remove(key);
        l1.index(books.argumentKey(args), entry);
        assertNull(l1.get(books.argumentKey(args)));
    }

    @Test
    void anEntryPastItsOwnDeadlineIsNotServedByArguments() {
        LocalCache l1 = new LocalCache(100, MINUTE);
        CacheEntry entry = l1.entry("v1", 1, stats);
        assertTrue(l1.putUnless(key, entry, () -> false));
        l1.index(books.argumentKey(args), entry);
        long start = System.nanoTime();
        while (System.nanoTime() - start < 1_000) {
            Thread.onSpinWait();
        }
        assertNull(l1.get(books.argumentKey(args)));
        assertNull(l1.get(key));
        assertTrue(entry.retired());
    }

    @Test
    void anEntryEvictedForSizeIsNotServedByArguments() {
        LocalCache l1 = new LocalCache(0, MINUTE);
        CacheEntry entry = l1.entry("v1", MINUTE, stats);
        l1.putUnless(key, entry, () -> false);
        l1.index(books.argumentKey(args), entry);
        Await.until("the size bound of 0 evicts the entry", entry::retired);
        assertNull(l1.get(books.argumentKey(args)));
        assertEquals(1, stats.evictedBySizeCount());
    }

    /**
     * Two callers evict the same key while a third keeps putting it: once an eviction returns, the index
     * must not serve an entry put before it began, even when the other caller's eviction removed it.
     */
    @Test
    void noEntryPutBeforeAnEvictionIsServedAfterIt() throws Exception {
        LocalCache l1 = new LocalCache(100, MINUTE);
        AtomicLong lastPut = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        long end = System.nanoTime() + Duration.ofMillis(700).toNanos();
        Thread writer = new Thread(() -> {
            for (long version = 1; System.nanoTime() < end; version++) {
                CacheEntry entry = l1.entry(version, MINUTE, stats);
                if (l1.putUnless(key, entry, () -> false)) {
                    l1.index(books.argumentKey(args), entry);
                }
                lastPut.set(version);
            }
        });
        Runnable evictor = () -> {
            while (System.nanoTime() < end) {
                long before = lastPut.get();
                l1.remove(key);
                CacheEntry served = l1.get(books.argumentKey(args));
                if (served != null && (long) served.value() <= before) {
                    stale.incrementAndGet();
                }
            }
        };
        Thread first = new Thread(evictor);
        Thread second = new Thread(evictor);
        writer.start();
        first.start();
        second.start();
        writer.join();
        first.join();
        second.join();
        assertEquals(0, stale.get(), "entries served after an eviction that began after they were put");
    }

    /** {@code getBooks(UUID userId)}. */
    private static final class UuidParameter implements Signature {
        @Override
        public int parameterCount() {
            return 1;
        }

        @Override
        public String parameterName(int index) {
            return "userId";
        }

        @Override
        public String parameterType(int index) {
            return UUID.class.getName();
        }

        @Override
        public String returnType() {
            return List.class.getName();
        }

        @Override
        public void checkPath(String typeName, List<String> path) {
            throw new AssertionError("no paths");
        }

        @Override
        public ClassLoader classLoader() {
            return LocalCacheTest.class.getClassLoader();
        }
    }
}
