package io.weft.agent.cache;

import io.weft.agent.keys.BatchTemplate;

/**
 * A woven batch method (SPEC §13): a {@code @CacheResult} method whose key has a {@code [*]} placeholder and that
 * returns a {@code Map<E, V>} keyed by element. Each element is an entry of its own, rendered, cached and stored
 * as a single-element method of the same key template would do it: {@link #method()} describes that element
 * method (its key renders one element; its shape is {@link ResultShape#BATCH}: its values are the {@code V}s).
 */
public final class BatchMethod {

    private final CachedMethod method;
    private final BatchTemplate key;

    /**
     * @param method the method as each element's entry is cached: its key is {@code key}'s element key
     * @param key the batch template, bound to the method's parameters
     */
    public BatchMethod(CachedMethod method, BatchTemplate key) {
        this.method = method;
        this.key = key;
    }

    /** The method as each element's entry is cached. */
    public CachedMethod method() {
        return method;
    }

    BatchTemplate key() {
        return key;
    }
}
