package io.weft.agent.weaving;

import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Type;

/**
 * What weaving needs to know about one class, read from its class file without loading it: names,
 * supertypes and members, and for each method its Weft annotations and parameter names.
 */
final class ClassFile {

    /** One declared method. */
    static final class Method {
        final int access;
        final String name;
        final String descriptor;
        /** The generic signature, or {@code null} when the method has none. */
        final String signature;
        private final Map<String, AnnotationValues> annotations;
        private final String[] parameterNames;

        Method(int access, String name, String descriptor, String signature, Map<String, AnnotationValues> annotations,
                String[] parameterNames) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.signature = signature;
            this.annotations = annotations;
            this.parameterNames = parameterNames;
        }

        /** The Weft annotation of that binary name on this method, or {@code null}. */
        AnnotationValues annotation(String typeName) {
            return annotations.get(typeName);
        }

        /** The name of a parameter, or {@code null} when the class file does not record it. */
        String parameterName(int index) {
            return parameterNames[index];
        }

        boolean is(int flag) {
            return (access & flag) != 0;
        }

        Type returnType() {
            return Type.getReturnType(descriptor);
        }

        Type[] parameterTypes() {
            return Type.getArgumentTypes(descriptor);
        }
    }

    /** One declared field. */
    static final class Field {
        final int access;
        final String name;
        final String descriptor;

        Field(int access, String name, String descriptor) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
        }
    }

    /** The binary name, such as {@code a.B$C}. */
    final String name;
    /** As {@link Class#getSimpleName()}: {@code C} for {@code a.B$C}, empty for an anonymous class. */
    final String simpleName;
    /** The superclass's internal name; {@code null} for {@code Object} and for interfaces, as in reflection. */
    final String superName;
    /** Internal names of the directly implemented interfaces. */
    final List<String> interfaces;
    final List<Method> methods;
    final List<Field> fields;

    ClassFile(String name, String simpleName, String superName, List<String> interfaces, List<Method> methods,
            List<Field> fields) {
        this.name = name;
        this.simpleName = simpleName;
        this.superName = superName;
        this.interfaces = interfaces;
        this.methods = methods;
        this.fields = fields;
    }

    /** The members of an array type: none of its own, {@code Object} as superclass, two interfaces. */
    static ClassFile array(Type type) {
        return new ClassFile(Types.className(type), "", "java/lang/Object", List.of("java/lang/Cloneable",
                "java/io/Serializable"), List.of(), List.of());
    }

}
