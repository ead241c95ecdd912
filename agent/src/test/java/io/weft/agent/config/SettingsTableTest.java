package io.weft.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the {@link Setting} table, row by row, and every default parses. */
class SettingsTableTest {

    @Test
    void theReadmeTableListsEverySettingWithItsDefaultAndMeaningInOrder() throws Exception {
        List<String> readme = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("| property | default | meaning |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && !line.startsWith("|---")) {
                readme.add(line);
            }
        }
        List<String> table = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            table.add("| `" + setting.key() + "` | " + setting.shownDefault() + " | " + setting.meaning() + " |");
        }
        assertEquals(String.join("\n", table), String.join("\n", readme),
                "README.md's configuration table must match config/Setting.java (see CONTRIBUTING.md)");
    }

    @Test
    void everyDefaultIsWhatAnEmptyConfigurationReads() {
        WeftConfig defaults = new WeftConfig(ConfigSources.of(Map.of(), Map.of()));
        assertTrue(defaults.problems().isEmpty(), defaults.problems().toString());
        assertEquals(Setting.TTL.defaultValue(), Durations.format(defaults.ttl()));
        assertEquals(Setting.L1_TTL.defaultValue(), Durations.format(defaults.l1Ttl()));
        assertEquals(Setting.LOAD_MAX_WAIT.defaultValue(), Durations.format(defaults.loadMaxWait()));
        assertEquals(Setting.REDIS_TIMEOUT.defaultValue(), Durations.format(defaults.redisTimeout()));
        assertEquals(Setting.L1_MAX_SIZE.defaultValue(), String.valueOf(defaults.l1MaxSize()));
        assertEquals(Setting.REDIS_MAX_VALUE_BYTES.defaultValue(), String.valueOf(defaults.maxValueBytes()));
        assertEquals(Setting.STREAM_MAXLEN.defaultValue(), String.valueOf(defaults.streamMaxLen()));
        assertEquals(Setting.LOG_LEVEL.defaultValue(), defaults.logLevel());
        assertEquals(Setting.NAMESPACE.defaultValue(), defaults.namespace());
        assertTrue(defaults.enabled() && !defaults.strict() && !defaults.redisCluster());
        assertTrue(defaults.cacheEnabled("any") && defaults.cacheUsesL1("any"));
        assertEquals(null, defaults.redisUri());
    }

    @Test
    void everyNamedSettingIsKnownAndEveryPatternToo() {
        for (Setting setting : Setting.values()) {
            String name = setting.key().replace("<name>", "storybook:books").replace("<type>", "book.updated");
            WeftConfig config = new WeftConfig(ConfigSources.of(Map.of(name, "x"), Map.of()));
            assertTrue(config.unknownNames().isEmpty(), name + " is reported unknown: " + config.unknownNames());
            if (!setting.isPattern()) {
                assertNotNull(Setting.named(setting.key()));
            }
        }
        WeftConfig typo = new WeftConfig(ConfigSources.of(Map.of("weft.l1.maxsize", "5"), Map.of()));
        assertEquals(List.of("weft.l1.maxsize"), typo.unknownNames());
    }
}
