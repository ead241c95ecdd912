package io.weft.agent.weaving;

import java.lang.invoke.MethodHandles;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Defines classes in the bootstrap loader through the JDK's internal {@code Unsafe.defineClass}, called by a class
 * generated here rather than by reflection: since Java 18 a reflective call is made of method handles spun for its
 * shape, which for that seven-argument method cost a start on JDK 25 about 15 ms, where a direct call links like any
 * other. {@code jdk.internal.misc} must be exported to Weft's module first.
 */
final class BootLoaderDefiner {

    /** What the generated class implements. */
    interface Definer {
        /** Defines {@code bytes}, the class file of {@code name}, in the bootstrap loader. */
        Class<?> define(String name, byte[] bytes);
    }

    private static final String UNSAFE = "jdk/internal/misc/Unsafe";
    private static final String SELF = Type.getInternalName(BootLoaderDefiner.class);
    private static final String DEFINER = Type.getInternalName(Definer.class);
    private static final String GENERATED = SELF + "$Direct";

    /** Set by the generated class when it is initialized. */
    static Definer definer;

    private BootLoaderDefiner() {
    }

    /** The definer, generated and defined in this class's package on first use. */
    static synchronized Definer get() throws ReflectiveOperationException {
        if (definer == null) {
            Class<?> generated = MethodHandles.lookup().defineClass(classFile());
            Class.forName(generated.getName(), true, generated.getClassLoader());
        }
        return definer;
    }

    private static byte[] classFile() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, GENERATED, null,
                "java/lang/Object", new String[] {DEFINER});

        MethodVisitor init = writer.visitMethod(0, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor clinit = writer.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitTypeInsn(Opcodes.NEW, GENERATED);
        clinit.visitInsn(Opcodes.DUP);
        clinit.visitMethodInsn(Opcodes.INVOKESPECIAL, GENERATED, "<init>", "()V", false);
        clinit.visitFieldInsn(Opcodes.PUTSTATIC, SELF, "definer", "L" + DEFINER + ";");
        clinit.visitInsn(Opcodes.RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();

        MethodVisitor define = writer.visitMethod(Opcodes.ACC_PUBLIC, "define",
                "(Ljava/lang/String;[B)Ljava/lang/Class;", null, null);
        define.visitCode();
        define.visitMethodInsn(Opcodes.INVOKESTATIC, UNSAFE, "getUnsafe", "()L" + UNSAFE + ";", false);
        define.visitVarInsn(Opcodes.ALOAD, 1);
        define.visitVarInsn(Opcodes.ALOAD, 2);
        define.visitInsn(Opcodes.ICONST_0);
        define.visitVarInsn(Opcodes.ALOAD, 2);
        define.visitInsn(Opcodes.ARRAYLENGTH);
        define.visitInsn(Opcodes.ACONST_NULL);
        define.visitInsn(Opcodes.ACONST_NULL);
        define.visitMethodInsn(Opcodes.INVOKEVIRTUAL, UNSAFE, "defineClass",
                "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)Ljava/lang/Class;", false);
        define.visitInsn(Opcodes.ARETURN);
        define.visitMaxs(0, 0);
        define.visitEnd();

        writer.visitEnd();
        return writer.toByteArray();
    }
}
