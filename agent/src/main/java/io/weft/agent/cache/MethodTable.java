package io.weft.agent.cache;

import java.util.Arrays;

/**
 * Woven methods by the id compiled into their advice. Registration (at weave time) copies the
 * array; lookup on the hot path is one volatile read and an index.
 */
public final class MethodTable {

    private volatile Object[] methods = new Object[0];

    /** Registers a {@link CachedMethod} or {@link Invalidation} and returns its id. */
    public synchronized int register(Object method) {
        Object[] grown = Arrays.copyOf(methods, methods.length + 1);
        grown[methods.length] = method;
        methods = grown;
        return methods.length - 1;
    }

    Object get(int id) {
        return methods[id];
    }

    /** Every registered method, for reports. */
    public Object[] snapshot() {
        return methods.clone();
    }
}
