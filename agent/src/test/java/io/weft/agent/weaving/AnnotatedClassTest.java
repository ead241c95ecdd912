package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the planner reads from a class file with ASM ({@link AnnotatedClass}, {@link GenericType},
 * {@link ClassMembers}): the same names, types and attributes that {@link Class} and reflection give.
 */
class AnnotatedClassTest {

    /** Methods of the shapes the planner must read. */
    abstract static class Shapes implements Supplier<String> {

        @CacheResult(key = "users:{ids}", name = "users", ttl = "10s", tags = {"a:{ids}", "b"}, cacheNull = true)
        Map<String, List<UUID>> byUser(List<? extends Number> ids, long[] raw, String[][] grid, List<?> any, List rawList) {
            return null;
        }

        @CacheResult(key = "one:{id}")
        static <T> Optional<T[]> generic(long id, double weight, List<Long> ids) {
            return null;
        }

        @CacheResult(key = "count")
        int count() {
            return 0;
        }

        /** javac copies the annotation to the bridge {@code Object get()}: only this method is read. */
        @Override
        @CacheResult(key = "supplied")
        public String get() {
            return "";
        }

        @InvalidateCache(keys = "one:{id}", beforeInvocation = true)
        abstract void evict(long id);

        String notAnnotated(String text) {
            return text;
        }
    }

    @Test
    void readsOnlyTheAnnotatedMethodsAndNoBridge() throws IOException {
        AnnotatedClass type = read(Shapes.class);
        assertEquals(Shapes.class.getName(), type.name());
        assertEquals("Shapes", type.simpleName());
        assertEquals(getClass().getPackageName(), type.packageName());
        assertEquals(List.of("byUser", "generic", "count", "get", "evict"),
                type.methods().stream().map(AnnotatedMethod::name).toList());
        assertEquals("()Ljava/lang/String;", type.method("get", "()Ljava/lang/String;").descriptor());
        assertNull(type.method("get", "()Ljava/lang/Object;"));
        assertTrue(type.method("evict", "(J)V").isAbstract());
    }

    @Test
    void typesAreSpelledAsClassAndSourceCodeSpellThem() throws Exception {
        AnnotatedMethod byUser = method(Shapes.class, "byUser");
        assertEquals(5, byUser.parameterCount());
        for (int i = 0; i < byUser.parameterCount(); i++) {
            Class<?> declared = Shapes.class.getDeclaredMethod("byUser",
                    List.class, long[].class, String[][].class, List.class, List.class).getParameterTypes()[i];
            assertEquals(declared.getName(), byUser.parameterType(i).erasure(), "parameter " + i);
        }
        assertEquals("java.util.Map<java.lang.String, java.util.List<java.util.UUID>>", byUser.returnType().typeName());
        assertEquals("java.util.Map", byUser.returnType().erasure());
        assertEquals("java.util.List<? extends java.lang.Number>", byUser.parameterType(0).typeName());
        assertTrue(byUser.parameterType(0).arguments().get(0).isWildcard());
        assertEquals("java.util.List<?>", byUser.parameterType(3).typeName());
        assertEquals("long[]", byUser.parameterType(1).typeName());
        assertEquals("java.lang.String[][]", byUser.parameterType(2).typeName());

        AnnotatedMethod generic = method(Shapes.class, "generic");
        assertEquals("java.util.Optional<T[]>", generic.returnType().typeName());
        assertEquals("[Ljava.lang.Object;", generic.returnType().arguments().get(0).erasure());
        assertEquals("long", generic.parameterType(0).erasure());
        assertEquals("java.lang.Integer", method(Shapes.class, "count").returnType().boxedTypeName());
        assertEquals("java.util.UUID", method(Shapes.class, "byUser").returnType().arguments().get(1).arguments().get(0)
                .boxedTypeName());
    }

    @Test
    void elementTypeArgumentsOnlyForOneExactTypeArgument() throws IOException {
        MethodSignature byUser = signature(method(Shapes.class, "byUser"));
        assertNull(byUser.elementTypeArgument(0), "? extends Number");
        assertNull(byUser.elementTypeArgument(3), "?");
        assertNull(byUser.elementTypeArgument(4), "raw List");
        assertNull(byUser.elementTypeArgument(1), "long[]");
        assertEquals("java.lang.Long", signature(method(Shapes.class, "generic")).elementTypeArgument(2));
    }

    @Test
    void parameterNamesFollowTheSlotsOfWideValues() throws IOException {
        AnnotatedMethod generic = method(Shapes.class, "generic");
        assertEquals(List.of("id", "weight", "ids"),
                List.of(generic.parameterName(0), generic.parameterName(1), generic.parameterName(2)));
        AnnotatedMethod byUser = method(Shapes.class, "byUser");
        assertEquals("rawList", byUser.parameterName(4));
    }

    /**
     * Names as each compiler flag leaves them: {@code -parameters} alone (MethodParameters, no LocalVariableTable),
     * {@code -g} alone (the table), neither (no names: templates must use positions).
     */
    @Test
    void parameterNamesFromMethodParametersOrTheTableOrNowhere(@TempDir Path dir) throws Exception {
        String source = "package p;\n"
                + "public class Names {\n"
                + "    @io.weft.annotations.CacheResult(key = \"n:{0}\")\n"
                + "    public String find(long id, String region, double weight) { return region; }\n"
                + "}\n";
        assertEquals(Arrays.asList("id", "region", "weight"), names(compile(dir, source, "-parameters", "-g:none")));
        assertEquals(Arrays.asList("id", "region", "weight"), names(compile(dir, source, "-g")));
        assertEquals(Arrays.asList(null, null, null), names(compile(dir, source, "-g:none")));
    }

