package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.WeftCacheClasses;
import io.weft.agent.keys.CacheKey;
import io.weft.agent.metrics.CacheStats;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The L1 is built from the Caffeine classes {@link WeftCacheClasses} registers (so Caffeine looks nothing up by name at
 * a JVM's start): a change to the L1's builder that changes its classes fails here rather than silently costing the
 * start again.
 */
class LocalCacheClassesTest {

    @Test
    void theL1AndItsEntriesAreOfTheRegisteredClasses() throws Exception {
        LoaderScopes scopes = new LoaderScopes();
        LocalCache l1 = new LocalCache(1_000, TimeUnit.MINUTES.toNanos(10), scopes, Ticker.systemTicker());
        l1.putUnless(CacheKey.of(scopes.of(getClass().getClassLoader()), "k"),
                l1.entry("v", TimeUnit.MINUTES.toNanos(1), new CacheStats("books")), () -> false);

        Object bounded = invoke(field(l1, "cache"), "cache");
        assertEquals(WeftCacheClasses.CACHE, bounded.getClass().getSimpleName());
        assertSame(WeftCacheClasses.class, factories("LocalCacheFactory").get(WeftCacheClasses.CACHE).getClass()
                .getEnclosingClass(), "Caffeine's own factory was used");
        Map<?, ?> data = (Map<?, ?>) field(bounded, "data");
        assertEquals(WeftCacheClasses.NODE, data.values().iterator().next().getClass().getSimpleName());
    }

    private static Map<?, ?> factories(String type) throws ReflectiveOperationException {
        Field field = Class.forName("com.github.benmanes.caffeine.cache." + type).getField("FACTORIES");
        field.setAccessible(true);
        return (Map<?, ?>) field.get(null);
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(name);
    }

    private static Object invoke(Object owner, String name) throws ReflectiveOperationException {
        Method method = owner.getClass().getDeclaredMethod(name);
        method.setAccessible(true);
        return method.invoke(owner);
    }
}
