package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.signature.SignatureReader;
import net.bytebuddy.jar.asm.signature.SignatureVisitor;

/**
 * A declared type as a class file's generic signature spells it ({@code java.util.List<com.acme.Book>}), or as
 * its descriptor does when the class file has no signature. Read with ASM's {@link SignatureReader}.
 */
final class GenericType {

    /** The unbounded wildcard {@code ?}. */
    private static final GenericType UNBOUNDED = new GenericType(Object.class.getName(), "?", List.of(), true);

    private static final Map<String, String> BOXES = Map.of("boolean", "java.lang.Boolean", "byte", "java.lang.Byte",
            "char", "java.lang.Character", "short", "java.lang.Short", "int", "java.lang.Integer", "long", "java.lang.Long",
            "float", "java.lang.Float", "double", "java.lang.Double");

    private final String erasure;
    private final String typeName;
    private final List<GenericType> arguments;
    private final boolean wildcard;

    private GenericType(String erasure, String typeName, List<GenericType> arguments, boolean wildcard) {
        this.erasure = erasure;
        this.typeName = typeName;
        this.arguments = arguments;
        this.wildcard = wildcard;
    }

    /** The erasure as {@link Class#getName()} spells it ({@code [Ljava.lang.String;} for an array). */
    String erasure() {
        return erasure;
    }

    /** The type as source code spells it, with its type arguments ({@code java.util.List<com.acme.Book>}). */
    String typeName() {
        return typeName;
    }

    /** The type arguments of a parameterized type; empty otherwise. */
    List<GenericType> arguments() {
        return arguments;
    }

    /** Whether this is a wildcard type argument ({@code ?}, {@code ? extends X}, {@code ? super X}). */
    boolean isWildcard() {
        return wildcard;
    }

    /** The box of a primitive type ({@code java.lang.Integer} for {@code int}); any other type as it is. */
    String boxedTypeName() {
        return BOXES.getOrDefault(erasure, typeName);
    }

    /** The non-generic type of a descriptor. */
    static GenericType of(Type type) {
        return new GenericType(binaryName(type), type.getClassName(), List.of(), false);
    }

    /** {@link Class#getName()} of an ASM type. */
    static String binaryName(Type type) {
        return type.getSort() == Type.ARRAY ? type.getDescriptor().replace('/', '.') : type.getClassName();
    }

    /**
     * The parameter types and, last, the return type of a method, from its generic signature when it has one
     * that matches its descriptor, else from the descriptor.
     */
    static List<GenericType> ofMethod(String descriptor, String signature) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        if (signature != null) {
            MethodTypes types = new MethodTypes();
            try {
                new SignatureReader(signature).accept(types);
                if (types.parameters.size() == parameters.length && types.returned != null) {
                    List<GenericType> all = new ArrayList<>();
                    for (Builder parameter : types.parameters) {
                        all.add(parameter.build());
                    }
                    all.add(types.returned.build());
                    return all;
                }
            } catch (RuntimeException e) {
                // a malformed signature: the descriptor still describes the method
            }
        }
        List<GenericType> all = new ArrayList<>();
        for (Type parameter : parameters) {
            all.add(of(parameter));
        }
        all.add(of(Type.getReturnType(descriptor)));
        return all;
    }

    /** Collects the parameter and return types of a method signature; bounds and exceptions are ignored. */
    private static final class MethodTypes extends SignatureVisitor {
        final List<Builder> parameters = new ArrayList<>();
        Builder returned;

        MethodTypes() {
            super(Opcodes.ASM9);
        }

        @Override
        public SignatureVisitor visitClassBound() {
            return new Builder();
        }

        @Override
        public SignatureVisitor visitInterfaceBound() {
            return new Builder();
        }

        @Override
        public SignatureVisitor visitParameterType() {
            Builder parameter = new Builder();
            parameters.add(parameter);
            return parameter;
        }

        @Override
        public SignatureVisitor visitReturnType() {
            returned = new Builder();
            return returned;
        }

        @Override
        public SignatureVisitor visitExceptionType() {
            return new Builder();
        }
    }

    /** One type of a signature as it is visited; {@link #build()} once the visit is over. */
    private static final class Builder extends SignatureVisitor {
        private Type primitive;
        private String variable;
        private Builder component;
        private String className;
        private final List<Builder> arguments = new ArrayList<>();
        /** For a type argument: '=', '+' ({@code ? extends}), '-' ({@code ? super}) or '*' (unbounded). */
        private char bound = '=';

        Builder() {
            super(Opcodes.ASM9);
        }

        private Builder(char bound) {
            this();
            this.bound = bound;
        }

        @Override
        public void visitBaseType(char descriptor) {
            primitive = Type.getType(String.valueOf(descriptor));
        }

        @Override
        public void visitTypeVariable(String name) {
            variable = name;
        }

        @Override
        public SignatureVisitor visitArrayType() {
            component = new Builder();
            return component;
        }

        @Override
        public void visitClassType(String name) {
            className = name.replace('/', '.');
        }

        @Override
        public void visitInnerClassType(String name) {
            className = className + "$" + name;
            arguments.clear();
        }

        @Override
        public void visitTypeArgument() {
            arguments.add(new Builder('*'));
        }

        @Override
        public SignatureVisitor visitTypeArgument(char wildcard) {
            Builder argument = new Builder(wildcard);
            arguments.add(argument);
            return argument;
        }

        GenericType build() {
            if (bound == '*') {
                return UNBOUNDED;
            }
            GenericType type = exact();
            if (bound == '=') {
                return type;
            }
            return new GenericType(type.erasure, (bound == '+' ? "? extends " : "? super ") + type.typeName, List.of(), true);
        }

        private GenericType exact() {
            if (primitive != null) {
                return of(primitive);
            }
            if (variable != null) {
                return new GenericType(Object.class.getName(), variable, List.of(), false);
            }
            if (component != null) {
                return new GenericType(descriptor(), component.exact().typeName + "[]", List.of(), false);
            }
            if (arguments.isEmpty()) {
                return new GenericType(className, className, List.of(), false);
            }
            List<GenericType> built = new ArrayList<>(arguments.size());
            StringBuilder name = new StringBuilder(className).append('<');
            for (Builder argument : arguments) {
                GenericType type = argument.build();
                if (!built.isEmpty()) {
                    name.append(", ");
                }
                name.append(type.typeName);
                built.add(type);
            }
            return new GenericType(className, name.append('>').toString(), List.copyOf(built), false);
        }

        /** The descriptor of the erasure, dotted as {@link Class#getName()} spells arrays. */
        private String descriptor() {
            if (primitive != null) {
                return primitive.getDescriptor();
            }
            if (component != null) {
                return "[" + component.descriptor();
            }
            return "L" + (variable != null ? Object.class.getName() : className) + ";";
        }
    }
}
