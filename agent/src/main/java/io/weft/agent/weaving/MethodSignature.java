package io.weft.agent.weaving;

import io.weft.agent.keys.Signature;
import java.util.List;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * A method as its class file describes it, read through Byte Buddy's type pool in extended mode,
 * which takes parameter names from MethodParameters or, failing that, the LocalVariableTable. When the
 * class file handed over names no parameter, the names come from the class file its loader holds: an agent
 * that transformed the class first (OpenTelemetry's inlined advice) puts code before the method's first
 * instruction, and the type pool only takes LocalVariableTable entries that start there.
 */
final class MethodSignature implements Signature {

    private final MethodDescription method;
    private final ClassLoader classLoader;
    private MethodDescription asLoaded;

    MethodSignature(MethodDescription method, ClassLoader classLoader) {
        this.method = method;
        this.classLoader = classLoader;
    }

    @Override
    public int parameterCount() {
        return method.getParameters().size();
    }

    @Override
    public String parameterName(int index) {
        ParameterDescription parameter = method.getParameters().get(index);
        if (!parameter.isNamed()) {
            parameter = asLoaded().getParameters().get(index);
        }
        return parameter.isNamed() ? parameter.getName() : null;
    }

    /** The method as the class file of its loader describes it, or as handed over when that cannot be read. */
    private MethodDescription asLoaded() {
        if (asLoaded == null) {
            asLoaded = method;
            try {
                TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(),
                        ClassFileLocator.ForClassLoader.of(classLoader), TypePool.Default.ReaderMode.EXTENDED);
                String descriptor = method.getDescriptor();
                asLoaded = pool.describe(method.getDeclaringType().getTypeName()).resolve().getDeclaredMethods()
                        .filter(ElementMatchers.named(method.getInternalName())
                                .and(ElementMatchers.hasDescriptor(descriptor))).getOnly();
            } catch (RuntimeException e) {
                // no class file to read (a generated class): the parameters stay unnamed
            }
        }
        return asLoaded;
    }

    @Override
    public String parameterType(int index) {
        return method.getParameters().get(index).getType().asErasure().getName();
    }

    @Override
    public String elementTypeArgument(int index) {
        TypeDescription.Generic type = method.getParameters().get(index).getType();
        return type.getSort() == TypeDescription.Generic.Sort.PARAMETERIZED && type.getTypeArguments().size() == 1
                && type.getTypeArguments().get(0).getSort() != TypeDescription.Generic.Sort.WILDCARD
                ? type.getTypeArguments().get(0).asErasure().getName() : null;
    }

    @Override
    public String returnType() {
        return method.getReturnType().asErasure().getName();
    }

    @Override
    public ClassLoader classLoader() {
        return classLoader;
    }

    @Override
    public void checkPath(String typeName, List<String> path) {
        TypeDescription type = declaredType(typeName);
        for (String property : path) {
            if (type.isPrimitive()) {
                throw new IllegalArgumentException("property '" + property + "' cannot be read from primitive "
                        + type.getName());
            }
            TypeDescription next = propertyType(type, property);
            if (next == null) {
                throw new IllegalArgumentException("type " + type.getName() + " has no accessor " + property
                        + "(), getter or field '" + property + "'");
            }
            type = next;
        }
    }

    private TypeDescription declaredType(String typeName) {
        if (returnType().equals(typeName)) {
            return method.getReturnType().asErasure();
        }
        for (ParameterDescription parameter : method.getParameters()) {
            if (parameter.getType().asErasure().getName().equals(typeName)) {
                return parameter.getType().asErasure();
            }
        }
        throw new IllegalArgumentException("no declared type " + typeName);
    }

    /** The type of {@code property} of {@code type}: accessor, getter or field, searched up the hierarchy. */
    private static TypeDescription propertyType(TypeDescription type, String property) {
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (TypeDefinition current = type; current != null; current = superClass(current)) {
            for (String name : new String[] {property, "get" + capitalized, "is" + capitalized}) {
                for (MethodDescription candidate : current.getDeclaredMethods().filter(ElementMatchers.named(name)
                        .and(ElementMatchers.takesArguments(0)).and(ElementMatchers.not(ElementMatchers.isStatic())))) {
                    if (!candidate.getReturnType().represents(void.class)) {
                        return candidate.getReturnType().asErasure();
                    }
                }
            }
            for (TypeDescription.Generic iface : current.getInterfaces()) {
                TypeDescription found = propertyType(iface.asErasure(), property);
                if (found != null) {
                    return found;
                }
            }
        }
        for (TypeDefinition current = type; current != null; current = superClass(current)) {
            for (FieldDescription field : current.getDeclaredFields().filter(ElementMatchers.named(property))) {
                if (!field.isStatic()) {
                    return field.getType().asErasure();
                }
            }
        }
        return null;
    }

    private static TypeDefinition superClass(TypeDefinition type) {
        TypeDescription.Generic superClass = type.getSuperClass();
        return superClass == null ? null : superClass;
    }
}
