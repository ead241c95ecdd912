package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every shape of cached method, woven in a separate JVM, observed through how often method bodies run. */
class WovenMethodsTest {

    private static final Duration RUN = Duration.ofSeconds(60);
    private static Path debugBuild;
    private static Map<String, String> defaultRun;

    @BeforeAll
    static void compile() throws Exception {
        debugBuild = TestApps.compile("shapes", List.of("-g"));
    }

    private static Map<String, String> run(Path classes, UnaryOperator<AppJvm.Builder> options) throws Exception {
        try (AppJvm app = options.apply(AppJvm.builder().classpath(classes, io.weft.it.support.Paths.annotationsJar())
                .main("app.ShapesMain")).start()) {
            return app.checks(RUN);
        }
    }

    /** The scenario with default settings; several tests read different parts of its output. */
    private static synchronized Map<String, String> defaultRun() throws Exception {
        if (defaultRun == null) {
            defaultRun = run(debugBuild, b -> b);
        }
        return defaultRun;
    }

    @Test
    void cachesMethodsOfEveryVisibilityStaticFinalAndSelfInvokedInADebugBuild() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("p7/p7,p7/p7", checks.get("self"));
        assertEquals("1", checks.get("private.runs"));
        assertEquals("1", checks.get("protected.runs"));
        assertEquals("1", checks.get("package.runs"), "package-private");
        assertEquals("1", checks.get("named.runs"));
        assertEquals("1", checks.get("braced.runs"));
        assertEquals("1", checks.get("skipped.runs"), "every package is woven by default");
        assertEquals("10", checks.get("static"));
        assertEquals("1", checks.get("static.runs"));
        assertEquals("1", checks.get("final.runs"));
        assertEquals("2", checks.get("escape.runs"), "keys of different argument lists must differ");
        assertEquals("1|2:3", checks.get("escape.distinct"));
        assertEquals("2", checks.get("owner.runs"), "property paths {owner.name}:{owner.active}");
    }

    /** Six parameters are passed one by one (long, int and double unboxed): each changes the key, the path's too. */
    @Test
    void cachesAMethodOfSixParametersByEachOfThem() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("acme/5000000000/3/12.5/ann/true/1", checks.get("six"), "the second call hit the first's entry");
        assertEquals("4", checks.get("six.runs"));
    }

    /**
     * Five parameters read as they are: their key is made by code generated for the template, found by a call whose
     * string is another object, and evicted by its text rendered from strings (as another instance's event names it).
     */
    @Test
    void cachesAMethodOfFiveParametersByCodeOfItsTemplate() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("acme/5000000000/3/12.5/true/1", checks.get("five"), "the second call hit the first's entry");
        assertEquals("3", checks.get("five.runs"), "true, false, true after the invalidation by its text; false hit");
    }

    /**
     * A list's key is hashed from its elements on a hit and kept as a copy: the caller changing its list after a call
     * makes a new key without changing the kept one; an invalidation by the rendered text evicts it. An instant's
     * likewise, from its fields.
     */
    @Test
    void cachesByAListAndAnInstantAndEvictsThemByTheirTexts() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("[1, 2, 3]/1", checks.get("ids"), "the third call hit the first's entry, whose key kept 1,2,3");
        assertEquals("3", checks.get("ids.runs"), "[1,2,3], [1,2,4], [1,2,3] after the invalidation; [1,2,4] hit");
        assertEquals("2026-12-07T01:02:03.450Z/1", checks.get("since"));
        assertEquals("3", checks.get("since.runs"), "a microsecond later is another key; the invalidation evicts");
    }

    @Test
    void anErrorInTheCachingPathFallsBackToCallingTheMethod() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("body ran,body ran", checks.get("fragile"));
        assertEquals("2", checks.get("fragile.runs"));
    }

    @Test
    void invalidatesKeysPrefixesAndReturnValuesAfterSuccessOrBeforeTheCall() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("1", checks.get("books.runs.cached"));
        assertEquals("Renamed", checks.get("book.title.after.rename"));
        assertEquals("2", checks.get("books.runs.after.rename"));
        assertEquals("3", checks.get("books.runs.after.create"), "{return.userId}");
        assertEquals("4", checks.get("books.runs.after.prefix"));
        assertEquals("write failed after eviction", checks.get("before.exception"));
        assertEquals("5", checks.get("books.runs.after.before"), "beforeInvocation evicts even when the call fails");
        assertEquals("5", checks.get("books.runs.after.failed.after"), "a failed call evicts nothing");
        assertEquals("1", checks.get("both.runs"));
        assertEquals("1", checks.get("books.runs.after.both.hit"), "a hit on a method with both annotations evicts nothing");
    }

    @Test
    void handlesOptionalFuturesNullsExceptionsAndTtl() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("Optional[v-x],Optional[v-x]", checks.get("optional"));
        assertEquals("3", checks.get("optional.runs"), "an empty Optional is not cached without cacheNull");
        assertEquals("Optional.empty,Optional.empty", checks.get("optnull"));
        assertEquals("1", checks.get("optnull.runs"), "cacheNull caches an empty Optional");
        assertEquals("null", checks.get("nullable"));
        assertEquals("1", checks.get("nullable.runs"));
        assertEquals("2", checks.get("notnull.runs"));
        assertEquals("f-k,f-k", checks.get("future"));
        assertEquals("1", checks.get("future.runs"));
        assertEquals("true", checks.get("future.hit.done"), "a hit returns an already completed future");
        assertEquals("true", checks.get("stage.first.failed"));
        assertEquals("st-k", checks.get("stage"), "a failed CompletionStage is not cached");
        assertEquals("true:st-k", checks.get("stage.hit"), "a CompletionStage hit is already completed");
        assertEquals("2", checks.get("stage.runs"));
        assertEquals("2", checks.get("failedfuture.runs"), "failed futures are not cached");
        assertEquals("IllegalArgumentException:first call fails", checks.get("throws.first"));
        assertEquals("ok-k,ok-k", checks.get("throws.second"));
        assertEquals("2", checks.get("throws.runs"), "exceptions are not cached");
        assertEquals("1", checks.get("ttl.runs.fresh"));
        assertEquals("2", checks.get("ttl.runs.expired"), "a ttl=\"1s\" entry expires");
        assertTrue(Long.parseLong(checks.get("ttl.expired.after.ms")) >= 500, checks.get("ttl.expired.after.ms"));
    }

    @Test
    void sixteenConcurrentMissesRunTheMethodOnce() throws Exception {
        Map<String, String> checks = defaultRun();
        assertEquals("1", checks.get("singleflight.runs"));
        assertEquals("[slow-hot-1]", checks.get("singleflight.values"));
    }

    @Test
    void readsNamesFromTheMethodParametersAttributeWithoutDebugInformation() throws Exception {
        Path parametersBuild = TestApps.compile("shapes", List.of("-parameters", "-g:none"));
        Map<String, String> checks = run(parametersBuild, b -> b);
        assertEquals("1", checks.get("private.runs"));
        assertEquals("5", checks.get("books.runs.after.before"));
        assertEquals("1", checks.get("singleflight.runs"));
    }

    /**
     * With Redis and the HTTP server configured, an enabled agent would start its threads (and Lettuce's, all
     * named {@code weft-…}); no thread means no Redis connection either.
     */
    @Test
    void disabledAgentTransformsNothingAndStartsNoThread() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                AppJvm app = AppJvm.builder().property("weft.enabled", "false").property("weft.redis.uri", redis.uri())
                        .property("weft.http.port", "0").classpath(debugBuild, io.weft.it.support.Paths.annotationsJar())
                        .main("app.ShapesMain").start()) {
            Map<String, String> checks = app.checks(RUN);
            assertEquals("[]", checks.get("threads.agent"), "no agent thread");
            assertEquals("4", checks.get("private.runs"));
            assertEquals("2", checks.get("static.runs"));
            assertEquals("16", checks.get("singleflight.runs"));
            assertTrue(app.stderr().stream().noneMatch(line -> line.contains("wove app")), app.transcript());
            assertTrue(app.stderr().stream().anyMatch(line -> line.contains("disabled by weft.enabled=false")));
        }
    }

    @Test
    void includeAndExcludeChooseThePackagesWoven() throws Exception {
        Map<String, String> included = run(debugBuild, b -> b.property("weft.include", "app.skipped"));
        assertEquals("1", included.get("skipped.runs"));
        assertEquals("4", included.get("private.runs"), "app.Catalog is outside weft.include");
        Map<String, String> excluded = run(debugBuild, b -> b.property("weft.exclude", "app.skipped"));
        assertEquals("2", excluded.get("skipped.runs"), "app.skipped is excluded");
        assertEquals("1", excluded.get("private.runs"));
    }

    @Test
    void perCacheSwitchFromTheConfigFileIsOverriddenByTheEnvironment() throws Exception {
        Path file = Files.createTempFile("weft", ".properties");
        Files.writeString(file, "weft.cache.shapes\\:static.enabled=false\nweft.cache.shapes\\:final.enabled=false\n"
                + "weft.cache.shapes-named.enabled=false\nweft.cache.Catalog.braced.enabled=false\n");
        Map<String, String> checks = run(debugBuild, b -> b.property("weft.config", file.toString())
                .env("WEFT_CACHE_SHAPES_FINAL_ENABLED", "true"));
        assertEquals("2", checks.get("static.runs"), "disabled in the file");
        assertEquals("1", checks.get("final.runs"), "the environment beats the file");
        assertEquals("1", checks.get("private.runs"), "other caches stay on");
        assertEquals("2", checks.get("named.runs"), "the name attribute names the cache");
        assertEquals("2", checks.get("braced.runs"), "a key that starts with { names the cache SimpleClassName.method");
    }

    @Test
    void perCacheTtlOverridesTheAnnotation() throws Exception {
        Map<String, String> checks = run(debugBuild, b -> b.agentArgs("weft.cache.shapes:ttl.ttl=1h")
                .property("shapes.ttl.wait.ms", "2500"));
        assertEquals("1", checks.get("ttl.runs.expired"), "ttl=1h from the agent arguments outlives the annotation's 1s");
    }

    @Test
    void unknownSettingsAreWarnedAndTheStartupLineShowsTheSettings() throws Exception {
        try (AppJvm app = AppJvm.builder().property("weft.l1.maxsize", "5").property("weft.l1.maxSize", "500")
                .classpath(debugBuild, io.weft.it.support.Paths.annotationsJar()).main("app.ShapesMain").start()) {
            app.checks(RUN);
            List<String> err = app.stderr();
            assertTrue(err.stream().anyMatch(l -> l.contains("unknown setting weft.l1.maxsize")), app.transcript());
            assertFalse(err.stream().anyMatch(l -> l.contains("unknown setting weft.l1.maxSize")), app.transcript());
            assertTrue(err.stream().anyMatch(l -> l.contains("started") && l.contains("L1 maxSize=500")), app.transcript());
            assertTrue(err.stream().anyMatch(l -> l.contains("wove app.Catalog")), app.transcript());
        }
    }
}
