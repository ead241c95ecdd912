package io.weft.agent.cache;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * A woven method as its class file declares it: class, name, parameter types and names, and the loader
 * that defined it. The generic type of its cached value is resolved by reflection once, on first
 * use, because the class cannot be inspected while it is being woven.
 */
public final class DeclaredMethod {

    private final String declaringType;
    private final String name;
    private final List<String> parameterTypes;
    private final List<String> parameterNames;
    private final WeakReference<ClassLoader> loader;
    private volatile Type valueType;

    /**
     * @param parameterTypes erased binary names, as {@link Class#getName()} spells them
     * @param parameterNames names from the class file, or {@code arg0}, {@code arg1}… when it has none
     */
    public DeclaredMethod(String declaringType, String name, List<String> parameterTypes, List<String> parameterNames,
            ClassLoader loader) {
        this.declaringType = declaringType;
        this.name = name;
        this.parameterTypes = List.copyOf(parameterTypes);
        this.parameterNames = List.copyOf(parameterNames);
        this.loader = new WeakReference<>(loader);
    }

    /** {@code com.acme.Books#find}, for messages. */
    public String owner() {
        return declaringType + "#" + name;
    }

    public List<String> parameterNames() {
        return parameterNames;
    }

    /**
     * The declared type of the cached value: the return type, or its type argument for
     * {@code Optional}, {@code CompletableFuture} and {@code CompletionStage}.
     */
    public Type valueType(ResultShape shape) throws ReflectiveOperationException {
        Type type = valueType;
        if (type == null) {
            type = method().getGenericReturnType();
            if (shape != ResultShape.PLAIN) {
                type = type instanceof ParameterizedType ? ((ParameterizedType) type).getActualTypeArguments()[0]
                        : Object.class;
            }
            valueType = type;
        }
        return type;
    }

    private Method method() throws ReflectiveOperationException {
        Class<?> type = Class.forName(declaringType, false, loader.get());
        for (Method candidate : type.getDeclaredMethods()) {
            if (candidate.getName().equals(name) && matches(candidate.getParameterTypes())) {
                return candidate;
            }
        }
        throw new NoSuchMethodException(owner() + parameterTypes);
    }

    private boolean matches(Class<?>[] types) {
        if (types.length != parameterTypes.size()) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (!types[i].getName().equals(parameterTypes.get(i))) {
                return false;
            }
        }
        return true;
    }
}
