package io.weft.agent.keys;

import io.weft.agent.bootstrap.Dispatch;
import java.lang.invoke.MethodHandles;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Writes and defines, in this package, the {@link ManyKeyMaker} of one template: for each placeholder, its value read
 * from the slot of its argument (or, for a property path, by {@link Operand#property} of it), described by its
 * {@link ScalarKind}'s method (or, passed unboxed, by {@link ScalarText#decimal} or {@link ScalarText#fraction}), put in the thread's array and folded into the hash with
 * the next literal's hash and length as constants.
 */
final class ManyKeyMakerClass {

    /**
     * The classes written, by what they are written from: a template's class is written once per JVM, however many
     * times its application is deployed (classes defined here stay as long as Weft's loader).
     */
    private static final Map<String, Class<?>> BY_SHAPE = new HashMap<>();
    private static final String MAKER = Type.getInternalName(ManyKeyMaker.class);
    private static final String KEY = Type.getInternalName(CacheKey.class);
    private static final String MANY = Type.getInternalName(CacheKey.ManyValues.class);
    private static final String COMPOSER = Type.getDescriptor(CacheKey.Composer.class);
    private static final String SCOPE = Type.getDescriptor(KeyScope.class);
    private static final String TEXT = Type.getInternalName(ScalarText.class);
    private static final String KIND = Type.getInternalName(ScalarKind.class);
    private static final String UNBOXED = Type.getInternalName(UnboxedArgument.class);
    private static final String OPERAND = Type.getInternalName(Operand.class);
    private static final String OPERANDS = "[L" + OPERAND + ";";
    private static final String OBJECT = "Ljava/lang/Object;";
    /** Local variables: {@code this}, the scope, six object slots, six {@code long} slots (two words each). */
    private static final int SCOPE_VAR = 1;
    private static final int OBJECT_SLOTS = 2;
    private static final int LONG_SLOTS = 8;
    private static final int MANY_VAR = 20;
    private static final int USE_VAR = 21;
    private static final int HASH_VAR = 22;
    private static final int TEXT_VAR = 23;
    /** The property a placeholder reads, once read (after the two words of the text variable). */
    private static final int PROPERTY_VAR = 25;

    private ManyKeyMakerClass() {
    }

    /**
     * The maker of a template's keys, or {@code null} when a placeholder reads the return value or an argument beyond
     * the slots: those keys are made by the loop.
     *
     * @param literals the template's literals, whose hashes and lengths' powers of 31 are the next two
     */
    static ManyKeyMaker of(CacheKey.Composer composer, Operand[] operands, ScalarKind[] kinds, String[] literals,
            int[] literalHashes, int[] literalPowers) throws ReflectiveOperationException {
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < operands.length; i++) {
            int argument = operands[i].argument();
            if (argument < 0 || argument >= Dispatch.MAX_PASSED_ARGUMENTS) {
                return null;
            }
            shape.append(argument).append(operands[i].readsProperty() ? " property " : " ").append(operands[i].unboxed())
                    .append(' ').append(kinds[i]).append(';');
        }
        for (String literal : literals) {
            shape.append('\0').append(literal);
        }
        Class<?> made = classOf(shape.toString(), operands, kinds, literalHashes, literalPowers);
        return (ManyKeyMaker) made.getDeclaredConstructor(CacheKey.Composer.class, Operand[].class)
                .newInstance(composer, operands);
    }

    /** The class written for {@code shape}, written and defined now if it was not. */
    private static synchronized Class<?> classOf(String shape, Operand[] operands, ScalarKind[] kinds,
            int[] literalHashes, int[] literalPowers) throws IllegalAccessException {
        Class<?> made = BY_SHAPE.get(shape);
        if (made == null) {
            String name = MAKER + "$ForTemplate" + BY_SHAPE.size();
            made = MethodHandles.lookup().defineClass(classFile(name, operands, kinds, literalHashes, literalPowers));
            BY_SHAPE.put(shape, made);
        }
        return made;
    }

    private static byte[] classFile(String name, Operand[] operands, ScalarKind[] kinds, int[] literalHashes,
            int[] literalPowers) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                return "java/lang/Object"; // no two frames merge references of different classes here
            }
        };
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                name, null, MAKER, null);
        String constructor = "(" + COMPOSER + OPERANDS + ")V";
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", constructor, null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ALOAD, 1);
        init.visitVarInsn(Opcodes.ALOAD, 2);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, MAKER, "<init>", constructor, false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor key = writer.visitMethod(0, "key",
                "(" + SCOPE + OBJECT.repeat(Dispatch.MAX_PASSED_ARGUMENTS) + "J".repeat(Dispatch.MAX_PASSED_ARGUMENTS) + ")L" + KEY + ";",
                null, null);
        key.visitCode();
        push(key, operands.length);
        key.visitMethodInsn(Opcodes.INVOKESTATIC, KEY, "manyValues", "(I)L" + MANY + ";", false);
        key.visitVarInsn(Opcodes.ASTORE, MANY_VAR);
        key.visitVarInsn(Opcodes.ALOAD, MANY_VAR);
        key.visitFieldInsn(Opcodes.GETFIELD, MANY, "uses", "I");
        key.visitVarInsn(Opcodes.ISTORE, USE_VAR);
        push(key, literalHashes[0]);
        key.visitVarInsn(Opcodes.ISTORE, HASH_VAR);
        for (int i = 0; i < operands.length; i++) {
            value(key, i, operands[i], kinds[i]);
            key.visitVarInsn(Opcodes.ILOAD, HASH_VAR);
            key.visitVarInsn(Opcodes.LLOAD, TEXT_VAR);
            push(key, literalPowers[i + 1]);
            push(key, literalHashes[i + 1]);
            key.visitMethodInsn(Opcodes.INVOKESTATIC, MAKER, "fold", "(IJII)I", false);
            key.visitVarInsn(Opcodes.ISTORE, HASH_VAR);
        }
        key.visitVarInsn(Opcodes.ALOAD, SCOPE_VAR);
        key.visitVarInsn(Opcodes.ILOAD, HASH_VAR);
        key.visitVarInsn(Opcodes.ALOAD, 0);
        key.visitFieldInsn(Opcodes.GETFIELD, MAKER, "composer", COMPOSER);
        key.visitVarInsn(Opcodes.ALOAD, MANY_VAR);
        key.visitVarInsn(Opcodes.ILOAD, USE_VAR);
        key.visitMethodInsn(Opcodes.INVOKESTATIC, KEY, "probeOfMany",
                "(" + SCOPE + "I" + COMPOSER + "L" + MANY + ";I)L" + KEY + ";", false);
        key.visitInsn(Opcodes.ARETURN);
        key.visitMaxs(0, 0);
        key.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * Describes the value of placeholder {@code i} into the text variable, returns {@code null} when it is not a
     * scalar, and puts it in the thread's array.
     */
    private static void value(MethodVisitor key, int i, Operand operand, ScalarKind kind) {
        int argument = operand.argument();
        UnboxedArgument unboxed = operand.unboxed();
        int bits = LONG_SLOTS + 2 * argument;
        int object = OBJECT_SLOTS + argument;
        if (operand.readsProperty()) {
            key.visitVarInsn(Opcodes.ALOAD, 0);
            key.visitFieldInsn(Opcodes.GETFIELD, MAKER, "operands", OPERANDS);
            push(key, i);
            key.visitInsn(Opcodes.AALOAD);
            key.visitVarInsn(Opcodes.ALOAD, object);
            key.visitMethodInsn(Opcodes.INVOKEVIRTUAL, OPERAND, "property", "(" + OBJECT + ")" + OBJECT, false);
            key.visitVarInsn(Opcodes.ASTORE, PROPERTY_VAR);
            object = PROPERTY_VAR;
        }
        if (unboxed != null) {
            key.visitVarInsn(Opcodes.LLOAD, bits);
            if (unboxed == UnboxedArgument.DOUBLE) {
                key.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                key.visitMethodInsn(Opcodes.INVOKESTATIC, TEXT, "fraction", "(D)J", false);
            } else {
                key.visitMethodInsn(Opcodes.INVOKESTATIC, TEXT, "decimal", "(J)J", false);
            }
        } else {
            key.visitVarInsn(Opcodes.ALOAD, object);
            key.visitMethodInsn(Opcodes.INVOKESTATIC, KIND, kind.describer, "(" + OBJECT + ")J", false);
        }
        key.visitVarInsn(Opcodes.LSTORE, TEXT_VAR);
        Label scalar = new Label();
        key.visitVarInsn(Opcodes.LLOAD, TEXT_VAR);
        key.visitInsn(Opcodes.LCONST_0); // ScalarText.NOT_SCALAR
        key.visitInsn(Opcodes.LCMP);
        key.visitJumpInsn(Opcodes.IFNE, scalar);
        key.visitInsn(Opcodes.ACONST_NULL);
        key.visitInsn(Opcodes.ARETURN);
        key.visitLabel(scalar);
        key.visitVarInsn(Opcodes.ALOAD, MANY_VAR);
        push(key, i);
        if (unboxed != null) {
            key.visitFieldInsn(Opcodes.GETSTATIC, UNBOXED, unboxed.name(), "L" + UNBOXED + ";");
            key.visitVarInsn(Opcodes.LLOAD, bits);
        } else {
            key.visitVarInsn(Opcodes.ALOAD, object);
            if (kind == ScalarKind.ANY) {
                key.visitMethodInsn(Opcodes.INVOKESTATIC, KIND, "heldAny", "(" + OBJECT + ")" + OBJECT, false);
            }
            key.visitInsn(Opcodes.LCONST_0);
        }
        key.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MANY, "put", "(I" + OBJECT + "J)V", false);
    }

    private static void push(MethodVisitor method, int value) {
        method.visitLdcInsn(value);
    }
}
