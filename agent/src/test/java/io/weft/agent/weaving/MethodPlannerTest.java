package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.annotations.InvalidateCache;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attributes of an annotation that {@link MethodPlanner} reports as configuration errors (SPEC §7). */
class MethodPlannerTest {

    private final MethodPlanner planner = new MethodPlanner(new WeftConfig(ConfigSources.of(Map.of(), Map.of())),
            new MethodTable(), new CacheRegistry(), new LoaderScopes());

    /** Invalidations whose events no reader could take. */
    static class EmptyEvents {

        @InvalidateCache(keys = "book:{id}", event = "")
        void empty(String id) {
        }

        @InvalidateCache(keys = "book:{id}", event = "  ")
        void blank(String id) {
        }
    }

    /** An empty event type would be published and skipped as malformed by every reader: no other instance would evict. */
    @Test
    void anEmptyEventTypeIsAConfigurationErrorNamingTheMethod() throws IOException {
        AnnotatedClass type = read(EmptyEvents.class);
        assertEquals(2, type.methods().size());
        for (AnnotatedMethod method : type.methods()) {
            ConfigurationError e = assertThrows(ConfigurationError.class,
                    () -> planner.plan(type, method, getClass().getClassLoader()), method.name());
            assertTrue(e.getMessage().startsWith(EmptyEvents.class.getName() + "#" + method.name() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("@InvalidateCache(event) is empty"), e.getMessage());
        }
    }

    private static AnnotatedClass read(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            return AnnotatedClass.read(in.readAllBytes());
        }
    }
}
