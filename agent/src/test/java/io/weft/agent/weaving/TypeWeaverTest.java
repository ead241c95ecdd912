package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.bootstrap.Handler;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inlined advice, run: {@link WeavingSubject} is woven, defined by its own class loader (so the JVM
 * verifies it) and called with a recording handler behind {@link Dispatch}.
 */
class TypeWeaverTest {

    /** The entry of {@code sum(long, double, int)}: all three unboxed, the double as its raw bits. */
    private static final String ENTER_1 = "enter 1 (null, null, null; 1, " + Double.doubleToRawLongBits(2.0) + ", 3)";

    private static final int SUM = 1;
    private static final int JOIN = 2;
    private static final int COUNT_DOWN = 3;
    private static final int PARSE = 4;
    private static final int SAVE_AFTER = 5;
    private static final int SAVE_BEFORE = 6;
    private static final int FLAG = 7;
    private static final int LATER = 8;
    private static final int RANGE = 9;
    private static final int RENAME = 10;
    private static final int REUSE = 11;
    private static final int SIX = 12;
    private static final int SEVEN = 13;

    /** Records calls; answers enterCached with {@link #answer}. */
    private static final class Recorder implements Handler {
        final List<String> calls = new ArrayList<>();
        /** The receivers handed to {@link #enterWithReceiver}, {@code null} for a static method. */
        final List<Object> receivers = new ArrayList<>();
        Token answer;
        /** What {@link #exitThrown} answers: a value to return instead of the exception, or null. */
        Hit instead;
        /** What {@link #exitFuture} answers in place of the body's future, or null: the body's. */
        Object futureInstead;

        @Override
        public Token enterCached(int methodId, Object[] args) {
            calls.add("enter " + methodId + " " + Arrays.toString(args));
            return answer;
        }

        /** Recorded as "enter ID (a0, a1, a2; n0, n1, n2)": the arguments passed one by one. */
        @Override
        public Token enterCached(int methodId, Object a0, Object a1, Object a2, long n0, long n1, long n2) {
            calls.add("enter " + methodId + " (" + a0 + ", " + a1 + ", " + a2 + "; " + n0 + ", " + n1 + ", " + n2 + ")");
            return answer;
        }

        /** Recorded as "enter ID (a0, …, a5; n0, …, n5)": the arguments passed one by one, six slots of each kind. */
        @Override
        public Token enterCached(int methodId, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5,
                long n0, long n1, long n2, long n3, long n4, long n5) {
            calls.add("enter " + methodId + " (" + a0 + ", " + a1 + ", " + a2 + ", " + a3 + ", " + a4 + ", " + a5 + "; "
                    + n0 + ", " + n1 + ", " + n2 + ", " + n3 + ", " + n4 + ", " + n5 + ")");
            return answer;
        }

        /** Recorded as {@link #enterCached} is, the receiver in {@link #receivers}. */
        @Override
        public Token enterWithReceiver(int methodId, Object receiver, Object[] args) {
            receivers.add(receiver);
            return enterCached(methodId, args);
        }

        @Override
        public Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, long n0, long n1,
                long n2) {
            receivers.add(receiver);
            return enterCached(methodId, a0, a1, a2, n0, n1, n2);
        }

        @Override
        public Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, Object a3,
                Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
            receivers.add(receiver);
            return enterCached(methodId, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
        }

        @Override
        public void exitCached(int methodId, Token token, Object[] args, Object result) {
            calls.add("exit " + methodId + " " + (token == answer) + " " + Arrays.toString(args) + " " + result + " null");
        }

        @Override
        public Object exitFuture(int methodId, Token token, Object[] args, Object result) {
            calls.add("exitFuture " + methodId + " " + (token == answer) + " " + Arrays.toString(args) + " "
                    + ((java.util.concurrent.CompletableFuture<?>) result).join());
            return futureInstead != null ? futureInstead : result;
        }

        @Override
        public Hit exitThrown(int methodId, Token token, Object[] args, Throwable thrown) {
            calls.add("exit " + methodId + " " + (token == answer) + " " + Arrays.toString(args) + " null "
                    + thrown.getClass().getSimpleName());
            return instead;
        }

