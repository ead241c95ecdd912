package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Class files read with ASM, checked against what reflection says of the same classes. */
class ClassFileReaderTest {

    @SuppressWarnings("unused")
    abstract static class Shapes<K, V extends Number> {
        @CacheResult(key = "k:{id}", ttl = "5m", cacheNull = true)
        abstract String plain(String id, long version, double[] weights);

        @InvalidateCache(keys = {"a:{0}", "b:{0}"}, beforeInvocation = true)
        abstract List<String> list(int page);

        abstract Map.Entry<K, ? extends V> entry();

        abstract Optional<List<? super Integer>> optional();

        abstract CompletableFuture<V[]> future();

        abstract List<?>[] wildcards();

        abstract <T extends Comparable<T>> T variable();

        abstract Outer<String>.Inner<Integer> inner();

        abstract int primitive();

        abstract String[][] array();
    }

    @SuppressWarnings("unused")
    static class Outer<A> {
        class Inner<B> {
        }
    }

    private static final ClassFile SHAPES = read(Shapes.class);

    @Test
    void namesGenericReturnTypesAsReflectionDoes() {
        for (Method method : Shapes.class.getDeclaredMethods()) {
            ClassFile.Method read = method(method.getName());
            assertEquals(method.getGenericReturnType().getTypeName(),
                    GenericTypeName.ofReturn(read.descriptor, read.signature).name(), method.getName());
        }
    }

    @Test
    void namesTheFirstTypeArgumentOfParameterizedTypesOnly() {
        assertEquals("java.util.List<? super java.lang.Integer>", firstArgument("optional"));
        assertEquals("V[]", firstArgument("future"));
        assertEquals("java.lang.String", firstArgument("list"));
        assertEquals("java.lang.Integer", firstArgument("inner"));
        assertNull(firstArgument("plain"));
        assertNull(firstArgument("wildcards"));
        assertNull(firstArgument("primitive"));
    }

    @Test
    void readsWeftAnnotationsWithoutLoadingThem() {
        AnnotationValues cacheResult = method("plain").annotation(MethodPlanner.CACHE_RESULT);
        assertEquals("k:{id}", cacheResult.string("key", ""));
        assertEquals("5m", cacheResult.string("ttl", ""));
        assertEquals("", cacheResult.string("name", ""), "an attribute left out takes the caller's default");
        assertEquals(true, cacheResult.bool("cacheNull", false));
        AnnotationValues invalidate = method("list").annotation(MethodPlanner.INVALIDATE_CACHE);
        assertArrayEquals(new String[] {"a:{0}", "b:{0}"}, invalidate.strings("keys"));
        assertArrayEquals(new String[0], invalidate.strings("prefixes"));
        assertEquals(true, invalidate.bool("beforeInvocation", false));
        assertNull(method("list").annotation(MethodPlanner.CACHE_RESULT));
        assertNull(method("entry").annotation(MethodPlanner.CACHE_RESULT));
    }

    @Test
    void readsParameterNamesFromTheLocalVariableTable() throws Exception {
        ClassFile fixture = read(WovenFixture.class);
        ClassFile.Method text = fixture.methods.stream().filter(m -> m.name.equals("text")).findFirst().orElseThrow();
        assertEquals(List.of("a", "b", "c"), List.of(text.parameterName(0), text.parameterName(1), text.parameterName(2)));
        ClassFile.Method wide = fixture.methods.stream().filter(m -> m.name.equals("wide")).findFirst().orElseThrow();
        assertEquals(List.of("x", "y"), List.of(wide.parameterName(0), wide.parameterName(1)));
        assertNull(method("plain").parameterName(0), "an abstract method has no local variables");
    }

    @Test
    void namesClassesAndTheirSupertypesAsReflectionDoes() {
        assertEquals(Shapes.class.getName(), SHAPES.name);
        assertEquals("Shapes", SHAPES.simpleName);
        assertEquals("java/lang/Object", SHAPES.superName);
        ClassFile anonymous = read(new Serializable() {
        }.getClass());
        assertEquals("", anonymous.simpleName);
        assertEquals(List.of("java/io/Serializable"), anonymous.interfaces);
        assertNull(read(Serializable.class).superName, "an interface has no superclass");
    }

    @Test
    void findsClassFilesThroughTheLoaderWithoutLoadingThem() {
        ClassFiles classFiles = new ClassFiles(getClass().getClassLoader(), SHAPES);
        assertEquals("java.util.UUID", classFiles.of(net.bytebuddy.jar.asm.Type.getObjectType("java/util/UUID")).name);
        assertEquals(SHAPES, classFiles.of(net.bytebuddy.jar.asm.Type.getType(Shapes.class)));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> classFiles.of(net.bytebuddy.jar.asm.Type.getObjectType("no/such/Type")));
        assertEquals("cannot find the class file of no.such.Type", missing.getMessage());
    }

    private static String firstArgument(String name) {
        ClassFile.Method method = method(name);
        return GenericTypeName.ofReturn(method.descriptor, method.signature).firstArgument();
    }

    private static ClassFile.Method method(String name) {
        return SHAPES.methods.stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
    }

    static ClassFile read(Class<?> type) {
        try {
            return ClassFileReader.read(ClassWeaverTest.classFile(type), true);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static {
        // the reflection side of the comparisons must see every method
        assertEquals(10, Arrays.stream(Shapes.class.getDeclaredMethods()).count());
    }
}
