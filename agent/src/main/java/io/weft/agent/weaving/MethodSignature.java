package io.weft.agent.weaving;

import io.weft.agent.keys.Signature;
import java.util.List;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** A method as its class file describes it; property paths are checked against the class files of their types. */
final class MethodSignature implements Signature {

    private final ClassFile.Method method;
    private final ClassFiles classFiles;
    private final Type[] parameterTypes;

    MethodSignature(ClassFile.Method method, ClassFiles classFiles) {
        this.method = method;
        this.classFiles = classFiles;
        this.parameterTypes = method.parameterTypes();
    }

    @Override
    public int parameterCount() {
        return parameterTypes.length;
    }

    @Override
    public String parameterName(int index) {
        return method.parameterName(index);
    }

    @Override
    public String parameterType(int index) {
        return Types.className(parameterTypes[index]);
    }

    @Override
    public String returnType() {
        return Types.className(method.returnType());
    }

    @Override
    public ClassLoader classLoader() {
        return classFiles.loader();
    }

    @Override
    public void checkPath(String typeName, List<String> path) {
        Type type = declaredType(typeName);
        for (String property : path) {
            if (Types.isPrimitive(type)) {
                throw new IllegalArgumentException("property '" + property + "' cannot be read from primitive "
                        + Types.className(type));
            }
            Type next = propertyType(type, property);
            if (next == null) {
                throw new IllegalArgumentException("type " + Types.className(type) + " has no accessor " + property
                        + "(), getter or field '" + property + "'");
            }
            type = next;
        }
    }

    private Type declaredType(String typeName) {
        if (returnType().equals(typeName)) {
            return method.returnType();
        }
        for (Type parameter : parameterTypes) {
            if (Types.className(parameter).equals(typeName)) {
                return parameter;
            }
        }
        throw new IllegalArgumentException("no declared type " + typeName);
    }

    /** The type of {@code property} of {@code type}: accessor, getter or field, searched up the hierarchy. */
    private Type propertyType(Type type, String property) {
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (ClassFile current = classFiles.of(type); current != null; current = superClass(current)) {
            for (String name : new String[] {property, "get" + capitalized, "is" + capitalized}) {
                for (ClassFile.Method candidate : current.methods) {
                    if (candidate.name.equals(name) && candidate.parameterTypes().length == 0
                            && !candidate.is(Opcodes.ACC_STATIC) && candidate.returnType().getSort() != Type.VOID) {
                        return candidate.returnType();
                    }
                }
            }
            for (String iface : current.interfaces) {
                Type found = propertyType(Type.getObjectType(iface), property);
                if (found != null) {
                    return found;
                }
            }
        }
        for (ClassFile current = classFiles.of(type); current != null; current = superClass(current)) {
            for (ClassFile.Field field : current.fields) {
                if (field.name.equals(property) && (field.access & Opcodes.ACC_STATIC) == 0) {
                    return Type.getType(field.descriptor);
                }
            }
        }
        return null;
    }

    private ClassFile superClass(ClassFile type) {
        return type.superName == null ? null : classFiles.of(Type.getObjectType(type.superName));
    }
}
