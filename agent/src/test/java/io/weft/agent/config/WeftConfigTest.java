package io.weft.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeftConfigTest {

    @TempDir
    Path dir;

    private static WeftConfig config(Map<String, String> props, Map<String, String> env) {
        return new WeftConfig(ConfigSources.of(props, env));
    }

    private static WeftConfig props(String... pairs) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return config(map, Map.of());
    }

    private static WeftConfig env(String... pairs) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return config(Map.of(), map);
    }

    private static void assertOneProblemNaming(WeftConfig config, String property, String value) {
        assertEquals(1, config.problems().size(), config.problems().toString());
        String problem = config.problems().get(0);
        assertTrue(problem.startsWith(property + ":"), problem);
        assertTrue(problem.contains(value), problem);
        assertTrue(problem.contains("using"), "names the fallback: " + problem);
    }

    // --- defaults -----------------------------------------------------------------------------------

    @Test
    void aRedisUriWithoutASchemeIsAProblemWithoutEchoingItAndRedisIsNotUsed() {
        WeftConfig config = props("weft.redis.uri", "app:s3cret@127.0.0.1:6379");
        assertEquals(null, config.redisUri());
        assertEquals(1, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).startsWith("weft.redis.uri has no scheme"), config.problems().get(0));
        assertFalse(config.problems().get(0).contains("s3cret"));
        assertEquals("redis://127.0.0.1:6379", props("weft.redis.uri", "redis://127.0.0.1:6379").redisUri());
    }

    @Test
    void redisAndTheDatabaseBothSetIsAProblemAndNeitherIsUsed() {
        WeftConfig c = props("weft.redis.uri", "redis://localhost:6379",
                "weft.store.uri", "jdbc:postgresql://db/app?user=weft&password=s3cret");
        assertEquals(1, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().get(0).startsWith("weft.redis.uri and weft.store.uri are both set"), c.problems().get(0));
        assertFalse(c.problems().get(0).contains("s3cret"));
        assertNull(c.redisUri());
        assertNull(c.storeUri());
    }

    @Test
    void theDatabaseSettingsAreRead() {
        WeftConfig c = props("weft.store.uri", "jdbc:postgresql://db:5432/app?user=weft", "weft.store.table",
                "cache.weft_entries", "weft.store.timeout", "1s", "weft.store.cleanup", "10m");
        assertEquals(List.of(), c.problems());
        assertEquals("jdbc:postgresql://db:5432/app?user=weft", c.storeUri());
        assertEquals("cache.weft_entries", c.storeTable());
        assertEquals(Duration.ofSeconds(1), c.storeTimeout());
        assertEquals(Duration.ofMinutes(10), c.storeCleanup());
        WeftConfig defaults = props();
        assertEquals("weft_cache_entries", defaults.storeTable());
        assertEquals(Duration.ofMillis(250), defaults.storeTimeout());
        assertEquals(Duration.ofHours(1), defaults.storeCleanup());
    }

    @Test
    void aStoreUriThatIsNotPostgreSqlIsAProblemWithoutEchoingIt() {
        WeftConfig c = props("weft.store.uri", "mysql://db/app?password=s3cret");
        assertEquals(1, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().get(0).startsWith("weft.store.uri is not a PostgreSQL JDBC URL"), c.problems().get(0));
        assertFalse(c.problems().get(0).contains("s3cret"));
        assertNull(c.storeUri());
    }

    @Test
    void aTableNameThatIsNotAnIdentifierIsAProblemAndFallsBack() {
        for (String bad : new String[] {"weft; DROP TABLE users", "1abc", "a.b.c", "x".repeat(56)}) {
            WeftConfig c = props("weft.store.table", bad);
            assertEquals(1, c.problems().size(), bad + ": " + c.problems());
            assertTrue(c.problems().get(0).startsWith("weft.store.table: '"), c.problems().get(0));
            assertEquals("weft_cache_entries", c.storeTable());
        }
    }

    @Test
    void defaultsWhenNothingIsSet() {
        WeftConfig c = props();
        assertTrue(c.enabled());
        assertFalse(c.strict());
        assertEquals(Duration.ofMinutes(5), c.ttl());
        assertEquals(Duration.ofMinutes(1), c.l1Ttl());
        assertEquals(10_000, c.l1MaxSize());
        assertEquals("", c.namespace());
        assertEquals(List.of(), c.include());
        assertEquals(List.of(), c.exclude());
        assertEquals(List.of(), c.problems());
        assertEquals(List.of(), c.unknownNames());
    }

    @Test
    void settingsAreRead() {
        WeftConfig c = props("weft.enabled", "FALSE", "weft.strict", " true ", "weft.ttl", "10m", "weft.l1.ttl", "30s",
                "weft.l1.maxSize", "500", "weft.namespace", "prod:");
        assertFalse(c.enabled());
        assertTrue(c.strict());
        assertEquals(Duration.ofMinutes(10), c.ttl());
        assertEquals(Duration.ofSeconds(30), c.l1Ttl());
        assertEquals(500, c.l1MaxSize());
        assertEquals("prod:", c.namespace());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void settingsAreReadFromTheEnvironment() {
        WeftConfig c = env("WEFT_ENABLED", "false", "WEFT_L1_MAXSIZE", "42");
        assertFalse(c.enabled());
        assertEquals(42, c.l1MaxSize());
        assertEquals(List.of(), c.unknownNames());
    }

    @Test
    void includeAndExcludeAreTrimmedCommaSeparatedPrefixes() {
        WeftConfig c = props("weft.include", " com.example , org.acme.books,,", "weft.exclude", "com.example.gen, ,org.x");
        assertEquals(List.of("com.example", "org.acme.books"), c.include());
        assertEquals(List.of("com.example.gen", "org.x"), c.exclude(), "an empty prefix (all classes) is no prefix");
    }

    // --- malformed values ---------------------------------------------------------------------------

    @Test
    void malformedTtlIsAProblemAndFallsBackToFiveMinutes() {
        WeftConfig c = props("weft.ttl", "5 minutes");
        assertEquals(Duration.ofMinutes(5), c.ttl());
        assertOneProblemNaming(c, "weft.ttl", "5 minutes");
        assertTrue(c.problems().get(0).contains("5m"), c.problems().get(0));
    }

    @Test
    void zeroL1TtlIsAProblemAndFallsBackToOneMinute() {
        WeftConfig c = props("weft.l1.ttl", "0");
        assertEquals(Duration.ofMinutes(1), c.l1Ttl());
        assertOneProblemNaming(c, "weft.l1.ttl", "0");
    }

    @Test
    void malformedBooleanIsAProblemAndFallsBack() {
        WeftConfig c = props("weft.enabled", "yes");
        assertTrue(c.enabled());
        assertOneProblemNaming(c, "weft.enabled", "yes");
    }

    @Test
    void malformedStrictFallsBackToFalse() {
        WeftConfig c = props("weft.strict", "1");
        assertFalse(c.strict());
        assertOneProblemNaming(c, "weft.strict", "1");
    }

    @Test
    void nonNumericMaxSizeIsAProblemAndFallsBack() {
        WeftConfig c = props("weft.l1.maxSize", "10k");
        assertEquals(10_000, c.l1MaxSize());
        assertOneProblemNaming(c, "weft.l1.maxSize", "10k");
    }

    @Test
    void zeroMaxSizeMeansNoL1() {
        WeftConfig c = props("weft.l1.maxSize", "0");
        assertEquals(0, c.l1MaxSize());
        assertEquals(List.of(), c.problems());
    }

    /** SPEC §13: compression is off unless set; 0 says the same without a warning. */
    @Test
    void zeroCompressMinBytesMeansNoCompression() {
        WeftConfig zero = props("weft.redis.compress.minBytes", "0");
        assertEquals(0, zero.compressMinBytes());
        assertEquals(List.of(), zero.problems());
        assertEquals(4096, props("weft.redis.compress.minBytes", "4096").compressMinBytes());
        WeftConfig negative = props("weft.redis.compress.minBytes", "-1");
        assertEquals(0, negative.compressMinBytes());
        assertOneProblemNaming(negative, "weft.redis.compress.minBytes", "-1");
    }

    @Test
    void negativeMaxSizeIsAProblemAndFallsBack() {
        WeftConfig negative = props("weft.l1.maxSize", "-5");
        assertEquals(10_000, negative.l1MaxSize());
        assertOneProblemNaming(negative, "weft.l1.maxSize", "-5");
    }

    @Test
    void malformedValueFromTheEnvironmentNamesTheProperty() {
        WeftConfig c = env("WEFT_TTL", "soon");
        assertEquals(Duration.ofMinutes(5), c.ttl());
        assertOneProblemNaming(c, "weft.ttl", "soon");
    }

    @Test
    void everyMalformedValueIsReported() {
        WeftConfig c = props("weft.ttl", "x", "weft.l1.ttl", "y", "weft.enabled", "z", "weft.l1.maxSize", "w");
        assertEquals(4, c.problems().size(), c.problems().toString());
    }

    @Test
    void unreadableConfigFileIsAProblem() {
        WeftConfig c = props("weft.config", dir.resolve("missing.properties").toString());
        assertEquals(1, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().get(0).startsWith("weft.config:"), c.problems().get(0));
    }

    @Test
    void problemsAreUnmodifiable() {
        assertThrows(UnsupportedOperationException.class, () -> props().problems().add("x"));
    }

    // --- unknown names ------------------------------------------------------------------------------

    @Test
    void misspelledPropertyIsUnknown() {
        assertEquals(List.of("weft.l1.maxsize"), props("weft.l1.maxsize", "5").unknownNames());
    }

    @Test
    void misspelledEnvironmentVariableIsUnknown() {
        assertEquals(List.of("WEFT_TTLL"), env("WEFT_TTLL", "5m").unknownNames());
    }

    @Test
    void lowerCaseWeftEnvironmentVariableIsUnknownBecauseItIsNotRead() {
        WeftConfig c = env("weft_ttl", "1m");
        assertEquals(List.of("weft_ttl"), c.unknownNames());
        assertEquals(Duration.ofMinutes(5), c.ttl());
    }

    @Test
    void perCacheAndPerEventPropertiesAreKnown() {
        WeftConfig c = props("weft.cache.x.ttl", "1m", "weft.cache.storybook:books.enabled", "false",
                "weft.events.book.updated", "storybook:book:{bookId}");
        assertEquals(List.of(), c.unknownNames());
    }

    @Test
    void perCacheAndPerEventEnvironmentVariablesAreKnown() {
        WeftConfig c = env("WEFT_CACHE_STORYBOOK_BOOKS_TTL", "1m", "WEFT_CACHE_X_ENABLED", "true",
                "WEFT_EVENTS_BOOK_UPDATED", "storybook:book:{bookId}", "WEFT_REDIS_URI", "redis://h:6379");
        assertEquals(List.of(), c.unknownNames());
    }

    /** SPEC §4: a variable names the type in lower case, each {@code _} read as {@code .}. */
    @Test
    void eventTemplatesAreReadFromTheEnvironment() {
        WeftConfig c = env("WEFT_EVENTS_BOOK_UPDATED", "storybook:book:{book_id}", "WEFT_EVENTS_PAYLOADNAMES", "snake_case");
        assertEquals(Map.of("book.updated", "storybook:book:{book_id}"), c.eventTemplates());
        assertTrue(c.snakeCasePayloadNames());
    }

    /** System property > environment variable > file, also for a type whose name a variable cannot spell. */
    @Test
    void eventTemplatesTakeTheUsualPrecedence() throws IOException {
        Path f = dir.resolve("weft.properties");
        Files.writeString(f, "weft.events.book_updated=file:{id}\nweft.events.order.placed=file:{id}\n"
                + "weft.events.price.changed=file:{sku}\n", StandardCharsets.ISO_8859_1);
        WeftConfig c = config(Map.of("weft.config", f.toString(), "weft.events.order.placed", "property:{id}"),
                Map.of("WEFT_EVENTS_BOOK_UPDATED", "environment:{id}", "WEFT_EVENTS_ORDER_PLACED", "environment:{id}"));
        assertEquals(Map.of("book_updated", "environment:{id}", "order.placed", "property:{id}",
                "price.changed", "file:{sku}"), c.eventTemplates());
        assertEquals(List.of(), c.unknownNames());
    }

    @Test
    void misspelledPerCacheSettingIsUnknown() {
        assertEquals(List.of("weft.cache.x.tll"), props("weft.cache.x.tll", "1m").unknownNames());
        assertEquals(List.of("WEFT_CACHE_X_TLL"), env("WEFT_CACHE_X_TLL", "1m").unknownNames());
    }

    @Test
    void everyDocumentedPropertyIsKnown() {
        String[] documented = {"weft.enabled", "weft.redis.uri", "weft.redis.cluster", "weft.redis.timeout",
            "weft.ttl", "weft.l1.maxSize", "weft.l1.ttl", "weft.namespace", "weft.stream.maxlen", "weft.include",
            "weft.exclude", "weft.strict", "weft.http.port", "weft.http.token"};
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> envMap = new java.util.LinkedHashMap<>();
        for (String name : documented) {
            map.put(name, "x");
            envMap.put(ConfigSources.envName(name), "x");
        }
        assertEquals(List.of(), config(map, Map.of()).unknownNames());
        assertEquals(List.of(), config(Map.of(), envMap).unknownNames());
    }

    @Test
    void unknownNameInTheConfigFileIsReported() throws IOException {
        Path f = dir.resolve("weft.properties");
        Files.writeString(f, "weft.l1.max=5\nweft.cache.storybook\\:books.ttl=2m\n", StandardCharsets.ISO_8859_1);
        assertEquals(List.of("weft.l1.max"), props("weft.config", f.toString()).unknownNames());
    }

    @Test
    void otherEnvironmentVariablesAreIgnored() {
        assertEquals(List.of(), env("PATH", "/bin", "JAVA_HOME", "/jdk").unknownNames());
    }

    // --- per cache ----------------------------------------------------------------------------------

    @Test
    void cacheIsEnabledUnlessSetOtherwise() {
        assertTrue(props().cacheEnabled("storybook:books"));
        assertFalse(props("weft.cache.storybook:books.enabled", "false").cacheEnabled("storybook:books"));
        assertTrue(props("weft.cache.storybook:books.enabled", " TRUE ").cacheEnabled("storybook:books"));
        assertTrue(props("weft.cache.other.enabled", "false").cacheEnabled("storybook:books"));
    }

    @Test
    void cacheEnabledIsReadFromTheEnvironment() {
        assertFalse(env("WEFT_CACHE_STORYBOOK_BOOKS_ENABLED", "false").cacheEnabled("storybook:books"));
    }

    @Test
    void malformedCacheEnabledIsAnErrorNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props("weft.cache.storybook:books.enabled", "off").cacheEnabled("storybook:books"));
        assertTrue(e.getMessage().startsWith("weft.cache.storybook:books.enabled:"), e.getMessage());
        assertTrue(e.getMessage().contains("off"), e.getMessage());
    }

    @Test
    void cacheTtlIsNullUnlessSet() {
        assertNull(props().cacheTtl("storybook:books"));
        assertEquals(Duration.ofMinutes(2), props("weft.cache.storybook:books.ttl", "2m").cacheTtl("storybook:books"));
    }

    @Test
    void cacheTtlFromAFileWithAnEscapedColon() throws IOException {
        Path f = dir.resolve("weft.properties");
        Files.writeString(f, "weft.cache.storybook\\:books.ttl=2m\n", StandardCharsets.ISO_8859_1);
        WeftConfig c = props("weft.config", f.toString());
        assertEquals(Duration.ofMinutes(2), c.cacheTtl("storybook:books"));
        assertEquals(List.of(), c.unknownNames());
    }

    @Test
    void malformedCacheTtlIsAnErrorNamingThePropertyAndTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> env("WEFT_CACHE_STORYBOOK_BOOKS_TTL", "2 weeks").cacheTtl("storybook:books"));
        assertTrue(e.getMessage().startsWith("weft.cache.storybook:books.ttl:"), e.getMessage());
        assertTrue(e.getMessage().contains("2 weeks"), e.getMessage());
    }

    @Test
    void nonPositiveCacheTtlIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> props("weft.cache.c.ttl", "0s").cacheTtl("c"));
    }

    /** SPEC §12's per-cache overrides: unset (the annotation says), set by property or environment, or an error. */
    @Test
    void refreshAfterStaleIfErrorAndSlidingPerCache() {
        WeftConfig unset = props();
        assertNull(unset.cacheRefreshAfter("prices"));
        assertNull(unset.cacheStaleIfError("prices"));
        assertNull(unset.cacheSliding("prices"));
        WeftConfig set = props("weft.cache.prices.refreshAfter", "4m", "weft.cache.prices.staleIfError", "10m",
                "weft.cache.prices.sliding", "false");
        assertEquals(Duration.ofMinutes(4), set.cacheRefreshAfter("prices"));
        assertEquals(Duration.ofMinutes(10), set.cacheStaleIfError("prices"));
        assertEquals(Boolean.FALSE, set.cacheSliding("prices"));
        assertEquals(List.of(), set.unknownNames());
        WeftConfig environment = env("WEFT_CACHE_PRICES_REFRESHAFTER", "30s", "WEFT_CACHE_PRICES_SLIDING", "true",
                "WEFT_CACHE_PRICES_STALEIFERROR", "1h");
        assertEquals(Duration.ofSeconds(30), environment.cacheRefreshAfter("prices"));
        assertEquals(Boolean.TRUE, environment.cacheSliding("prices"));
        assertEquals(List.of(), environment.unknownNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props("weft.cache.prices.refreshAfter", "-4m").cacheRefreshAfter("prices"));
        assertTrue(e.getMessage().startsWith("weft.cache.prices.refreshAfter:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> props("weft.cache.prices.sliding", "yes").cacheSliding("prices"));
    }

    @Test
    void theOperationsServerIsOnlyOnAPortOf0To65535AndItsTokenIsNeverBlank() {
        WeftConfig unset = props();
        assertEquals(-1, unset.httpPort());
        assertNull(unset.httpToken());
        assertNull(props("weft.http.token", "  ").httpToken());
        WeftConfig blank = props("weft.http.port", " ");
        assertEquals(-1, blank.httpPort());
        assertEquals(List.of(), blank.problems(), "blank is unset");
        WeftConfig set = props("weft.http.port", " 8081 ", "weft.http.token", " s3cret ");
        assertEquals(8081, set.httpPort());
        assertEquals("s3cret", set.httpToken());
        assertEquals(0, props("weft.http.port", "0").httpPort(), "any free port");
        assertEquals(65535, props("weft.http.port", "65535").httpPort());
        for (String bad : List.of("65536", "-1", "http")) {
            WeftConfig c = props("weft.http.port", bad);
            assertEquals(-1, c.httpPort(), bad);
            assertEquals(1, c.problems().size(), c.problems().toString());
            assertTrue(c.problems().get(0).startsWith("weft.http.port: '" + bad + "' is not a port"), c.problems().get(0));
        }
    }

    @Test
    void payloadNamesAreDeclaredUnlessSnakeCaseAndAreNoEventType() {
        assertFalse(props().snakeCasePayloadNames());
        assertFalse(props("weft.events.payloadNames", "declared").snakeCasePayloadNames());
        WeftConfig snake = props("weft.events.payloadNames", "snake_case");
        assertTrue(snake.snakeCasePayloadNames());
        assertEquals(Map.of(), snake.eventTemplates());
        assertEquals(List.of(), snake.problems());
        assertEquals(List.of(), snake.unknownNames());
        WeftConfig camel = props("weft.events.payloadNames", "camelCase");
        assertFalse(camel.snakeCasePayloadNames());
        assertEquals(1, camel.problems().size(), camel.problems().toString());
        assertTrue(camel.problems().get(0).startsWith("weft.events.payloadNames: 'camelCase'"), camel.problems().get(0));
    }

    @Test
    void warmStartClusterLeaseAndPerCacheL1SettingsAreRead() {
        WeftConfig unset = props();
        assertFalse(unset.warm());
        assertEquals(1000, unset.warmKeys());
        assertEquals(Duration.ofSeconds(5), unset.warmInterval());
        assertFalse(unset.redisCluster());
        assertEquals(Duration.ofSeconds(1), unset.leaseWait());
        assertTrue(unset.cacheUsesL1("books"));
        WeftConfig set = props("weft.warm", "true", "weft.warm.keys", "50", "weft.warm.interval", "30s",
                "weft.redis.cluster", "true", "weft.lease.wait", "250ms", "weft.cache.books.l1", "false");
        assertTrue(set.warm());
        assertEquals(50, set.warmKeys());
        assertEquals(Duration.ofSeconds(30), set.warmInterval());
        assertTrue(set.redisCluster());
        assertEquals(Duration.ofMillis(250), set.leaseWait());
        assertFalse(set.cacheUsesL1("books"));
        assertEquals(List.of(), set.problems());

        WeftConfig database = props("weft.warm", "true", "weft.store.uri", "jdbc:postgresql://db/app");
        assertEquals(1, database.problems().size(), database.problems().toString());
        assertTrue(database.problems().get(0).startsWith("weft.warm keeps its record of the most-hit keys in Redis"),
                database.problems().get(0));
    }

    @Test
    void aTableNameOf55CharactersIsTheLongestAccepted() {
        String longest = "t".repeat(WeftConfig.MAX_TABLE_NAME);
        WeftConfig c = props("weft.store.table", "cache." + longest);
        assertEquals(List.of(), c.problems());
        assertEquals("cache." + longest, c.storeTable());
    }

    @Test
    void eventTemplatesThatTheChecksRefuseAreLeftOutAsAProblem() {
        SettingChecks refusingPrices = new SettingChecks() {
            @Override
            public String eventTemplatesProblem(String type, String templates) {
                return type.startsWith("price") ? "weft.events." + type + ": refused" : null;
            }
        };
        WeftConfig c = new WeftConfig(ConfigSources.of(Map.of("weft.events.price.changed", "price:{sku}",
                "weft.events.book.updated", "book:{id}"), Map.of()), refusingPrices);
        assertEquals(Map.of("book.updated", "book:{id}"), c.eventTemplates());
        assertEquals(1, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().get(0).startsWith("weft.events.price.changed: refused; events of type price.changed"),
                c.problems().get(0));
    }

    @Test
    void theCacheNamesThatSettingsNameAreFoundAndAnEmptyNameIsUnknown() {
        WeftConfig c = props("weft.cache.books.ttl", "1m", "weft.cache.storybook:pages.enabled", "false", "weft.ttl", "1m",
                "weft.cache..ttl", "1m");
        assertEquals(Map.of("weft.cache.books.ttl", "books", "weft.cache.storybook:pages.enabled", "storybook:pages"),
                c.cacheNamesInSettings());
        assertEquals(List.of("weft.cache..ttl"), c.unknownNames());
    }
}
