package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.bootstrap.Hit;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Woven code, loaded (and so verified) in a fresh class loader, calling a recording runtime through {@link Dispatch}. */
class ClassWeaverTest {

    private final RecordingHandler handler = new RecordingHandler();
    private final Map<String, ClassWeaver.Planned> plans = new HashMap<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private Class<?> woven;
    private Object instance;

    @BeforeEach
    void install() {
        Dispatch.install(handler);
    }

    @AfterEach
    void uninstall() {
        Dispatch.install(null);
    }

    private void plan(String method, Advice advice) {
        Method declared = fixtureMethod(method);
        int id = ids.size() + 1;
        ids.put(method, id);
        plans.put(method + Type.getMethodDescriptor(declared), new ClassWeaver.Planned(advice, id));
    }

    private Object call(String method, Object... args) throws Throwable {
        if (woven == null) {
            woven = load(WovenFixture.class.getName(), ClassWeaver.weave(classFile(WovenFixture.class), plans));
            instance = woven.getConstructor().newInstance();
        }
        Method target = java.util.Arrays.stream(woven.getMethods()).filter(m -> m.getName().equals(method)).findFirst()
                .orElseThrow();
        try {
            return target.invoke(instance, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> ran() throws ReflectiveOperationException {
        return (List<String>) woven.getField("RAN").get(null);
    }

    @Test
    void aMissRunsTheBodyAndHandsItsResultToTheRuntime() throws Throwable {
        for (String method : List.of("text", "number", "wide", "real", "flag", "array")) {
            plan(method, Advice.CACHE_RESULT);
        }
        assertEquals("a2011.5", call("text", "a", 2L, 1.5));
        assertEquals(42, call("number", 21));
        assertEquals(8L, call("wide", 5L, 3));
        assertEquals(0.75, call("real", 1.5));
        assertEquals(false, call("flag", true));
        assertArrayEquals(new String[] {"s", "s"}, (String[]) call("array", "s"));
        assertEquals(List.of("text", "number", "wide", "real", "flag", "array"), ran());
        assertEquals(List.of(
                "enter 1 [a, 2, 1.5]", "exit 1 token [a, 2, 1.5] a2011.5 null",
                "enter 2 [21]", "exit 2 token [21] 42 null",
                "enter 3 [5, 3]", "exit 3 token [5, 3] 8 null",
                "enter 4 [1.5]", "exit 4 token [1.5] 0.75 null",
                "enter 5 [true]", "exit 5 token [true] false null",
                "enter 6 [s]", "exit 6 token [s] [s, s] null"), handler.calls);
    }

    @Test
    void aHitSkipsTheBodyAndIsReturnedUnboxed() throws Throwable {
        Map<String, Object> values = Map.of("text", "cached", "number", 7, "wide", 9L, "real", 0.25, "flag", true,
                "array", new String[] {"c"});
        values.keySet().forEach(method -> plan(method, Advice.CACHE_RESULT));
        Map<Integer, Object> byId = new HashMap<>();
        values.forEach((method, value) -> byId.put(ids.get(method), value));
        handler.onEnter = id -> new Hit(byId.get(id));
        assertEquals("cached", call("text", "a", 2L, 1.5));
        assertEquals(7, call("number", 21));
        assertEquals(9L, call("wide", 5L, 3));
        assertEquals(0.25, call("real", 1.5));
        assertEquals(true, call("flag", true));
        assertArrayEquals(new String[] {"c"}, (String[]) call("array", "s"));
        assertEquals(List.of(), ran());
        assertEquals(6, handler.calls.size(), handler.calls.toString());
    }

    @Test
    void aHitOfTheWrongTypeReturnsTheZeroValue() throws Throwable {
        plan("text", Advice.CACHE_RESULT);
        plan("number", Advice.CACHE_RESULT);
        handler.onEnter = id -> new Hit(id == 1 ? 42 : "not a number");
        assertEquals(null, call("text", "a", 2L, 1.5));
        assertEquals(0, call("number", 21));
        assertEquals(List.of(), ran());
    }

    @Test
    void whatTheBodyThrowsIsReportedAndRethrown() throws Throwable {
        plan("fails", Advice.CACHE_RESULT);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> call("fails", "x"));
        assertEquals(List.of("enter 1 [x]", "exit 1 token [x] null " + thrown), handler.calls);
    }

    @Test
    void returnsFromBranchesSwitchesAndLocksAllExit() throws Throwable {
        plan("earlyReturn", Advice.CACHE_RESULT);
        plan("locked", Advice.CACHE_RESULT);
        assertEquals("empty", call("earlyReturn", ""));
        assertEquals("one", call("earlyReturn", "a"));
        assertEquals("many", call("earlyReturn", "abc"));
        assertEquals("x!", call("locked", "x"));
        assertEquals(List.of("enter 1 []", "exit 1 token [] empty null", "enter 1 [a]", "exit 1 token [a] one null",
                "enter 1 [abc]", "exit 1 token [abc] many null", "enter 2 [x]", "exit 2 token [x] x! null"),
                handler.calls);
    }

    @Test
    void failuresOfTheRuntimeAreSwallowedAndNeverReachTheMethodsOwnHandlers() throws Throwable {
        plan("text", Advice.CACHE_RESULT);
        plan("caught", Advice.CACHE_RESULT);
        plan("fails", Advice.CACHE_RESULT);
        handler.failure = new IllegalStateException("runtime down");
        assertEquals("a2011.5", call("text", "a", 2L, 1.5));
        assertEquals("X", call("caught", "x"));
        assertThrows(IllegalStateException.class, () -> call("fails", "x"), "body failed for x");
        handler.failure = null;
        handler.exitFailure = new IllegalStateException("runtime down");
        assertEquals("a2011.5", call("text", "a", 2L, 1.5));
        assertEquals("Y", call("caught", "y"));
        assertEquals("body failed for z",
                assertThrows(IllegalStateException.class, () -> call("fails", "z")).getMessage());
        assertEquals(List.of("text", "caught", "fails", "text", "caught", "fails"), ran());
    }

    @Test
    void noTokenRunsTheBodyWithoutTellingTheRuntimeAboutItsExit() throws Throwable {
        plan("text", Advice.CACHE_RESULT);
        handler.onEnter = id -> null;
        assertEquals("a2011.5", call("text", "a", 2L, 1.5));
        assertEquals(List.of("enter 1 [a, 2, 1.5]"), handler.calls);
    }

    @Test
    void aHandlerOfTheMethodCoveringAReturnNeverSeesWhatTheRuntimeThrows() throws Throwable {
        // javac ends a try block's range before its return instruction; other compilers need not
        Class<?> type = load("gen.Guarded", ClassWeaver.weave(generated("gen/Guarded", Opcodes.V11, false), Map.of(
                "guarded(Ljava/lang/String;)Ljava/lang/String;", new ClassWeaver.Planned(Advice.CACHE_RESULT, 1))));
        handler.exitFailure = new IllegalStateException("runtime down");
        assertEquals("a", type.getMethod("guarded", String.class).invoke(null, "a"));
        assertEquals(List.of("enter 1 [a]", "exit 1 token [a] a null"), handler.calls);
    }

    @Test
    void invalidatesBeforeTheBodyEvenWhenItFails() throws Throwable {
        plan("evictBefore", Advice.INVALIDATE_BEFORE);
        call("evictBefore", "x");
        assertThrows(IllegalArgumentException.class, () -> call("evictBefore", "fail"));
        handler.failure = new IllegalStateException("runtime down");
        call("evictBefore", "y");
        assertEquals(List.of("invalidate 1 [x] null", "invalidate 1 [fail] null", "invalidate 1 [y] null"),
                handler.calls);
        assertEquals(List.of("evictBefore", "evictBefore", "evictBefore"), ran());
    }

    @Test
    void invalidatesAfterEachSuccessfulReturnWithTheResult() throws Throwable {
        plan("evictAfter", Advice.INVALIDATE_AFTER);
        plan("evictAfterVoid", Advice.INVALIDATE_AFTER);
        plan("evictAfterWide", Advice.INVALIDATE_AFTER);
        assertEquals("x4", call("evictAfter", "x", 4L));
        assertThrows(IllegalArgumentException.class, () -> call("evictAfter", "fail", 4L));
        call("evictAfterVoid", "");
        call("evictAfterVoid", "y");
        assertEquals(2L, call("evictAfterWide", 1L));
        handler.failure = new IllegalStateException("runtime down");
        assertEquals("z1", call("evictAfter", "z", 1L));
        assertEquals(List.of("invalidate 1 [x, 4] x4", "invalidate 2 [] null", "invalidate 2 [y] null",
                "invalidate 3 [1] 2", "invalidate 1 [z, 1] z1"), handler.calls);
    }

    @Test
    void valuesLeftOnTheOperandStackBelowTheReturnedOneDoNotMatter() throws Throwable {
        // javac never leaves them, but the class file format allows it: generated code may
        Class<?> type = load("gen.Junk", ClassWeaver.weave(generated("gen/Junk", Opcodes.V11, false), Map.of(
                "cached(Ljava/lang/String;)Ljava/lang/String;", new ClassWeaver.Planned(Advice.CACHE_RESULT, 1),
                "evicting(Ljava/lang/String;)Ljava/lang/String;", new ClassWeaver.Planned(Advice.INVALIDATE_AFTER, 2))));
        assertEquals("a", type.getMethod("cached", String.class).invoke(null, "a"));
        assertEquals("b", type.getMethod("evicting", String.class).invoke(null, "b"));
        assertEquals(List.of("enter 1 [a]", "exit 1 token [a] a null", "invalidate 2 [b] b"), handler.calls);
    }

    @Test
    void classFilesWithoutStackMapFramesAreWovenWithout() throws Throwable {
        Class<?> type = load("gen.Old", ClassWeaver.weave(generated("gen/Old", Opcodes.V1_5, true), Map.of(
                "cached(Ljava/lang/String;)Ljava/lang/String;", new ClassWeaver.Planned(Advice.CACHE_RESULT, 1),
                "evicting(Ljava/lang/String;)Ljava/lang/String;", new ClassWeaver.Planned(Advice.INVALIDATE_BEFORE, 2))));
        assertEquals("a", type.getMethod("cached", String.class).invoke(null, "a"));
        assertEquals("", type.getMethod("evicting", String.class).invoke(null, (Object) null));
        assertEquals(List.of("enter 1 [a]", "exit 1 token [a] a null", "invalidate 2 [null] null"), handler.calls);
    }

    @Test
    void theClassKeepsItsShape() throws Throwable {
        plan("text", Advice.CACHE_RESULT);
        call("text", "a", 2L, 1.5);
        assertEquals(WovenFixture.class.getDeclaredMethods().length, woven.getDeclaredMethods().length);
        assertEquals(WovenFixture.class.getDeclaredFields().length, woven.getDeclaredFields().length);
        assertInstanceOf(List.class, woven.getField("RAN").get(null));
    }

    /**
     * Static methods returning their argument: {@code cached} and {@code evicting} with an int and a long left on
     * the stack below it, or with a branch ({@code null} becomes "") when {@code branch}; and {@code guarded}, whose
     * return instruction is covered by a handler returning something else.
     */
    private static byte[] generated(String name, int version, boolean branch) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | (version >= Opcodes.V1_6 ? ClassWriter.COMPUTE_FRAMES : 0));
        writer.visit(version, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        for (String method : List.of("cached", "evicting")) {
            MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, method,
                    "(Ljava/lang/String;)Ljava/lang/String;", null, null);
            code.visitCode();
            if (branch) {
                Label present = new Label();
                code.visitVarInsn(Opcodes.ALOAD, 0);
                code.visitJumpInsn(Opcodes.IFNONNULL, present);
                code.visitLdcInsn("");
                code.visitInsn(Opcodes.ARETURN);
                code.visitLabel(present);
            } else {
                code.visitInsn(Opcodes.ICONST_1);
                code.visitInsn(Opcodes.LCONST_1);
            }
            code.visitVarInsn(Opcodes.ALOAD, 0);
            code.visitInsn(Opcodes.ARETURN);
            code.visitMaxs(0, 0);
            code.visitEnd();
        }
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "guarded",
                "(Ljava/lang/String;)Ljava/lang/String;", null, null);
        code.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        code.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        code.visitLabel(start);
        code.visitVarInsn(Opcodes.ALOAD, 0);
        code.visitInsn(Opcodes.ARETURN);
        code.visitLabel(end);
        code.visitLabel(handler);
        code.visitInsn(Opcodes.POP);
        code.visitLdcInsn("the method's own handler ran");
        code.visitInsn(Opcodes.ARETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines {@code name} from {@code bytes} in a new loader that delegates everything else to this test's. */
    private static Class<?> load(String name, byte[] bytes) throws ClassNotFoundException {
        return Class.forName(name, true, new ClassLoader(ClassWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String requested, boolean resolve) throws ClassNotFoundException {
                if (!requested.equals(name)) {
                    return super.loadClass(requested, resolve);
                }
                synchronized (getClassLoadingLock(requested)) {
                    Class<?> loaded = findLoadedClass(requested);
                    return loaded != null ? loaded : defineClass(requested, bytes, 0, bytes.length);
                }
            }
        });
    }

    private static Method fixtureMethod(String name) {
        return java.util.Arrays.stream(WovenFixture.class.getDeclaredMethods()).filter(m -> m.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
