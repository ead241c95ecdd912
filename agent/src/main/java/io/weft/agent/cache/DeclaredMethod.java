package io.weft.agent.cache;

import io.weft.agent.keys.ClassBound;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.function.Function;

/**
 * A woven method as its class file declares it: class, name, parameter types and names, and the loader
 * that defined it (held weakly). The generic type of its cached value is resolved by reflection on first
 * use, because the class cannot be inspected while it is being woven.
 */
public final class DeclaredMethod {

    private final String declaringType;
    private final String name;
    private final List<String> parameterTypes;
    private final List<String> parameterNames;
    private final WeakReference<ClassLoader> loader;
    private final ClassBound<Method> method;
    private final ClassBound<Class<?>> declaringClass;

    private static final Function<Class<?>, Class<?>> SAME_CLASS = new Function<>() {
        @Override
        public Class<?> apply(Class<?> type) {
            return type;
        }
    };

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
        this.loader = loader == null ? null : new WeakReference<>(loader);
        // classes, not lambdas: made as the first woven class is, where each lambda costs a class spun at run time
        this.method = new ClassBound<>(declaringType, loader, new Function<Class<?>, Method>() {
            @Override
            public Method apply(Class<?> type) {
                return find(type);
            }
        });
        this.declaringClass = new ClassBound<>(declaringType, loader, SAME_CLASS);
    }

    /** {@code com.acme.Books#find}, for messages. */
    public String owner() {
        return declaringType + "#" + name;
    }

    /** The erased parameter types, as {@link Class#getName()} spells them. */
    public List<String> parameterTypes() {
        return parameterTypes;
    }

    public List<String> parameterNames() {
        return parameterNames;
    }

    /**
     * The declared type of the cached value: the return type, or its type argument for
     * {@code Optional}, {@code CompletableFuture} and {@code CompletionStage}, or {@code V} of a batch method's
     * {@code Map<E, V>}. The method is found by reflection on first use and kept by its class, never strongly by
     * Weft (SPEC §10).
     */
    public Type valueType(ResultShape shape) throws ReflectiveOperationException {
        Type type = method.get().getGenericReturnType();
        if (shape != ResultShape.PLAIN) {
            type = type instanceof ParameterizedType
                    ? ((ParameterizedType) type).getActualTypeArguments()[shape == ResultShape.BATCH ? 1 : 0]
                    : Object.class;
        }
        return type;
    }

    /**
     * The class that declares the method, found through its loader without reflecting on its methods (which loads
     * the classes their signatures name, on the caller's thread).
     */
    public Class<?> declaringClass() throws ClassNotFoundException {
        return declaringClass.get();
    }

    /**
     * Calls the method on {@code receiver} ({@code null} when it is static) with {@code args}, private or not (the
     * woven class's module opens its packages to the agent): the woven method, so its advice runs. The thread's
     * context class loader is the method's class's loader meanwhile, as on the application's own threads.
     *
     * @throws InvocationTargetException carrying what the method threw
     */
    Object invoke(Object receiver, Object[] args) throws ReflectiveOperationException {
        Method target = method.get();
        target.setAccessible(true);
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(target.getDeclaringClass().getClassLoader());
        try {
            return target.invoke(receiver, args);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** Whether the loader that defined the method was collected (its application is gone). */
    boolean loaderCollected() {
        return loader != null && loader.get() == null;
    }

    private Method find(Class<?> type) {
        for (Method candidate : type.getDeclaredMethods()) {
            if (candidate.getName().equals(name) && matches(candidate.getParameterTypes())) {
                return candidate;
            }
        }
        throw new IllegalStateException(new NoSuchMethodException(owner() + parameterTypes));
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
