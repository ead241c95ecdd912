package io.weft.agent.weaving;

import io.weft.agent.keys.Signature;
import java.util.List;
import java.util.Set;

/**
 * The signature of an annotated method as the binder needs it, from its class file. When the class file handed
 * over names no parameter, the names come from the class file its loader holds: an agent that transformed the
 * class first (OpenTelemetry's inlined advice) puts code before the method's first instruction, and only
 * LocalVariableTable entries that start there name parameters.
 */
final class MethodSignature implements Signature {

    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "char", "short", "int", "long", "float",
            "double", "void");

    private final String className;
    private final AnnotatedMethod method;
    private final ClassLoader classLoader;
    private AnnotatedMethod asLoaded;

    MethodSignature(String className, AnnotatedMethod method, ClassLoader classLoader) {
        this.className = className;
        this.method = method;
        this.classLoader = classLoader;
    }

    @Override
    public int parameterCount() {
        return method.parameterCount();
    }

    @Override
    public String parameterName(int index) {
        String name = method.parameterName(index);
        return name != null ? name : asLoaded().parameterName(index);
    }

    /** The method as the class file of its loader describes it, or as handed over when that cannot be read. */
    private AnnotatedMethod asLoaded() {
        if (asLoaded == null) {
            asLoaded = method;
            AnnotatedClass loaded = AnnotatedClass.readFrom(classLoader, className);
            AnnotatedMethod same = loaded == null ? null : loaded.method(method.name(), method.descriptor());
            if (same != null) {
                asLoaded = same;
            }
        }
        return asLoaded;
    }

    @Override
    public String parameterType(int index) {
        return method.parameterType(index).erasure();
    }

    @Override
    public String elementTypeArgument(int index) {
        List<GenericType> arguments = method.parameterType(index).arguments();
        return arguments.size() == 1 && !arguments.get(0).isWildcard() ? arguments.get(0).erasure() : null;
    }

    @Override
    public String returnType() {
        return method.returnType().erasure();
    }

    @Override
    public ClassLoader classLoader() {
        return classLoader;
    }

    @Override
    public void checkPath(String typeName, List<String> path) {
        String type = typeName;
        for (String property : path) {
            if (PRIMITIVES.contains(type)) {
                throw new IllegalArgumentException("property '" + property + "' cannot be read from primitive " + type);
            }
            String next = ClassMembers.propertyType(classLoader, type, property);
            if (next == null) {
                throw new IllegalArgumentException("type " + type + " has no accessor " + property
                        + "(), getter or field '" + property + "'");
            }
            type = next;
        }
    }
}
