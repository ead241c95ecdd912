package io.weft.agent.keys;

import java.lang.ref.WeakReference;
import java.util.function.Function;

/**
 * Something resolved once from an application's class (a method, method handles) and kept by that class, in a
 * {@link ClassValue}, so that Weft never holds the class's loader strongly (SPEC §10): when the loader is
 * collected, the value goes with it. Reads go through a weak reference to the value; the class is looked up by
 * name only when that reference is empty (the first read, or after a redeploy's old class was collected).
 */
public final class ClassBound<T> {

    private final String className;
    private final WeakReference<ClassLoader> loader;
    private final ClassValue<T> byClass;
    private volatile WeakReference<T> last = new WeakReference<>(null);

    /**
     * @param loader the loader to find {@code className} with ({@code null}: the bootstrap loader)
     * @param resolve computes the value from the class; it must hold nothing of any class but its result
     */
    public ClassBound(String className, ClassLoader loader, Function<Class<?>, T> resolve) {
        this.className = className;
        this.loader = new WeakReference<>(loader);
        this.byClass = new ClassValue<>() {
            @Override
            protected T computeValue(Class<?> type) {
                return resolve.apply(type);
            }
        };
    }

    /** The value, resolved on first use; whatever {@code resolve} throws is thrown here. */
    public T get() throws ClassNotFoundException {
        T value = last.get();
        if (value == null) {
            value = byClass.get(Class.forName(className, false, loader.get()));
            last = new WeakReference<>(value);
        }
        return value;
    }
}
