package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §7: each bad annotation is reported once with Class#method, left unwoven, and the rest still cached. */
class ConfigurationErrorsTest {

    private static Path classes;

    @BeforeAll
    static void compile() throws Exception {
        classes = TestApps.compile("configerrors", List.of("-g"));
    }

    @Test
    void reportsEachErrorByMethodAndKeepsTheApplicationCached() throws Exception {
        try (AppJvm app = AppJvm.builder().property("weft.cache.ce:override.refreshAfter", "later")
                .property("weft.cache.ce:nol1.l1", "false").property("weft.cache.ce:overide.ttl", "1m")
                .classpath(classes, Paths.annotationsJar()).main("app.Broken").start()) {
            Map<String, String> checks = app.checks(Duration.ofSeconds(60));
            assertEquals("1", checks.get("fine.runs"), "the correct method is still cached");
            assertEquals("1", checks.get("spaceText.runs"), "the first claim of a key space is woven");
            assertEquals("1", checks.get("boxed.runs"), "the first claim of a key space is woven");
            for (String apart : List.of("product", "allProducts")) {
                assertEquals("1", checks.get(apart + ".runs"), apart + ": a long renders no \"all\"");
            }
            for (String broken : List.of("unknownParameter", "voidMethod", "badTtl", "badTemplate", "returnInKey",
                    "badPath", "spaceNumber", "boxedNull", "returnInTag", "eachOnAString", "twoEach", "eachNotAMap",
                    "refreshNotShorter", "refreshNegative", "refreshSliding", "refreshSetting", "refreshWithoutL1")) {
                assertEquals("2", checks.get(broken + ".runs"), broken + " must run uncached");
            }
            List<String> errors = app.stderr().stream().filter(l -> l.contains("configuration error")).toList();
            assertError(errors, "app.Broken#unknownParameter", "{nope}");
            assertError(errors, "app.Broken#voidMethod", "void");
            assertError(errors, "app.Broken#badTtl", "5 minutes");
            assertError(errors, "app.Broken#badTemplate", "unclosed");
            assertError(errors, "app.Broken#returnInKey", "{return}");
            assertError(errors, "app.Broken#badPath", "nope");
            assertError(errors, "app.Broken#returnInTag", "{return}");
            assertError(errors, "app.Broken#spaceNumber", "app.Broken#spaceText");
            assertError(errors, "app.Broken#boxedNull", "can render the same keys as the key of app.Broken#boxed,");
            assertError(errors, "app.Broken$Repository#find", "abstract");
            assertError(errors, "app.Broken#eachOnAString", "[*] needs a Collection, Iterable, List, Set");
            assertError(errors, "app.Broken#twoEach", "only one placeholder may end in [*]");
            assertError(errors, "app.Broken#eachNotAMap", "must return a Map");
            assertError(errors, "app.Broken#refreshNotShorter", "refreshAfter (2s) must be shorter than the TTL (2s)");
            assertError(errors, "app.Broken#refreshNegative", "refreshAfter: duration '-1s' must be at least 1ms");
            assertError(errors, "app.Broken#refreshSliding", "refreshAfter and sliding");
            assertError(errors, "app.Broken#refreshSetting", "weft.cache.ce:override.refreshAfter: unparsable duration");
            assertError(errors, "app.Broken#refreshWithoutL1", "refreshAfter in a cache without L1");
            assertEquals(18, errors.size(), String.join("\n", errors));
            assertTrue(app.stderr().stream().anyMatch(l -> l.contains("weft.cache.ce:overide.ttl names no cache")),
                    "a run shorter than the 30 s check is told of a misspelt cache name at its exit\n" + app.transcript());
        }
    }

    @Test
    void strictModeStopsTheJvmAtTheFirstError() throws Exception {
        try (AppJvm app = AppJvm.builder().property("weft.strict", "true").classpath(classes, Paths.annotationsJar())
                .main("app.Broken").start()) {
            assertEquals(78, app.awaitExit(Duration.ofSeconds(60)), app.transcript());
            assertTrue(app.stderr().stream().anyMatch(l -> l.contains("weft.strict=true")), app.transcript());
            assertTrue(app.stdout().stream().noneMatch(l -> l.startsWith("CHECK")), app.transcript());
        }
    }

    @Test
    void malformedSettingsAreReportedAndDefaultsUsed() throws Exception {
        try (AppJvm app = AppJvm.builder().property("weft.ttl", "soon").property("weft.l1.maxSize", "-3")
                .property("weft.http.port", "0").classpath(classes, Paths.annotationsJar()).main("app.Broken", "hold")
                .start()) {
            app.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
            assertEquals("1", app.checksSoFar().get("fine.runs"));
            assertTrue(app.stderr().stream().anyMatch(l -> l.contains("weft.ttl") && l.contains("soon")), app.transcript());
            assertTrue(app.stderr().stream().anyMatch(l -> l.contains("weft.l1.maxSize") && l.contains("-3")),
                    app.transcript());
            assertEquals(10_000, Metrics.value(app, "weft_l1_max_size"), "the default maxSize is in effect");
            assertTrue(app.stderr().stream().anyMatch(l -> l.contains(" started ") && l.contains(" ttl=5m")),
                    "the default ttl is in effect\n" + app.transcript());
        }
    }

    private static void assertError(List<String> errors, String method, String detail) {
        assertTrue(errors.stream().anyMatch(l -> l.contains(method + ":") && l.contains(detail)),
                "expected an error naming " + method + " and '" + detail + "' in\n" + String.join("\n", errors));
    }
}
