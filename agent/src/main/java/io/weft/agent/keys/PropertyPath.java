package io.weft.agent.keys;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * A property path such as {@code .user.id} read from a value: each step is a record accessor
 * {@code a()}, a getter {@code getA()}/{@code isA()} or a field {@code a} of the declared type. The
 * weaver checks that the path exists; the accessors are resolved once, on first use, into method
 * handles (the declared classes cannot be loaded while the method's own class is being woven), kept by the
 * declared class ({@link ClassBound}) so that they never hold an undeployed application's loader.
 * A {@code null} anywhere on the path reads as {@code null}.
 */
final class PropertyPath {

    private static final MethodType READER = MethodType.methodType(Object.class, Object.class);

    private final String declaredType;
    private final List<String> names;
    private final ClassBound<MethodHandle[]> readers;

    PropertyPath(String declaredType, List<String> names, ClassLoader loader) {
        this.declaredType = declaredType;
        this.names = names;
        this.readers = new ClassBound<>(declaredType, loader, this::resolve);
    }

    Object read(Object root) {
        MethodHandle[] steps;
        try {
            steps = readers.get();
        } catch (ClassNotFoundException e) {
            throw failure(e);
        }
        Object value = root;
        try {
            for (MethodHandle step : steps) {
                if (value == null) {
                    return null;
                }
                value = step.invokeExact(value);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return value;
    }

    private MethodHandle[] resolve(Class<?> declared) {
        try {
            Class<?> type = declared;
            MethodHandle[] steps = new MethodHandle[names.size()];
            for (int i = 0; i < steps.length; i++) {
                AccessibleObject accessor = find(type, names.get(i));
                accessor.setAccessible(true);
                MethodHandle handle;
                if (accessor instanceof Method) {
                    handle = MethodHandles.lookup().unreflect((Method) accessor);
                    type = ((Method) accessor).getReturnType();
                } else {
                    handle = MethodHandles.lookup().unreflectGetter((Field) accessor);
                    type = ((Field) accessor).getType();
                }
                steps[i] = handle.asType(READER);
            }
            return steps;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw failure(e);
        }
    }

    private IllegalStateException failure(Exception e) {
        return new IllegalStateException("cannot read property path ." + String.join(".", names)
                + " of " + declaredType + ": " + e, e);
    }

    private static AccessibleObject find(Class<?> type, String name) throws NoSuchFieldException {
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : new String[] {name, "get" + capitalized, "is" + capitalized}) {
            Method method = findMethod(type, candidate);
            if (method != null) {
                return method;
            }
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getName().equals(name) && !Modifier.isStatic(field.getModifiers())) {
                    return field;
                }
            }
        }
        throw new NoSuchFieldException("no accessor " + name + "(), get" + capitalized + "(), is" + capitalized
                + "() or field " + name + " in " + type.getName());
    }

    private static Method findMethod(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            if (method.getReturnType() != void.class && !Modifier.isStatic(method.getModifiers())) {
                return method;
            }
        } catch (NoSuchMethodException e) {
            // not public: look at declared methods below
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.getName().equals(name) && method.getParameterCount() == 0
                        && method.getReturnType() != void.class && !Modifier.isStatic(method.getModifiers())) {
                    return method;
                }
            }
        }
        return null;
    }
}
