package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.annotations.CacheResult;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import org.junit.jupiter.api.Test;

/** Which loaded classes an attach retransforms, in batches, and how a failing batch is carried on. */
class LoadedClassesTest {

    private final CandidateFilter filter = new CandidateFilter(new WeftConfig(ConfigSources.of(Map.of(), Map.of())),
            () -> null);
    private final List<List<String>> calls = new ArrayList<>();

    /** Classes in a fresh loader, outside the agent's packages, half of them using {@code @CacheResult}. */
    private List<Class<?>> classes(int count, boolean annotated) {
        List<Class<?>> types = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var builder = new ByteBuddy().subclass(Object.class).name("com.example.app.Service" + (annotated ? "A" : "P") + i)
                    .defineMethod("find", String.class, Visibility.PUBLIC).intercept(FixedValue.value("x"));
            types.add((annotated ? builder.annotateMethod(cacheResult()) : builder)
                    .make().load(getClass().getClassLoader(), ClassLoadingStrategy.Default.WRAPPER).getLoaded());
        }
        return types;
    }

    @CacheResult(key = "k")
    private static void annotatedForReflection() {
    }

    private static CacheResult cacheResult() {
        try {
            return LoadedClassesTest.class.getDeclaredMethod("annotatedForReflection").getAnnotation(CacheResult.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private Instrumentation instrumentation(String failing) {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isModifiableClass":
                            return true;
                        case "retransformClasses":
                            Class<?>[] batch = (Class<?>[]) args[0];
                            List<String> names = Arrays.stream(batch).map(Class::getSimpleName).collect(
                                    java.util.stream.Collectors.toList());
                            calls.add(names);
                            if (names.contains(failing)) {
                                throw new UnmodifiableClassException(failing);
                            }
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @Test
    void onlyClassesUsingWeftAnnotationsAreRetransformedInBatches() {
        List<Class<?>> loaded = new ArrayList<>(classes(60, true));
        loaded.addAll(classes(5, false));
        loaded.add(String.class);
        loaded.add(LoadedClassesTest.class); // the agent's own packages are never woven

        LoadedClasses.Result result = LoadedClasses.weave(instrumentation("none"), filter, loaded.toArray(new Class<?>[0]));

        assertEquals(60, result.candidates);
        assertEquals(0, result.failed);
        assertEquals(2, calls.size());
        assertEquals(LoadedClasses.BATCH, calls.get(0).size());
        assertEquals(10, calls.get(1).size());
        assertTrue(calls.stream().flatMap(List::stream).allMatch(name -> name.startsWith("ServiceA")));
    }

    @Test
    void aFailingBatchIsRetriedClassByClassAndTheRestIsWoven() {
        List<Class<?>> loaded = classes(3, true);
        LoadedClasses.Result result = LoadedClasses.weave(instrumentation("ServiceA1"), filter,
                loaded.toArray(new Class<?>[0]));
        assertEquals(3, result.candidates);
        assertEquals(1, result.failed);
        assertEquals(List.of(List.of("ServiceA0", "ServiceA1", "ServiceA2"), List.of("ServiceA0"), List.of("ServiceA1"),
                List.of("ServiceA2")), calls);
    }

    @Test
    void theMarkerIsFoundInClassFileBytes() {
        assertTrue(CandidateFilter.refersToWeftAnnotations("xxLio/weft/annotations/CacheResult;".getBytes()));
        assertFalse(CandidateFilter.refersToWeftAnnotations("Lio/weft/annotation".getBytes()));
    }
}
