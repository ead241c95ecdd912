package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.keys.Template;
import io.weft.agent.testing.LogCapture;
import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Attributes of an annotation that {@link MethodPlanner} reports as configuration errors (SPEC §7). */
class MethodPlannerTest {

    private final MethodTable methods = new MethodTable();
    private final MethodPlanner planner = new MethodPlanner(new WeftConfig(ConfigSources.of(Map.of(), Map.of())),
            methods, new CacheRegistry(), new LoaderScopes());

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

    static class Evictions {

        @InvalidateCache(keys = "book:{id}")
        void after(String id) {
        }

        @InvalidateCache(keys = "book:{id}", beforeInvocation = true)
        void before(String id) {
        }
    }

    /** SPEC §2: {@code beforeInvocation} evicts before the body (so also when it throws); by default after it returns. */
    @Test
    void beforeInvocationChoosesTheAdviceThatEvictsFirst() throws IOException, ConfigurationError {
        AnnotatedClass type = read(Evictions.class);
        for (AnnotatedMethod method : type.methods()) {
            MethodPlanner.Plan plan = planner.plan(type, method, getClass().getClassLoader());
            assertEquals(method.name().equals("before") ? Advice.INVALIDATE_BEFORE : Advice.INVALIDATE_AFTER, plan.advice,
                    method.name());
        }
    }

    static class Refreshing {

        @CacheResult(key = "voices:{id}", ttl = "1m", refreshAfter = "10s")
        String voices(String id) {
            return id;
        }
    }