    private static List<String> names(byte[] classFile) {
        AnnotatedMethod find = AnnotatedClass.read(classFile).methods().get(0);
        return Arrays.asList(find.parameterName(0), find.parameterName(1), find.parameterName(2));
    }

    private static byte[] compile(Path dir, String source, String... flags) throws IOException {
        Path file = Files.createDirectories(dir.resolve("src/p")).resolve("Names.java");
        Files.writeString(file, source);
        Path out = Files.createDirectories(dir.resolve("out" + String.join("", flags).replace(':', '_')));
        List<String> arguments = new ArrayList<>(List.of("-d", out.toString(), "-cp",
                CacheResult.class.getProtectionDomain().getCodeSource().getLocation().getPath()));
        arguments.addAll(List.of(flags));
        arguments.add(file.toString());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(new String[0])));
        return Files.readAllBytes(out.resolve("p/Names.class"));
    }

    @Test
    void attributesAsWrittenAndFallbacksForTheRest() throws IOException {
        AnnotationValues byUser = method(Shapes.class, "byUser").cacheResult();
        assertEquals("users:{ids}", byUser.string("key", ""));
        assertEquals("users", byUser.string("name", "x"));
        assertEquals("10s", byUser.string("ttl", ""));
        assertArrayEquals(new String[] {"a:{ids}", "b"}, byUser.strings("tags"));
        assertTrue(byUser.bool("cacheNull", false));
        assertFalse(byUser.bool("sliding", false));
        assertEquals("", byUser.string("refreshAfter", ""));
        assertArrayEquals(new String[0], method(Shapes.class, "count").cacheResult().strings("tags"));
        AnnotatedMethod evict = method(Shapes.class, "evict");
        assertNull(evict.cacheResult());
        assertTrue(evict.invalidateCache().bool("beforeInvocation", false));
        assertArrayEquals(new String[] {"one:{id}"}, evict.invalidateCache().strings("keys"));
    }

    /** A type variable erases to its first bound, whether the method or its class declares it (as the descriptor says). */
    static class Repository<K extends Comparable<K>> {
        @CacheResult(key = "bounded:{id}")
        <N extends Number> String bounded(N id, List<N> ids, K key, List<K> keys) {
            return "";
        }
    }

    @Test
    void typeVariablesEraseToTheirBounds() throws IOException {
        AnnotatedMethod bounded = method(Repository.class, "bounded");
        MethodSignature signature = new MethodSignature(Repository.class.getName(), bounded,
                AnnotatedClassTest.class.getClassLoader());
        assertEquals("java.lang.Number", signature.parameterType(0));
        assertEquals("java.lang.Number", signature.elementTypeArgument(1));
        assertEquals("java.lang.Comparable", signature.parameterType(2));
        assertEquals("java.lang.Comparable", signature.elementTypeArgument(3));
        assertEquals("N", bounded.parameterType(0).typeName());
        assertEquals("java.util.List<K>", bounded.parameterType(3).typeName());
    }

    /** Property paths: accessors, getters, boolean getters, fields, up the class hierarchy and through interfaces. */
    @Test
    void propertyTypesAsReflectionFindsThem() {
        ClassLoader loader = getClass().getClassLoader();
        assertEquals("java.util.UUID", ClassMembers.propertyType(loader, Order.class.getName(), "customerId"));
        assertEquals("long", ClassMembers.propertyType(loader, Order.class.getName(), "total"));
        assertEquals("boolean", ClassMembers.propertyType(loader, Order.class.getName(), "paid"));
        assertEquals("[Ljava.lang.String;", ClassMembers.propertyType(loader, Order.class.getName(), "lines"));
        assertEquals("java.lang.String", ClassMembers.propertyType(loader, Order.class.getName(), "region"));
        assertEquals("int", ClassMembers.propertyType(loader, Order.class.getName(), "version"));
        assertEquals("java.lang.String", ClassMembers.propertyType(loader, Line.class.getName(), "sku"));
        assertEquals("int", ClassMembers.propertyType(loader, "java.lang.String", "length"));
        assertNull(ClassMembers.propertyType(loader, Order.class.getName(), "missing"));
        assertNull(ClassMembers.propertyType(loader, Order.class.getName(), "log"), "a static field is no property");
        assertThrows(IllegalArgumentException.class, () -> ClassMembers.propertyType(loader, "com.acme.Gone", "id"));
    }

    /**
     * The runtime ({@code PropertyPath}) takes the first of {@code code()}, {@code getCode()}, {@code isCode()} that
     * exists anywhere up the hierarchy, so the check must type the path the same way: here {@code Base.code()}, a
     * String, not the subclass's {@code getCode()}, an Integer.
     */
    @Test
    void propertyTypesFollowTheRuntimesOrderOfNames() {
        assertEquals("java.lang.String",
                ClassMembers.propertyType(getClass().getClassLoader(), Coded.class.getName(), "code"));
    }

    public static class CodedBase {
        public String code() {
            return "";
        }
    }

    public static class Coded extends CodedBase {
        public Integer getCode() {
            return 0;
        }
    }

    interface Regional {
        default String getRegion() {
            return "eu";
        }
    }

    abstract static class Versioned {
        protected int version;
    }

    static final class Order extends Versioned implements Regional {
        static String log;
        String[] lines;

        UUID customerId() {
            return null;
        }

        long getTotal() {
            return 0;
        }

        boolean isPaid() {
            return false;
        }
    }

    record Line(String sku) {
    }

    private static MethodSignature signature(AnnotatedMethod method) {
        return new MethodSignature(Shapes.class.getName(), method, AnnotatedClassTest.class.getClassLoader());
    }

    private static AnnotatedMethod method(Class<?> type, String name) throws IOException {
        return read(type).methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static AnnotatedClass read(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            return AnnotatedClass.read(in.readAllBytes());
        }
    }
}
