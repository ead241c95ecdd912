package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.signature.SignatureReader;
import net.bytebuddy.jar.asm.signature.SignatureVisitor;

/**
 * A declared type as a class file's generic signature spells it ({@code java.util.List<com.acme.Book>}), or as
 * its descriptor does when the class file has no signature, with its erasure as reflection gives it (a type
 * variable's is its first bound's). Read with ASM's {@link SignatureReader}.
 */
final class GenericType {

    private static final String OBJECT = Object.class.getName();
    /** The unbounded wildcard {@code ?}. */
    private static final GenericType UNBOUNDED = new GenericType(OBJECT, "?", List.of(), true, false);
    private static final Map<String, String> BOXES = Map.of("boolean", "java.lang.Boolean", "byte", "java.lang.Byte",
            "char", "java.lang.Character", "short", "java.lang.Short", "int", "java.lang.Integer", "long", "java.lang.Long",
            "float", "java.lang.Float", "double", "java.lang.Double");

    private final String erasure;
    private final String typeName;
    private final List<GenericType> arguments;
    private final boolean wildcard;
    private final boolean namesVariable;

    private GenericType(String erasure, String typeName, List<GenericType> arguments, boolean wildcard,
            boolean namesVariable) {
        this.erasure = erasure;
        this.typeName = typeName;
        this.arguments = arguments;
        this.wildcard = wildcard;
        this.namesVariable = namesVariable;
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

    /**
     * Whether it names a type variable, itself or in its arguments or component ({@code T}, {@code List<T>},
     * {@code T[]}, {@code ? extends T}): what that is depends on the caller, not on the declaration.
     */
    boolean namesVariable() {
        return namesVariable;
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
        return new GenericType(binaryName(type), type.getClassName(), List.of(), false, false);
    }

    /** {@link Class#getName()} of an ASM type. */
    static String binaryName(Type type) {
        return type.getSort() == Type.ARRAY ? type.getDescriptor().replace('/', '.') : type.getClassName();
    }

    /**
     * The parameter types and, last, the return type of a method, from its generic signature when it has one
     * that matches its descriptor, else from the descriptor. Their erasures are always the descriptor's.
     *
     * @param classVariables the type variables of the declaring class, which the signature may use
     */
    static List<GenericType> ofMethod(String descriptor, String signature, TypeVariables classVariables) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        Type returned = Type.getReturnType(descriptor);
        List<GenericType> all = new ArrayList<>();
        if (signature != null) {
            MethodTypes types = new MethodTypes();
            try {
                new SignatureReader(signature).accept(types);
                if (types.parameters.size() == parameters.length && types.returned != null) {
                    TypeVariables variables = new TypeVariables(types.bounds, classVariables);
                    for (int i = 0; i < parameters.length; i++) {
                        all.add(types.parameters.get(i).build(variables).erasedAs(parameters[i]));
                    }
                    all.add(types.returned.build(variables).erasedAs(returned));
                    return all;
                }
            } catch (RuntimeException e) {
                all.clear(); // a malformed signature: the descriptor still describes the method
            }
        }
        for (Type parameter : parameters) {
            all.add(of(parameter));
        }
        all.add(of(returned));
        return all;
    }

    private GenericType erasedAs(Type descriptor) {
        return new GenericType(binaryName(descriptor), typeName, arguments, wildcard, namesVariable);
    }

    /** The type variables a class or a method declares, each erased to its first bound, within those of outer. */
    static final class TypeVariables {

        /** No type variables. */
        static final TypeVariables NONE = new TypeVariables(Map.of(), null);

        private final Map<String, Builder> bounds;
        private final TypeVariables outer;

        private TypeVariables(Map<String, Builder> bounds, TypeVariables outer) {
            this.bounds = bounds;
            this.outer = outer;
        }

