package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which classes are looked at by name: the JDK and the agent never, common libraries unless weft.include names them. */
class CandidateFilterTest {

    private static CandidateFilter filter(Map<String, String> settings) {
        return new CandidateFilter(new WeftConfig(ConfigSources.of(settings, Map.of())), () -> null);
    }

    @Test
    void withoutIncludeTheApplicationIsLookedAtAndCommonLibrariesAreNot() {
        CandidateFilter filter = filter(Map.of());

        assertTrue(filter.acceptsName("com/acme/Books"));
        assertFalse(filter.acceptsName("org/apache/catalina/Valve"));
        assertFalse(filter.acceptsName("org/springframework/cache/Cache"));
        assertFalse(filter.acceptsName("java/util/List"));
        assertFalse(filter.acceptsName("io/weft/agent/cache/CacheRuntime"));
        assertFalse(filter.acceptsName("com/acme/Books$$SpringCGLIB$$0"));
    }

    /** An application's own classes in a package a built-in rule skips (org.apache.acme) are woven when named. */
    @Test
    void anIncludedPackageIsLookedAtEvenUnderACommonLibrarysPrefix() {
        CandidateFilter filter = filter(Map.of("weft.include", "org.apache.acme,com.acme"));

        assertTrue(filter.acceptsName("org/apache/acme/Svc"));
        assertTrue(filter.acceptsName("com/acme/Books"));
        assertFalse(filter.acceptsName("org/apache/catalina/Valve"));
        assertFalse(filter.acceptsName("com/other/Books"));
    }

    @Test
    void theJdkTheAgentAndExcludedPackagesAreNeverLookedAtWhateverIsIncluded() {
        CandidateFilter filter = filter(Map.of("weft.include", "java.util,io.weft.agent,com.acme",
                "weft.exclude", "com.acme.internal"));

        assertFalse(filter.acceptsName("java/util/List"));
        assertFalse(filter.acceptsName("io/weft/agent/cache/CacheRuntime"));
        assertFalse(filter.acceptsName("com/acme/internal/Secret"));
        assertTrue(filter.acceptsName("com/acme/Books"));
    }
}
