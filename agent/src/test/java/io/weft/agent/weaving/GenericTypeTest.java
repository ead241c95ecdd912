package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * {@link GenericType} read from class files agrees with reflection, over every method of a set of JDK classes rich
 * in generics: erasures as {@link Class#getName()} spells them (a type variable's is its first bound's, of the
 * method or of the class), type names as {@link Type#getTypeName()} does, type arguments and wildcards likewise.
 */
class GenericTypeTest {

    private static final Class<?>[] CLASSES = {
        java.util.Collections.class, java.util.HashMap.class, java.util.Map.class, java.util.Arrays.class,
        java.util.Optional.class, java.util.stream.Collectors.class, java.util.stream.Stream.class,
        java.util.concurrent.CompletableFuture.class, java.util.concurrent.ConcurrentHashMap.class,
        java.util.Comparator.class, java.util.function.Function.class, java.lang.Class.class, java.lang.Enum.class,
        java.util.EnumMap.class, java.util.TreeMap.class, java.util.Spliterators.class,
    };

    @Test
    void agreesWithReflectionOnTheJdk() throws IOException {
        int compared = 0;
        List<String> disagreements = new ArrayList<>();
        for (Class<?> type : CLASSES) {
            String[] classSignature = new String[1];
            for (String[] method : methods(type, classSignature)) {
                Method reflected = find(type, method[0], method[1]);
                if (reflected == null) {
                    continue;
                }
                List<GenericType> read = GenericType.ofMethod(method[1], method[2],
                        GenericType.TypeVariables.ofClass(classSignature[0]));
                Type[] generic = reflected.getGenericParameterTypes();
                Class<?>[] erased = reflected.getParameterTypes();
                if (generic.length != erased.length) {
                    continue; // reflection itself falls back to the descriptor here
                }
                for (int i = 0; i < erased.length; i++) {
                    assertEquals(erased[i].getName(), read.get(i).erasure());
                    compare(disagreements, type.getName() + "#" + method[0] + method[1] + " parameter " + i,
                            read.get(i), generic[i]);
                }
                assertEquals(reflected.getReturnType().getName(), read.get(read.size() - 1).erasure());
                compare(disagreements, type.getName() + "#" + method[0] + method[1] + " return",
                        read.get(read.size() - 1), reflected.getGenericReturnType());
                compared++;
            }
        }
        assertTrue(compared > 500, "compared " + compared + " methods");
        assertEquals(List.of(), disagreements);
    }

    /** Compares a type and, recursively, its type arguments with reflection's. */
    private static void compare(List<String> disagreements, String where, GenericType read, Type reflected) {
        if (!read.erasure().equals(erasure(reflected).getName()) || !read.typeName().equals(reflected.getTypeName())
                || read.isWildcard() != reflected instanceof WildcardType) {
            disagreements.add(where + ": read " + read.erasure() + " / " + read.typeName() + ", reflection "
                    + erasure(reflected).getName() + " / " + reflected.getTypeName());
            return;
        }
        Type[] arguments = reflected instanceof ParameterizedType
                ? ((ParameterizedType) reflected).getActualTypeArguments() : new Type[0];
        if (arguments.length != read.arguments().size()) {
            disagreements.add(where + ": " + read.arguments().size() + " type arguments read, " + arguments.length
                    + " by reflection");
            return;
        }
        for (int i = 0; i < arguments.length; i++) {
            compare(disagreements, where + " argument " + i, read.arguments().get(i), arguments[i]);
        }
    }

    /** The class a type erases to, as the language defines it. */
    private static Class<?> erasure(Type type) {
        if (type instanceof Class) {
            return (Class<?>) type;
        }
        if (type instanceof ParameterizedType) {
            return erasure(((ParameterizedType) type).getRawType());
        }
        if (type instanceof GenericArrayType) {
            return Array.newInstance(erasure(((GenericArrayType) type).getGenericComponentType()), 0).getClass();
        }
        if (type instanceof TypeVariable) {
            return erasure(((TypeVariable<?>) type).getBounds()[0]);
        }
        return erasure(((WildcardType) type).getUpperBounds()[0]);
    }

    private static Method find(Class<?> type, String name, String descriptor) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name)
                    && net.bytebuddy.jar.asm.Type.getMethodDescriptor(method).equals(descriptor)) {
                return method;
            }
        }
        return null;
    }

    /**
     * Name, descriptor and signature of each method of a class, bridges and synthetic methods left out; the class's
     * own signature goes to {@code classSignature[0]}.
     */
    private static List<String[]> methods(Class<?> type, String[] classSignature) throws IOException {
        List<String[]> methods = new ArrayList<>();
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                        String[] interfaces) {
                    classSignature[0] = signature;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    if ((access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) == 0 && !name.startsWith("<")) {
                        methods.add(new String[] {name, descriptor, signature});
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE);
        }
        return methods;
    }
}