    /**
     * SPEC §12: reloads start from L1 hits, so {@code refreshAfter} with no L1 at all ({@code weft.l1.maxSize=0}) is a
     * configuration error, as in a cache without L1; before, it was woven and never reloaded, silently.
     */
    @Test
    void refreshAfterWithNoL1AtAllIsAConfigurationError() throws IOException {
        AnnotatedClass type = read(Refreshing.class);
        MethodPlanner noL1 = new MethodPlanner(new WeftConfig(ConfigSources.of(Map.of("weft.l1.maxSize", "0"),
                Map.of())), new MethodTable(), new CacheRegistry(), new LoaderScopes());
        ConfigurationError e = assertThrows(ConfigurationError.class,
                () -> noL1.plan(type, type.methods().get(0), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("refreshAfter in a cache without L1") && e.getMessage().contains(
                "weft.l1.maxSize=0"), e.getMessage());
        assertDoesNotThrow(() -> planner.plan(type, type.methods().get(0), getClass().getClassLoader()));
    }

    /**
     * SPEC §4 with §12: a {@code weft.cache.<name>.ttl} not longer than the method's {@code refreshAfter} leaves the
     * method unwoven, and the setting still names a cache: it is not reported as a typo as well.
     */
    @Test
    void aSettingThatLeavesItsMethodUnwovenNamesACacheAllTheSame() throws IOException {
        AnnotatedClass type = read(Refreshing.class);
        WeftConfig config = new WeftConfig(ConfigSources.of(Map.of("weft.cache.voices.ttl", "5s"), Map.of()));
        CacheRegistry caches = new CacheRegistry();
        MethodPlanner shortTtl = new MethodPlanner(config, new MethodTable(), caches, new LoaderScopes());
        ConfigurationError e = assertThrows(ConfigurationError.class,
                () -> shortTtl.plan(type, type.methods().get(0), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("must be shorter than the TTL (5s)"), e.getMessage());

        assertTrue(caches.isNamed("voices"), "weft.cache.voices.* is not reported as a typo (UnusedCacheSettingsTest)");
        assertEquals(null, caches.find("voices"), "no cache, no metrics: its method is not woven");
    }

    /** A generic DAO, as legacy services have them. */
    abstract static class Repo<T> {

        @CacheResult(key = "repo:{id}")
        T find(String id) {
            return null;
        }

        @CacheResult(key = "repos:{id}")
        Optional<List<T>> all(String id) {
            return Optional.empty();
        }

        @CacheResult(key = "names:{id}")
        String name(String id) {
            return id;
        }
    }

    /** SPEC §5, §7: values whose declared type names a type variable are kept in L1, warned about when woven. */
    @Test
    void valuesOfATypeVariableAreKeptInL1WithAWarning() throws IOException, ConfigurationError {
        String text = warningsPlanning(Repo.class);
        assertTrue(text.contains("values of " + Repo.class.getName() + "#find are cached in L1 only: their declared"
                + " type T names a type variable"), text);
        assertTrue(text.contains("values of " + Repo.class.getName() + "#all are cached in L1 only: their declared"
                + " type java.util.List<T> names a type variable"), text);
        assertFalse(text.contains("#name are cached in L1 only"), text);
    }

    /** What planning every annotated method of {@code type} logs. */
    private String warningsPlanning(Class<?> type) throws IOException, ConfigurationError {
        AnnotatedClass annotated = read(type);
        try (LogCapture log = new LogCapture()) {
            for (AnnotatedMethod method : annotated.methods()) {
                planner.plan(annotated, method, getClass().getClassLoader());
            }
            return log.text();
        }
    }

    /** A legacy lookup that declares {@code Object}: its callers cast what it returns. */
    static class Lookups {

        @CacheResult(key = "lookup:{id}")
        Object find(String id) {
            return null;
        }

        @CacheResult(key = "lookups:{id}")
        CompletableFuture<Object> later(String id) {
            return null;
        }

        @CacheResult(key = "props:{id}")
        Map<String, Object> props(String id) {
            return null;
        }
    }

    /**
     * SPEC §5, §7: values declared {@code Object} are kept in L1, warned about when woven: read back from the shared
     * level as {@code Object} they would be {@code LinkedHashMap}s, and the caller's cast would throw.
     */
    @Test
    void valuesDeclaredObjectAreKeptInL1WithAWarning() throws IOException, ConfigurationError {
        String text = warningsPlanning(Lookups.class);
        for (String method : List.of("find", "later")) {
            assertTrue(text.contains("values of " + Lookups.class.getName() + "#" + method + " are cached in L1 only:"
                    + " their declared type java.lang.Object names no class"), text);
        }
        assertFalse(text.contains("#props are cached in L1 only"), "a Map is read back as a Map: " + text);
    }

    /** Version 1 of a web application caches books under {@code book:{id}}. */
    static class BooksV1 {

        @CacheResult(key = "book:{id}")
        String find(String id) {
            return id;
        }
    }

    /** Version 2 moved the key to another class, and caches another type under it. */
    static class CatalogV2 {

        @CacheResult(key = "book:{id}")
        Integer find(String id) {
            return id.length();
        }
    }

    /** A web application's class loader (its classes are found through the test's). */
    private static URLClassLoader application(String name) {
        return new URLClassLoader(name, new URL[0], MethodPlannerTest.class.getClassLoader());
    }

    /**
     * SPEC §10: version 2 of an application may cache another type under a key of version 1 at once, while version 1's
     * loader is not collected yet (a redeploy, right after the undeploy). Before, version 1's key spaces were kept
     * until then, or for good: version 2 was left unwoven (and weft.strict=true halted the JVM, with every other
     * application of the server). Within one loader, the two methods still conflict.
     */
    @Test
    void aRedeployMayCacheAnotherTypeUnderAKeyOfTheVersionItReplaces() throws IOException {
        AnnotatedClass v1 = read(BooksV1.class);
        AnnotatedClass v2 = read(CatalogV2.class);
        try (URLClassLoader first = application("v1"); URLClassLoader second = application("v2")) {
            assertDoesNotThrow(() -> planner.plan(v1, v1.methods().get(0), first));
            assertDoesNotThrow(() -> planner.plan(v2, v2.methods().get(0), second));
            ConfigurationError e = assertThrows(ConfigurationError.class,
                    () -> planner.plan(v2, v2.methods().get(0), first), "one application caching two types under a key");
            assertTrue(e.getMessage().contains(BooksV1.class.getName() + "#find"), e.getMessage());
        }
    }

    /**
     * Legacy services' pairs: a method caching one entity by a key with a placeholder, one caching a list under a fixed
     * key that starts alike. Their key spaces overlap only when the placeholder's type can render the fixed text.
     */
    static class Products {

        @CacheResult(key = "product:{id}")
        String product(long id) {
            return "p" + id;
        }

        @CacheResult(key = "product:all")
        List<String> all() {
            return List.of();
        }

        @CacheResult(key = "user:{id}")
        String user(java.util.UUID id) {
            return "u" + id;
        }

        @CacheResult(key = "user:all")
        List<String> users() {
            return List.of();
        }

        @CacheResult(key = "boxed:{id}")
        String boxed(Long id) {
            return "b" + id;
        }

        @CacheResult(key = "boxed:null")
        List<String> boxedNull() {
            return List.of();
        }

        @CacheResult(key = "text:{id}")
        String text(String id) {
            return "t" + id;
        }

        @CacheResult(key = "text:all")
        List<String> texts() {
            return List.of();
        }
    }

    /**
     * A {@code long} renders only {@code -} and digits, a UUID lowercase hex digits and {@code -}, a {@code Long} or a
     * UUID also {@code null}, a string anything: two such methods are both woven unless one's placeholder can render
     * the other's key ({@code KeySpacesTest} has the other types). Before, each placeholder counted as any text:
     * {@code product:{id}} of a {@code long} and {@code product:all} were refused.
     */
    @ParameterizedTest(name = "{0} then {1}: conflict {2}")
    @CsvSource(delimiter = '|', value = {
        "product|all|false", "all|product|false", "user|users|false", "boxed|boxedNull|true", "boxedNull|boxed|true",
        "text|texts|true"})
    void keySpacesOverlapOnlyWhereAPlaceholdersTypeCanRenderTheOtherKey(String first, String second, boolean conflict)
            throws IOException {
        AnnotatedClass type = read(Products.class);
        try (URLClassLoader application = application("products")) {
            assertDoesNotThrow(() -> planner.plan(type, method(type, first), application));
            if (conflict) {
                ConfigurationError e = assertThrows(ConfigurationError.class,
                        () -> planner.plan(type, method(type, second), application));
                assertTrue(e.getMessage().contains("can render the same keys as the key of " + Products.class.getName()
                        + "#" + first), e.getMessage());
            } else {
                assertDoesNotThrow(() -> planner.plan(type, method(type, second), application));
            }
        }
    }

    private static AnnotatedMethod method(AnnotatedClass type, String name) {
        return type.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    /** A class woven again (retransformed) keeps its methods' ids: it registers nothing more. */
    @Test
    void aMethodWovenAgainKeepsItsId() throws Exception {
        AnnotatedClass type = read(BooksV1.class);
        ClassLoader loader = getClass().getClassLoader();
        int id = planner.plan(type, type.methods().get(0), loader).id;
        assertEquals(id, planner.plan(type, type.methods().get(0), loader).id);
        assertEquals(1, methods.size());
    }

    /** Keys whose literal head is one of Weft's own Redis names, whatever the arguments. */
    static class ReservedKeys {

        @CacheResult(key = "events:{id}")
        String find(String id) {
            return id;
        }

        @InvalidateCache(keys = "weft-tag:{id}")
        void save(String id) {
        }

        @CacheResult(key = "file:{path}")
        String read(String path) {
            return path;
        }
    }

    /** Such a method is woven (its keys are cached in L1 only), with one warning naming it and its template. */
    @Test
    void aTemplateWhoseKeysAreAllWeftsOwnNamesIsWarnedAboutWhenWovenNotAnError() throws IOException {
        AnnotatedClass type = read(ReservedKeys.class);
        String log;
        try (LogCapture capture = new LogCapture()) {
            for (AnnotatedMethod method : type.methods()) {
                assertDoesNotThrow(() -> planner.plan(type, method, getClass().getClassLoader()), method.name());
            }
            log = capture.text();
        }
        String owner = ReservedKeys.class.getName();
        assertTrue(log.contains(owner + "#find: the keys of template 'events:{id}' are Weft's own Redis names (events:,"
                + " weft-tag:, weft-warm:, :weft-lease); they are cached in L1 only"), log);
        assertTrue(log.contains(owner + "#save: the keys of template 'weft-tag:{id}' are Weft's own Redis names"), log);
        assertTrue(!log.contains(owner + "#read"), "a key only some arguments make reserved is checked per call: " + log);
        assertEquals(3, methods.size());
    }

    /** A future class of an application's own, and futures of other kinds than the two SPEC §5 names. */
    static class OwnFuture<T> extends CompletableFuture<T> {
    }

    static class OwnFutureOfOwnFuture<T> extends OwnFuture<T> {
    }

    interface Promise<T> extends CompletionStage<T> {
    }

    /** Cached methods declaring each kind of future, and one that evicts. */
    static class Futures {

        @CacheResult(key = "future:sub:{id}")
        OwnFuture<String> subclass(String id) {
            return new OwnFuture<>();
        }

        @CacheResult(key = "future:subsub:{id}")
        OwnFutureOfOwnFuture<String> subclassOfASubclass(String id) {
            return new OwnFutureOfOwnFuture<>();
        }

        @CacheResult(key = "future:promise:{id}")
        Promise<String> anotherStage(String id) {
            return null;
        }

        @CacheResult(key = "future:completable:{id}")
        CompletableFuture<String> completable(String id) {
            return new OwnFuture<>();
        }

        @CacheResult(key = "future:stage:{id}")
        CompletionStage<String> stage(String id) {
            return new OwnFuture<>();
        }

        @InvalidateCache(keys = "future:sub:{id}")
        OwnFuture<String> save(String id) {
            return new OwnFuture<>();
        }
    }

    /** A Redis Cluster hash tag in a key without {@code name}. */
    static class HashTagged {

        @CacheResult(key = "session:{{{userId}}}:data")
        String find(String userId) {
            return userId;
        }
    }

    /**
     * SPEC §5, §7: a method declaring another CompletionStage type than CompletableFuture and CompletionStage could not
     * be handed one of its type on a hit: a configuration error naming it, rather than its future object cached (a
     * failed or unfinished one handed to every caller, and JSON that Redis gives back as a future that never
     * completes). The two are planned, as is an invalidation after such a method (at its return, as for them).
     */
    @Test
    void aCachedMethodDeclaringAnotherFutureTypeIsAConfigurationErrorNamingIt() throws IOException {
        AnnotatedClass type = read(Futures.class);
        ClassLoader loader = getClass().getClassLoader();
        for (AnnotatedMethod method : type.methods()) {
            String returned = Type.getReturnType(method.descriptor()).getClassName();
            if (List.of("subclass", "subclassOfASubclass", "anotherStage").contains(method.name())) {
                ConfigurationError e = assertThrows(ConfigurationError.class, () -> planner.plan(type, method, loader),
                        method.name());
                assertEquals(Futures.class.getName() + "#" + method.name() + ": @CacheResult on a method returning "
                        + returned + ", a CompletionStage other than CompletableFuture and CompletionStage themselves:"
                        + " Weft could not return an instance of " + returned + " on a hit; declare the method"
                        + " CompletableFuture<…> or CompletionStage<…> (its body may still return instances of "
                        + returned + ")", e.getMessage());
            } else {
                assertDoesNotThrow(() -> planner.plan(type, method, loader), method.name());
            }
        }
        assertEquals(3, methods.size(), "completable, stage and save are planned; nothing of the others is registered");
    }

    /**
     * SPEC §2: the default name is the key's literal text before its first {@code {}, be it a placeholder's or an
     * escaped brace's ({@code {{}, SPEC §3); a key that starts with {@code {} is named {@code Class.method}. Before,
     * the name ran to the first placeholder, escaped braces unescaped: {@code k:lit:{x}}, and {@code session:{} for a
     * hash tag.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "storybook:books:{userId}|storybook:books", "k:lit:{{x}}:{s}|k:lit", "session:{{{userId}}}:data|session",
        "{{tenant}}:books:{id}|HashTagged.find", "{id}:books|HashTagged.find", "a}}b:{id}|a}b",
        "tts:voices|tts:voices", "json:{{x}}|json"})
    void theDefaultNameEndsBeforeTheKeysFirstBraceEvenAnEscapedOne(String key, String name) throws IOException {
        AnnotatedClass type = read(HashTagged.class);
        assertEquals(name, MethodPlanner.defaultName(type, type.methods().get(0), Template.parse(key)));
    }

    @Test
    void aMethodWithoutANameGetsItsCacheTheDefaultName() throws Exception {
        AnnotatedClass type = read(HashTagged.class);
        CacheRegistry caches = new CacheRegistry();
        new MethodPlanner(new WeftConfig(ConfigSources.of(Map.of(), Map.of())), new MethodTable(), caches,
                new LoaderScopes()).plan(type, type.methods().get(0), getClass().getClassLoader());
        List<String> names = new ArrayList<>();
        caches.caches().forEach(cache -> names.add(cache.name()));
        assertEquals(List.of("session"), names);
    }

    private static AnnotatedClass read(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            return AnnotatedClass.read(in.readAllBytes());
        }
    }
}
