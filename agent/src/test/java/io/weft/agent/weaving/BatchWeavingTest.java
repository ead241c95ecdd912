package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.CacheRuntime;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch methods (SPEC §13) planned by {@link MethodPlanner}, woven, defined by their own loader (so the JVM verifies
 * them) and run against the L1 of a real {@link CacheRuntime}: the body is called once with exactly the missing
 * elements, in the declared kind and the caller's order, and shares its entries with the single-element method.
 */
class BatchWeavingTest {

    private final MethodTable methods = new MethodTable();
    private final CacheRegistry caches = new CacheRegistry();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 10_000, TimeUnit.HOURS.toNanos(1),
            Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
    private final MethodPlanner planner = new MethodPlanner(new WeftConfig(ConfigSources.of(Map.of(), Map.of())),
            methods, caches, scopes);
    private Object subject;

    @BeforeEach
    void weave() throws Exception {
        Dispatch.install(runtime);
        subject = define(woven(BatchSubject.class)).getConstructor().newInstance();
    }

    @AfterEach
    void uninstall() {
        Dispatch.install(null);
    }

    private byte[] woven(Class<?> type) throws IOException, ConfigurationError {
        byte[] bytes = bytes(type);
        Map<String, MethodPlanner.Plan> plans = new HashMap<>();
        AnnotatedClass description = AnnotatedClass.read(bytes);
        for (AnnotatedMethod method : description.methods()) {
            plans.put(method.name() + method.descriptor(), planner.plan(description, method, getClass().getClassLoader()));
        }
        return TypeWeaver.weave(bytes, plans);
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Class<?> define(byte[] classFile) throws ClassNotFoundException {
        String name = BatchSubject.class.getName();
        ClassLoader loader = new ClassLoader(BatchWeavingTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(name)) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> loaded = findLoadedClass(className);
                        return loaded != null ? loaded : defineClass(className, classFile, 0, classFile.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        };
        return Class.forName(name, true, loader);
    }

    private Object call(String name, Object... args) throws Throwable {
        for (Method method : subject.getClass().getMethods()) {
            if (method.getName().equals(name)) {
                try {
                    return method.invoke(java.lang.reflect.Modifier.isStatic(method.getModifiers()) ? null : subject,
                            args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    @SuppressWarnings("unchecked")
    private List<Object> calls() throws ReflectiveOperationException {
        return (List<Object>) subject.getClass().getField("calls").get(subject);
    }

    private static Map<String, Integer> prices(Object... skuPrice) {
        Map<String, Integer> prices = new LinkedHashMap<>();
        for (int i = 0; i < skuPrice.length; i += 2) {
            prices.put((String) skuPrice[i], (Integer) skuPrice[i + 1]);
        }
        return prices;
    }

    private static List<String> order(Object map) {
        return new ArrayList<>(((Map<String, ?>) map).keySet());
    }

    private CacheStats stats() {
        return caches.find("price").stats();
    }

    @Test
    void theBodyGetsExactlyTheMissingElementsOnceInTheCallersOrderAndTheResultMergesBoth() throws Throwable {
        assertEquals(2, call("price", "bb"));
        calls().clear();

        Object merged = call("prices", List.of("dddd", "bb", "a", "dddd", "ccc"));

        assertEquals(List.of(List.of("dddd", "a", "ccc")), calls(), "one call, the cached element left out, no duplicate");
        assertInstanceOf(ArrayList.class, calls().get(0));
        assertEquals(prices("dddd", 4, "bb", 2, "a", 1, "ccc", 3), merged);
        assertEquals(List.of("dddd", "bb", "a", "ccc"), order(merged), "the caller's order");
        assertEquals(1, stats().batchCalls());
        assertEquals(1, stats().batchL1Elements());
        assertEquals(3, stats().batchLoadedElements());
    }

    @Test
    void aFullyCachedBatchCallsNothingAndTheSingleMethodHitsWhatTheBatchLoaded() throws Throwable {
        call("prices", List.of("a", "bb"));
        calls().clear();

        Object merged = call("prices", List.of("bb", "a", "bb"));

        assertEquals(prices("bb", 2, "a", 1), merged);
        assertEquals(List.of("bb", "a"), order(merged));
        assertEquals(1, call("price", "a"), "the batch's entry, as the single-element method reads it");
        assertEquals(List.of(), calls(), "neither body ran");
    }

    @Test
    void aSetStaysAnOrderedSetAndAnArrayAnArrayOfItsType() throws Throwable {
        call("price", "a");
        calls().clear();

        call("pricesOfSet", new LinkedHashSet<>(List.of("ccc", "a", "bb")));
        Object array = call("pricesOfArray", (Object) new String[] {"dddd", "bb", "eeeee"});

        assertInstanceOf(LinkedHashSet.class, calls().get(0));
        assertEquals(List.of("ccc", "bb"), new ArrayList<>((java.util.Set<?>) calls().get(0)));
        assertArrayEquals(new String[] {"dddd", "eeeee"}, (String[]) calls().get(1));
        assertEquals(List.of("dddd", "bb", "eeeee"), order(array));
    }

    /** SPEC §13: a sorted set gets a sorted set of the caller's comparator, a queue a queue. */
    @Test
    void aSortedSetStaysSortedByItsComparatorAndAQueueAQueue() throws Throwable {
        call("price", "a");
        calls().clear();
        java.util.TreeSet<String> reversed = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
        reversed.addAll(List.of("a", "bb", "ccc"));

        Object sorted = call("pricesOfSortedSet", reversed);
        call("pricesOfQueue", new java.util.ArrayDeque<>(List.of("dddd", "a")));

        assertInstanceOf(java.util.TreeSet.class, calls().get(0));
        assertEquals(List.of("ccc", "bb"), new ArrayList<>((java.util.Set<?>) calls().get(0)));
        assertEquals(List.of("ccc", "bb", "a"), order(sorted));
        assertInstanceOf(java.util.Queue.class, calls().get(1));
        assertEquals(List.of("dddd"), new ArrayList<>((java.util.Collection<?>) calls().get(1)));
    }

    @Test
    void aWideParameterBeforeTheBatchOneAndItsOtherPlaceholder() throws Throwable {
        assertEquals(prices("a", 15, "bb", 16), call("regional", 7L, List.of("a", "bb")));
        assertEquals(prices("bb", 16, "ccc", 17), call("regional", 7L, List.of("bb", "ccc")));
        assertEquals(prices("bb", 4), call("regional", 1L, List.of("bb")));
        assertEquals(List.of(List.of("a", "bb"), List.of("ccc"), List.of("bb")), calls());
    }

    @Test
    void elementsMissingFromTheMethodsMapFollowCacheNull() throws Throwable {
        assertEquals(prices("a", 1), call("prices", List.of("none1", "a")));
        assertEquals(prices("a", 1), call("prices", List.of("none1", "a")));
        assertEquals(prices("bb", 2), call("pricesOrNone", List.of("none2", "bb")));
        assertEquals(prices("bb", 2), call("pricesOrNone", List.of("none2", "bb")));

        assertEquals(List.of(List.of("none1", "a"), List.of("none1"), List.of("none2", "bb")), calls(),
                "none1 is loaded again, none2 is cached as absent");
    }

    @Test
    void invalidatingEachElementEvictsEveryOneOfThem() throws Throwable {
        call("prices", List.of("a", "bb", "ccc"));
        call("reprice", List.of("a", "ccc"));
        calls().clear();

        assertEquals(prices("a", 101, "bb", 2, "ccc", 103), call("prices", List.of("a", "bb", "ccc")));
        assertEquals(List.of(List.of("a", "ccc")), calls());
    }

    /** SPEC §5: a batch method that also carries {@code @InvalidateCache} invalidates when its body runs, not on a hit. */
    @Test
    void aBatchMethodThatAlsoInvalidatesDoesSoWhenItsBodyRunsOnly() throws Throwable {
        call("prices", List.of("a", "bb"));
        call("restock", List.of("a"));
        calls().clear();
        assertEquals(prices("a", 101, "bb", 2), call("prices", List.of("a", "bb")), "the restock evicted price:a");
        assertEquals(List.of(List.of("a")), calls());

        assertEquals(Map.of("a", 101), call("restock", List.of("a")), "a hit: the body does not run");
        assertEquals(prices("a", 101, "bb", 2), call("prices", List.of("a", "bb")));
        assertEquals(List.of(List.of("a")), calls(), "nor does it invalidate: both prices are still cached");
    }

    @Test
    void aThrowingBodyPropagatesAndLeavesNoLoadBehind() throws Throwable {
        call("price", "a");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> call("failing", List.of("a", "bb")));
        assertEquals("the price service is down", e.getMessage());
        assertEquals(List.of("a", List.of("bb")), calls());
        assertEquals(0, runtime.loadsInFlight());
        assertEquals(1, stats().loadFailures());
        assertEquals(prices("a", 1, "bb", 2), call("prices", List.of("a", "bb")));
    }

    @Test
    void aBatchJoinsTheLoadOfAnElementThatAnotherCallHasInFlight() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        subject.getClass().getField("hold").set(subject, release);
        CompletableFuture<Object> single = new CompletableFuture<>();
        Thread singleCaller = caller(() -> single.complete(call("price", "bb")));
        // the body holds on the latch (it read it before the next line takes it away for the batch's own load)
        Await.until("the single-element load is held in its body", () -> singleCaller.getState() == Thread.State.TIMED_WAITING);
        subject.getClass().getField("hold").set(subject, null);
        CompletableFuture<Object> batch = new CompletableFuture<>();
        Thread batchCaller = caller(() -> batch.complete(call("prices", List.of("a", "bb"))));
        Await.until("the batch waits for that load", () -> batchCaller.getState() == Thread.State.TIMED_WAITING);
        release.countDown();

        assertEquals(prices("a", 1, "bb", 2), batch.get(10, TimeUnit.SECONDS));
        assertEquals(2, single.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("bb", List.of("a")), calls(), "bb loaded once, by the single-element call");
        assertEquals(1, stats().batchJoinedElements());
    }

    @Test
    void overlappingBatchesAndSingleCallsLoadEachElementOnce() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        subject.getClass().getField("holdBatch").set(subject, release);
        Thread first = caller(() -> call("prices", List.of("a", "bb")));
        Await.until("the first batch's load of a and bb is held in its body", () -> first.getState() == Thread.State.TIMED_WAITING);
        subject.getClass().getField("holdBatch").set(subject, null);
        CompletableFuture<Object> second = new CompletableFuture<>();
        Thread overlapping = caller(() -> second.complete(call("prices", List.of("bb", "ccc"))));
        CompletableFuture<Object> single = new CompletableFuture<>();
        Thread singleCaller = caller(() -> single.complete(call("price", "a")));
        Await.until("both wait for the first batch", () -> overlapping.getState() == Thread.State.TIMED_WAITING
                && singleCaller.getState() == Thread.State.TIMED_WAITING);
        release.countDown();

        assertEquals(prices("bb", 2, "ccc", 3), second.get(10, TimeUnit.SECONDS));
        assertEquals(1, single.get(10, TimeUnit.SECONDS));
        first.join(10_000);
        assertEquals(List.of(List.of("a", "bb"), List.of("ccc")), calls(), "bb loaded once, a once");
    }

    @Test
    void aStaticBatchMethodReadsItsArgumentFromSlotZero() throws Throwable {
        assertEquals(prices("a", -1, "bb", -2), call("staticPrices", (Object) new String[] {"a", "bb"}));
        assertEquals(prices("bb", -2, "ccc", -3), call("staticPrices", (Object) new String[] {"bb", "ccc"}));
        assertEquals(-3, call("price", "ccc"), "the static method's entry, shared");
    }

    /** Starts a thread making one call; what it throws fails the test when its result is awaited. */
    private Thread caller(ThrowingCall call) {
        Thread thread = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        thread.start();
        return thread;
    }

    private interface ThrowingCall {
        void run() throws Throwable;
    }

    @Test
    void batchConfigurationErrorsNameTheMethodAndTheProblem() throws Exception {
        byte[] bytes = bytes(BadBatchSubject.class);
        AnnotatedClass type = AnnotatedClass.read(bytes);
        Map<String, String> expected = Map.of(
                "notACollection", "declared as java.lang.String",
                "twoEach", "only one placeholder may end in [*]",
                "notAMap", "must return a Map",
                "eachTag", "@CacheResult(tags) is not supported on batch methods",
                "sliding", "@CacheResult(sliding) is not supported on batch methods",
                "eachPrefix", "only supported in @CacheResult(key) and @InvalidateCache(keys)",
                "eachTagOnASingleMethod", "only supported in @CacheResult(key) and @InvalidateCache(keys)");
        assertEquals(expected.keySet(), type.methods().stream().map(AnnotatedMethod::name).collect(Collectors.toSet()));
        for (AnnotatedMethod method : type.methods()) {
            ConfigurationError e = assertThrows(ConfigurationError.class,
                    () -> planner.plan(type, method, getClass().getClassLoader()), method.name());
            assertTrue(e.getMessage().startsWith(BadBatchSubject.class.getName() + "#" + method.name() + ": "),
                    e.getMessage());
            assertTrue(e.getMessage().contains(expected.get(method.name())), e.getMessage());
        }
    }
}
