package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A per-cache setting whose cache name is misspelt is reported, naming the setting and the caches there are. */
class UnusedCacheSettingsTest {

    @Test
    void aSettingNamingNoWovenCacheIsReportedAndTheOthersAreNot() {
        WeftConfig config = new WeftConfig(ConfigSources.of(Map.of("weft.cache.prices.ttl", "1m",
                "weft.cache.storybook:books.enabled", "false", "weft.cache.storybook:books.l1", "false"), Map.of()));
        CacheRegistry caches = new CacheRegistry();
        caches.cache("storybook:books", true);
        caches.cache("price", true);

        List<String> problems = CacheSystem.unusedCacheSettings(config, caches);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("weft.cache.prices.ttl names no cache"), problems.get(0));
        assertTrue(problems.get(0).contains("storybook:books, price") || problems.get(0).contains("price, storybook:books"),
                problems.get(0));
    }

    /** A cache that an annotation named, whose method a configuration error left unwoven, is no typo (SPEC §4). */
    @Test
    void aCacheNamedByAMethodLeftUnwovenIsNotReported() {
        WeftConfig config = new WeftConfig(ConfigSources.of(Map.of("weft.cache.voices.ttl", "5s"), Map.of()));
        CacheRegistry caches = new CacheRegistry();
        caches.named("voices");

        assertEquals(List.of(), CacheSystem.unusedCacheSettings(config, caches));
    }
}
