package io.weft.agent.weaving;

import net.bytebuddy.jar.asm.Type;

/** Names of ASM {@link Type}s as the rest of the agent spells them. */
final class Types {

    private Types() {
    }

    /** Whether {@code type} is a primitive type other than {@code void}. */
    static boolean isPrimitive(Type type) {
        return type.getSort() >= Type.BOOLEAN && type.getSort() <= Type.DOUBLE;
    }

    /** The name {@link Class#getName()} gives the type: {@code int}, {@code a.B$C}, {@code [Ljava.lang.String;}. */
    static String className(Type type) {
        return type.getSort() == Type.ARRAY ? type.getDescriptor().replace('/', '.') : type.getClassName();
    }

    /** The internal name of a primitive type's wrapper class, such as {@code java/lang/Integer}. */
    static String wrapper(Type primitive) {
        switch (primitive.getSort()) {
            case Type.BOOLEAN:
                return "java/lang/Boolean";
            case Type.CHAR:
                return "java/lang/Character";
            case Type.BYTE:
                return "java/lang/Byte";
            case Type.SHORT:
                return "java/lang/Short";
            case Type.INT:
                return "java/lang/Integer";
            case Type.FLOAT:
                return "java/lang/Float";
            case Type.LONG:
                return "java/lang/Long";
            case Type.DOUBLE:
                return "java/lang/Double";
            default:
                throw new IllegalArgumentException("not a primitive type: " + primitive);
        }
    }
}
