package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.testing.LogCapture;
import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §9: after the startup line, one line per woven class, with the running totals of methods and classes. */
class WovenClassLinesTest {

    static class Authors {
        @CacheResult(key = "authors:{id}")
        String find(String id) {
            return id;
        }
    }

    static class Titles {
        @CacheResult(key = "titles:{id}")
        String find(String id) {
            return id;
        }

        @InvalidateCache(keys = "titles:{id}")
        void save(String id) {
        }
    }

    @Test
    void eachWovenClassGetsOneLineWithTheRunningTotals() throws IOException {
        WeftConfig config = new WeftConfig(ConfigSources.of(Map.of(), Map.of()));
        TypeWeaver weaver = new TypeWeaver(new MethodPlanner(config, new MethodTable(), new CacheRegistry(),
                new LoaderScopes()), new ConfigurationErrors(false), new ModuleOpener(null));
        try (LogCapture log = new LogCapture()) {
            assertNotNull(transform(weaver, Authors.class));
            assertNotNull(transform(weaver, Titles.class));
            String text = log.text();
            assertTrue(text.contains("wove " + Authors.class.getName() + ": find -> authors (in all 1 method(s) in 1"
                    + " class(es))"), text);
            assertTrue(text.contains("wove " + Titles.class.getName() + ": ") && text.contains(
                    "(in all 3 method(s) in 2 class(es))"), text);
        }
    }

    private static byte[] transform(TypeWeaver weaver, Class<?> type) throws IOException {
        byte[] bytes;
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getPackageName().length() + 1)
                + ".class")) {
            bytes = in.readAllBytes();
        }
        return weaver.transform(null, type.getClassLoader(), type.getName().replace('.', '/'), null, null, bytes);
    }
}