        @Override
        public void invalidate(int methodId, Object[] args, Object result) {
            calls.add("invalidate " + methodId + " " + Arrays.toString(args) + " " + result);
        }
    }

    private final Recorder recorder = new Recorder();
    private Object subject;

    @BeforeEach
    void weave() throws Exception {
        Dispatch.install(recorder);
        Map<String, MethodPlanner.Plan> plans = Map.of(
                "sum(JDI)J", plan(Advice.CACHE_RESULT_WITH_RECEIVER, SUM),
                "join(Ljava/util/List;C)Ljava/lang/String;", plan(Advice.CACHE_RESULT_WITH_RECEIVER, JOIN),
                "countDown(I)I", plan(Advice.CACHE_RESULT, COUNT_DOWN),
                "parse(Ljava/lang/String;)Ljava/lang/String;", plan(Advice.CACHE_RESULT, PARSE),
                "save(Ljava/lang/String;D)V", plan(Advice.INVALIDATE_AFTER, SAVE_AFTER),
                "flag(Z)Z", plan(Advice.CACHE_RESULT, FLAG),
                "later(Ljava/lang/String;)Ljava/util/concurrent/CompletableFuture;",
                plan(Advice.CACHE_RESULT_WITH_RECEIVER, LATER),
                "range(Ljava/lang/String;IJZ)Ljava/lang/String;", plan(Advice.CACHE_RESULT, RANGE),
                "six(DLjava/lang/String;JCIZ)Ljava/lang/String;", plan(Advice.CACHE_RESULT_WITH_RECEIVER, SIX),
                "seven(Ljava/lang/String;IJDCZLjava/lang/Object;)Ljava/lang/String;", plan(Advice.CACHE_RESULT, SEVEN));
        subject = define(TypeWeaver.weave(bytes(WeavingSubject.class), plans)).getConstructor().newInstance();
    }

    @AfterEach
    void uninstall() {
        Dispatch.install(null);
    }

    private static MethodPlanner.Plan plan(Advice advice, int id) {
        return new MethodPlanner.Plan(advice, id, "test");
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Class<?> define(byte[] classFile) throws ClassNotFoundException {
        return define(WeavingSubject.class.getName(), classFile);
    }

    /** The class of that name defined from {@code classFile} by a loader of its own, so that the JVM verifies it. */
    private static Class<?> define(String className, byte[] classFile) throws ClassNotFoundException {
        ClassLoader loader = new ClassLoader(TypeWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(className)) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        return loaded != null ? loaded : defineClass(name, classFile, 0, classFile.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return Class.forName(className, true, loader);
    }

    private Object call(String name, Object... args) throws Throwable {
        for (Method method : subject.getClass().getMethods()) {
            if (method.getName().equals(name)) {
                try {
                    return method.invoke(java.lang.reflect.Modifier.isStatic(method.getModifiers()) ? null : subject, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    private int bodyRuns() throws ReflectiveOperationException {
        return subject.getClass().getField("bodyRuns").getInt(subject);
    }

    @Test
    void aHitSkipsTheBodyAndUnboxesTheValue() throws Throwable {
        recorder.answer = new Hit(42L);
        assertEquals(42L, call("sum", 1L, 2.0, 3));
        recorder.answer = new Hit(Boolean.TRUE);
        assertEquals(true, call("flag", true));
        assertEquals(0, bodyRuns());
        assertEquals(List.of(ENTER_1, "enter 7 (true, null, null; 0, 0, 0)"), recorder.calls);
    }

    @Test
    void aMissRunsTheBodyAndHandsBackTheResultWithTheToken() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals(6L, call("sum", 1L, 2.0, 3));
        assertEquals("a-b", call("join", List.of("a", "b"), '-'));
        assertEquals(false, call("flag", true));
        assertEquals(List.of(ENTER_1, "exit 1 true [1, 2.0, 3] 6 null",
                "enter 2 ([a, b], -, null; 0, 0, 0)", "exit 2 true [[a, b], -] a-b null",
                "enter 7 (true, null, null; 0, 0, 0)", "exit 7 true [true] false null"), recorder.calls);
    }

    /** refreshAfter: entry hands over the receiver (none for a static method); hit and miss work as without. */
    @Test
    void aRefreshingMethodHandsTheReceiverToItsEntry() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals(6L, call("sum", 1L, 2.0, 3));
        assertEquals("a-b", call("join", List.of("a", "b"), '-'));
        recorder.answer = new Hit(7L);
        assertEquals(7L, call("sum", 1L, 2.0, 3));
        assertEquals(Arrays.asList(subject, null, subject), recorder.receivers);
        assertEquals(List.of(ENTER_1, "exit 1 true [1, 2.0, 3] 6 null",
                "enter 2 ([a, b], -, null; 0, 0, 0)", "exit 2 true [[a, b], -] a-b null", ENTER_1), recorder.calls);
    }

    /** A method returning a future returns the future the runtime gives back for the body's (staleIfError). */
    @Test
    void aFutureReturningMethodReturnsTheFutureTheRuntimeGivesForItsBodys() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals("a!", ((java.util.concurrent.CompletableFuture<?>) call("later", "a")).join());
        java.util.concurrent.CompletableFuture<String> instead = java.util.concurrent.CompletableFuture.completedFuture("b");
        recorder.futureInstead = instead;
        assertSame(instead, call("later", "a"));
        assertEquals(List.of(subject, subject), recorder.receivers);
        assertEquals(List.of("enter 8 (a, null, null; 0, 0, 0)", "exitFuture 8 true [a] a!", "enter 8 (a, null, null; 0, 0, 0)", "exitFuture 8 true [a] a!"),
                recorder.calls);
    }

    /**
     * Four to six parameters: entry gets them one by one in six slots of each kind (the {@code long}, {@code int} and
     * {@code double} ones unboxed), with the receiver if asked; a miss makes the array, which exit gets.
     */
    @Test
    void aMethodOfFourToSixParametersPassesThemInSixSlotsOfEachKind() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals("a..3 by 2", call("range", "a", 3, 2L, true));
        recorder.answer = new Hit("cached");
        assertEquals("cached", call("range", "a", 3, 2L, false));
        assertEquals("cached", call("six", 2.5, "n", 7L, 'B', 4, true));
        assertEquals(0, bodyRuns());
        recorder.answer = new Token() { };
        assertEquals("n:7:4:B:2.5:true", call("six", 2.5, "n", 7L, 'B', 4, true));
        String sixEntered = "enter 12 (null, n, null, B, null, true; " + Double.doubleToRawLongBits(2.5)
                + ", 0, 7, 0, 4, 0)";
        assertEquals(List.of("enter 9 (a, null, null, true, null, null; 0, 3, 2, 0, 0, 0)",
                "exit 9 true [a, 3, 2, true] a..3 by 2 null",
                "enter 9 (a, null, null, false, null, null; 0, 3, 2, 0, 0, 0)", sixEntered, sixEntered, "exit 12 true [2.5, n, 7, B, 4, true] n:7:4:B:2.5:true null"), recorder.calls);
        assertEquals(List.of(subject, subject), recorder.receivers);
    }

    /** More than six parameters: entry gets the array, made before it, and exit the same arguments. */
    @Test
    void aMethodOfMoreThanSixParametersEntersWithItsArray() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals("a120.5ctruex", call("seven", "a", 1, 2L, .5, 'c', true, "x"));
        recorder.answer = new Hit("cached");
        assertEquals("cached", call("seven", "a", 1, 2L, .5, 'c', false, "x"));
        assertEquals(List.of("enter 13 [a, 1, 2, 0.5, c, true, x]",
                "exit 13 true [a, 1, 2, 0.5, c, true, x] a120.5ctruex null",
                "enter 13 [a, 1, 2, 0.5, c, false, x]"), recorder.calls);
    }

    @Test
    void withoutAHandlerTheMethodRunsAsWritten() throws Throwable {
        Dispatch.install(null);
        assertEquals(6L, call("sum", 1L, 2.0, 3));
        assertEquals(10, call("countDown", 15));
        assertEquals(-1, call("countDown", -5));
    }

    @Test
    void everyReturnIsHandedBack() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals(10, call("countDown", 12));
        assertEquals(-1, call("countDown", -3));
        assertEquals(List.of("enter 3 (null, null, null; 12, 0, 0)", "exit 3 true [12] 10 null", "enter 3 (null, null, null; -3, 0, 0)", "exit 3 true [-3] -1 null"),
                recorder.calls);
    }

    @Test
    void theMethodsOwnHandlerCatchesFirstAndAnEscapingExceptionIsHandedBackAndRethrown() throws Throwable {
        recorder.answer = new Token() { };
        assertEquals("not a number", call("parse", "x"));
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> call("parse", ""));
        assertEquals("empty", thrown.getMessage());
        assertEquals(List.of("enter 4 (x, null, null; 0, 0, 0)", "exit 4 true [x] not a number null",
                "enter 4 (, null, null; 0, 0, 0)", "exit 4 true [] null IllegalArgumentException"), recorder.calls);
    }

    /** staleIfError: a value the runtime hands back for an escaping exception is returned instead of it. */
    @Test
    void aValueGivenForAnEscapingExceptionIsReturnedInsteadOfIt() throws Throwable {
        recorder.answer = new Token() { };
        recorder.instead = new Hit("stale");
        assertEquals("stale", call("parse", ""));
        assertEquals(List.of("enter 4 (, null, null; 0, 0, 0)", "exit 4 true [] null IllegalArgumentException"), recorder.calls);
    }

    @Test
    void anInvalidationAfterRunsOnlyAfterANormalReturn() throws Throwable {
        call("save", "b1", 2.5);
        assertThrows(IllegalStateException.class, () -> call("save", "b2", -1.0));
        assertEquals(List.of("invalidate 5 [b1, 2.5] null"), recorder.calls);
        assertEquals(2, bodyRuns());
    }

    /** The keys are rendered from the arguments the method was called with (SPEC §5), not from what its body stored. */
    @Test
    void anInvalidationAfterHasTheArgumentsAsTheyWereOnEntry() throws Throwable {
        subject = define(TypeWeaver.weave(bytes(WeavingSubject.class), Map.of(
                "rename(Ljava/lang/String;J)Ljava/lang/String;", plan(Advice.INVALIDATE_AFTER, RENAME),
                "countDown(I)I", plan(Advice.INVALIDATE_AFTER, COUNT_DOWN),
                "parse(Ljava/lang/String;)Ljava/lang/String;", plan(Advice.INVALIDATE_AFTER, PARSE))))
                .getConstructor().newInstance();
        assertEquals("K2", call("rename", "k", 1L));
        assertEquals("", call("rename", "", 7L));
        assertEquals(10, call("countDown", 12)); // a loop at offset 0 that decrements its parameter
        assertEquals(-1, call("countDown", -3));
        assertEquals("not a number", call("parse", "x")); // its own handler, and the return in it
        assertThrows(IllegalArgumentException.class, () -> call("parse", ""));
        assertEquals(List.of("invalidate 10 [k, 1] K2", "invalidate 10 [, 7] ", "invalidate 3 [12] 10",
                "invalidate 3 [-3] -1", "invalidate 4 [x] not a number"), recorder.calls);
    }

    /**
     * Legal code that reuses a dead parameter's slot for a value of another type (as optimizers allocate variables) is
     * woven into a class that verifies, and the invalidation has the argument the method was called with.
     */
    @Test
    void anInvalidationAfterSurvivesAParameterSlotReusedForAnotherType() throws Throwable {
        String name = "io.weft.agent.weaving.SlotReuse";
        Class<?> woven = define(name, TypeWeaver.weave(slotReuse(name.replace('.', '/')),
                Map.of("upd(Ljava/lang/String;)Ljava/lang/String;", plan(Advice.INVALIDATE_AFTER, REUSE))));
        Method upd = woven.getMethod("upd", String.class);
        assertEquals("3", upd.invoke(null, "abc"));
        assertEquals("none", upd.invoke(null, ""));
        assertEquals(List.of("invalidate 11 [abc] 3", "invalidate 11 [] none"), recorder.calls);
    }

    /**
     * {@code static String upd(String id)}: once {@code id} is dead its slot 0 holds {@code id.length()}, which the
     * code branches on (so a frame has an int in slot 0) before either of its two returns.
     */
    private static byte[] slotReuse(String internalName) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "upd",
                "(Ljava/lang/String;)Ljava/lang/String;", null, null);
        method.visitCode();
        method.visitVarInsn(Opcodes.ALOAD, 0);
        method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
        method.visitVarInsn(Opcodes.ISTORE, 0);
        Label nonEmpty = new Label();
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitJumpInsn(Opcodes.IFNE, nonEmpty);
        method.visitLdcInsn("none");
        method.visitInsn(Opcodes.ARETURN);
        method.visitLabel(nonEmpty);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "toString", "(I)Ljava/lang/String;", false);
        method.visitInsn(Opcodes.ARETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    @Test
    void aClassFileWithoutStackMapFramesIsWovenWithoutThem() throws Throwable {
        subject = define(TypeWeaver.weave(asJava5(bytes(WeavingSubject.class)),
                Map.of("parse(Ljava/lang/String;)Ljava/lang/String;", plan(Advice.CACHE_RESULT, PARSE))))
                .getConstructor().newInstance();
        recorder.answer = new Token() { };
        assertEquals("not a number", call("parse", "x"));
        assertThrows(IllegalArgumentException.class, () -> call("parse", ""));
        assertEquals(List.of("enter 4 (x, null, null; 0, 0, 0)", "exit 4 true [x] not a number null",
                "enter 4 (, null, null; 0, 0, 0)", "exit 4 true [] null IllegalArgumentException"), recorder.calls);
    }

    /** The class as a Java 5 compiler would have written it: version 49, no StackMapTable. */
    private static byte[] asJava5(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V1_5, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    @Test
    void anInvalidationBeforeRunsOnEntryEvenWhenTheBodyThrows() throws Throwable {
        subject = define(TypeWeaver.weave(bytes(WeavingSubject.class),
                Map.of("save(Ljava/lang/String;D)V", plan(Advice.INVALIDATE_BEFORE, SAVE_BEFORE))))
                .getConstructor().newInstance();
        assertThrows(IllegalStateException.class, () -> call("save", "b3", -1.0));
        assertEquals(List.of("invalidate 6 [b3, -1.0] null"), recorder.calls);
        assertEquals(true, call("flag", false));
        assertEquals(1, recorder.calls.size(), "a method without a plan is not woven");
    }
}