        /** The type variables a class's generic signature declares; {@link #NONE} without a signature. */
        static TypeVariables ofClass(String signature) {
            if (signature == null) {
                return NONE;
            }
            Declarations declarations = new Declarations();
            try {
                new SignatureReader(signature).accept(declarations);
            } catch (RuntimeException e) {
                return NONE;
            }
            return new TypeVariables(declarations.bounds, null);
        }

        String erasure(String variable, int depth) {
            Builder bound = bounds.get(variable);
            if (bound != null && depth < 8) {
                return bound.erasure(this, depth + 1);
            }
            return outer != null && depth < 8 ? outer.erasure(variable, depth + 1) : OBJECT;
        }
    }

    /**
     * Collects the first bound of each formal type parameter. The rest of the signature is visited on this visitor
     * too ({@link SignatureVisitor}'s defaults return it) and ignored: the grammar calls the bound methods only in
     * the formal type parameters.
     */
    private static class Declarations extends SignatureVisitor {
        final Map<String, Builder> bounds = new HashMap<>();
        private String formal;

        Declarations() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visitFormalTypeParameter(String name) {
            formal = name;
        }

        @Override
        public SignatureVisitor visitClassBound() {
            return bound();
        }

        @Override
        public SignatureVisitor visitInterfaceBound() {
            return bound();
        }

        private Builder bound() {
            Builder bound = new Builder();
            bounds.putIfAbsent(formal, bound);
            return bound;
        }

    }

    /** Collects the formal type parameters, the parameter types and the return type of a method signature. */
    private static final class MethodTypes extends Declarations {
        final List<Builder> parameters = new ArrayList<>();
        Builder returned;

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
    }

    /** One type of a signature as it is visited; {@link #build} once the visit is over. */
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

        GenericType build(TypeVariables variables) {
            if (bound == '*') {
                return UNBOUNDED;
            }
            GenericType type = exact(variables);
            if (bound == '=') {
                return type;
            }
            // the erasure of a wildcard is its upper bound's, as reflection has it: Object for ? super X
            return new GenericType(bound == '+' ? type.erasure : OBJECT,
                    (bound == '+' ? "? extends " : "? super ") + type.typeName, List.of(), true, type.namesVariable);
        }

        private GenericType exact(TypeVariables variables) {
            if (primitive != null) {
                return of(primitive);
            }
            if (variable != null) {
                return new GenericType(variables.erasure(variable, 0), variable, List.of(), false, true);
            }
            if (component != null) {
                GenericType element = component.exact(variables);
                return new GenericType(erasure(variables, 0), element.typeName + "[]", List.of(), false,
                        element.namesVariable);
            }
            if (arguments.isEmpty()) {
                return new GenericType(className, className, List.of(), false, false);
            }
            List<GenericType> built = new ArrayList<>(arguments.size());
            StringBuilder name = new StringBuilder(className).append('<');
            boolean namesVariable = false;
            for (Builder argument : arguments) {
                GenericType type = argument.build(variables);
                if (!built.isEmpty()) {
                    name.append(", ");
                }
                name.append(type.typeName);
                namesVariable |= type.namesVariable;
                built.add(type);
            }
            return new GenericType(className, name.append('>').toString(), List.copyOf(built), false, namesVariable);
        }

        /** The erasure, as {@link Class#getName()} spells it. */
        String erasure(TypeVariables variables, int depth) {
            if (primitive != null) {
                return primitive.getClassName();
            }
            if (variable != null) {
                return variables.erasure(variable, depth);
            }
            if (component != null) {
                return "[" + component.descriptor(variables, depth);
            }
            return className;
        }

        /** The erasure's descriptor, dotted as {@link Class#getName()} spells arrays. */
        private String descriptor(TypeVariables variables, int depth) {
            if (primitive != null) {
                return primitive.getDescriptor();
            }
            if (component != null) {
                return "[" + component.descriptor(variables, depth);
            }
            return "L" + erasure(variables, depth) + ";";
        }
    }
}
