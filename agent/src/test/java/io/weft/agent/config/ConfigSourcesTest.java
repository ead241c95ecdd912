package io.weft.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSourcesTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path p = dir.resolve("weft.properties");
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        return p;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "weft.redis.uri, WEFT_REDIS_URI",
        "weft.cache.storybook:books.ttl, WEFT_CACHE_STORYBOOK_BOOKS_TTL",
        "weft.l1.maxSize, WEFT_L1_MAXSIZE",
        "weft.events.book-updated, WEFT_EVENTS_BOOK_UPDATED",
        "weft.cache.café.ttl, WEFT_CACHE_CAF__TTL",
    })
    void environmentNameIsUpperCaseWithNonAlphanumericsAsUnderscores(String property, String env) {
        assertEquals(env, ConfigSources.envName(property));
    }

    @Test
    void propertyBeatsEnvironmentBeatsFile() throws IOException {
        Path f = file("weft.ttl=3m\n");
        Map<String, String> props = new LinkedHashMap<>(Map.of("weft.config", f.toString(), "weft.ttl", "1m"));
        Map<String, String> env = Map.of("WEFT_TTL", "2m");
        assertEquals("1m", ConfigSources.of(props, env).get("weft.ttl"));
        props.remove("weft.ttl");
        assertEquals("2m", ConfigSources.of(props, env).get("weft.ttl"));
        assertEquals("3m", ConfigSources.of(props, Map.of()).get("weft.ttl"));
    }

    @Test
    void unsetEverywhereIsNull() {
        assertNull(ConfigSources.of(Map.of(), Map.of()).get("weft.ttl"));
    }

    @Test
    void environmentIsReadUnderTheDerivedName() {
        ConfigSources sources = ConfigSources.of(Map.of(), Map.of("WEFT_CACHE_STORYBOOK_BOOKS_TTL", "7m"));
        assertEquals("7m", sources.get("weft.cache.storybook:books.ttl"));
    }

    @Test
    void fileCacheNameWithEscapedColonIsReadAsTheColonName() throws IOException {
        Path f = file("# comment\nweft.cache.storybook\\:books.ttl=2m\n");
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", f.toString()), Map.of());
        assertEquals("2m", sources.get("weft.cache.storybook:books.ttl"));
        assertNull(sources.fileProblem());
    }

    @Test
    void environmentOverridesACacheSettingFromTheFile() throws IOException {
        Path f = file("weft.cache.storybook\\:books.ttl=2m\n");
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", f.toString()),
                Map.of("WEFT_CACHE_STORYBOOK_BOOKS_TTL", "9m"));
        assertEquals("9m", sources.get("weft.cache.storybook:books.ttl"));
    }

    @Test
    void fileMayBeNamedByTheEnvironment() throws IOException {
        Path f = file("weft.namespace=prod:\n");
        ConfigSources sources = ConfigSources.of(Map.of(), Map.of("WEFT_CONFIG", f.toString()));
        assertEquals("prod:", sources.get("weft.namespace"));
    }

    @Test
    void propertyNamingTheFileBeatsTheEnvironment() throws IOException {
        Path f = file("weft.namespace=fromProperty\n");
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", f.toString()),
                Map.of("WEFT_CONFIG", dir.resolve("missing.properties").toString()));
        assertEquals("fromProperty", sources.get("weft.namespace"));
        assertNull(sources.fileProblem());
    }

    @Test
    void unreadableFileIsAProblemNamingItAndItsSettingsAreIgnored() {
        Path missing = dir.resolve("nope.properties");
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", missing.toString()), Map.of());
        assertTrue(sources.fileProblem().contains("weft.config"), sources.fileProblem());
        assertTrue(sources.fileProblem().contains("nope.properties"), sources.fileProblem());
        assertNull(sources.get("weft.ttl"));
    }

    @Test
    void malformedFileIsAProblemNotAnException() throws IOException {
        Path f = file("weft.ttl=\\u12\n");
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", f.toString()), Map.of());
        assertTrue(sources.fileProblem() != null && sources.fileProblem().contains("weft.config"));
    }

    @Test
    void blankFileNameReadsNoFile() {
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", "  "), Map.of());
        assertNull(sources.fileProblem());
    }

    @Test
    void propertyNamesIncludeWeftNamesFromTheFileButNotOthers() throws IOException {
        Path f = file("weft.ttl=1m\nother.setting=x\n");
        ConfigSources sources = ConfigSources.of(Map.of("weft.config", f.toString()), Map.of());
        assertTrue(sources.propertyNames().contains("weft.ttl"));
        assertTrue(sources.propertyNames().contains("weft.config"));
        assertTrue(!sources.propertyNames().contains("other.setting"), sources.propertyNames().toString());
    }

    @Test
    void environmentNamesAreOnlyWeftVariables() {
        ConfigSources sources = ConfigSources.of(Map.of(), Map.of("PATH", "/bin", "WEFT_TTL", "1m", "HOME", "/h"));
        assertEquals(java.util.Set.of("WEFT_TTL"), sources.environmentNames());
    }

    // --- agent arguments ----------------------------------------------------------------------------

    @Test
    void agentArgumentsAreSemicolonSeparatedPairsWithTheWeftPrefixOptional() {
        Map<String, String> args = ConfigSources.parseAgentArgs("ttl=5m;weft.enabled=false;l1.maxSize=20");
        assertEquals(Map.of("weft.ttl", "5m", "weft.enabled", "false", "weft.l1.maxSize", "20"), args);
    }

    @Test
    void agentArgumentWithoutValueIsTrue() {
        assertEquals(Map.of("weft.strict", "true"), ConfigSources.parseAgentArgs("strict"));
    }

    @Test
    void agentArgumentsAreTrimmedAndEmptyEntriesSkipped() {
        assertEquals(Map.of("weft.ttl", "5m", "weft.namespace", "app:"),
                ConfigSources.parseAgentArgs(" ttl = 5m ;; namespace= app: ;"));
    }

    @Test
    void agentArgumentValueMayContainEqualsAndColons() {
        assertEquals("redis://u:p@h:6379/0?timeout=1s",
                ConfigSources.parseAgentArgs("redis.uri=redis://u:p@h:6379/0?timeout=1s").get("weft.redis.uri"));
    }

    @Test
    void noAgentArgumentsIsEmpty() {
        assertTrue(ConfigSources.parseAgentArgs(null).isEmpty());
        assertTrue(ConfigSources.parseAgentArgs("").isEmpty());
    }

    @Test
    void agentArgumentsCountAsPropertiesAndSystemPropertiesOverrideThem() {
        String name = "weft.cache.configsourcestest.ttl";
        assertEquals("2m", ConfigSources.fromJvm("cache.configsourcestest.ttl=2m").get(name));
        System.setProperty(name, "3m");
        try {
            assertEquals("3m", ConfigSources.fromJvm("cache.configsourcestest.ttl=2m").get(name));
        } finally {
            System.clearProperty(name);
        }
    }

    /** The launcher's check reads weft.enabled as WeftConfig does: only false disables, whatever the source. */
    @Test
    void disabledIsWhatWeftConfigReadsAsDisabled() {
        for (String value : new String[] {"false", " FALSE ", "true", "no", "", "0"}) {
            Map<String, String> props = Map.of("weft.enabled", value);
            assertEquals(!new WeftConfig(ConfigSources.of(props, Map.of())).enabled(),
                    ConfigSources.of(props, Map.of()).disabled(), "weft.enabled='" + value + "'");
        }
        assertTrue(ConfigSources.of(Map.of(), Map.of("WEFT_ENABLED", "false")).disabled(), "from the environment");
        assertFalse(ConfigSources.of(Map.of("weft.enabled", "true"), Map.of("WEFT_ENABLED", "false")).disabled(),
                "a system property wins");
        assertFalse(ConfigSources.of(Map.of(), Map.of()).disabled(), "on by default");
    }
}
