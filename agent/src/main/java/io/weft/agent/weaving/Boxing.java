package io.weft.agent.weaving;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** Boxing and unboxing of a value of a given type on the operand stack, as woven code needs it. */
final class Boxing {

    private Boxing() {
    }

    /** Replaces a primitive on top of the stack by its box ({@code Integer.valueOf}…); references stay. */
    static void box(MethodVisitor mv, Type type) {
        Type boxed = boxed(type);
        if (boxed != null) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, boxed.getInternalName(), "valueOf",
                    Type.getMethodDescriptor(boxed, type), false);
        }
    }

    /** Turns the {@code Object} on top of the stack into {@code type}: a cast, or a cast and an unboxing. */
    static void unbox(MethodVisitor mv, Type type) {
        Type boxed = boxed(type);
        if (boxed == null) {
            if (!type.getDescriptor().equals("Ljava/lang/Object;")) {
                mv.visitTypeInsn(Opcodes.CHECKCAST, type.getInternalName());
            }
            return;
        }
        mv.visitTypeInsn(Opcodes.CHECKCAST, boxed.getInternalName());
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, boxed.getInternalName(), type.getClassName() + "Value",
                Type.getMethodDescriptor(type), false);
    }

    private static Type boxed(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
                return Type.getType(Boolean.class);
            case Type.BYTE:
                return Type.getType(Byte.class);
            case Type.CHAR:
                return Type.getType(Character.class);
            case Type.SHORT:
                return Type.getType(Short.class);
            case Type.INT:
                return Type.getType(Integer.class);
            case Type.FLOAT:
                return Type.getType(Float.class);
            case Type.LONG:
                return Type.getType(Long.class);
            case Type.DOUBLE:
                return Type.getType(Double.class);
            default:
                return null;
        }
    }
}
