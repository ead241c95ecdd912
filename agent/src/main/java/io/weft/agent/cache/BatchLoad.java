package io.weft.agent.cache;

import io.weft.agent.bootstrap.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One call of a batch method whose body runs (SPEC §13): the elements as the caller passed them, the values
 * already found (in L1, in Redis, or in another call's load), and the elements the body loads: those whose
 * {@link Load} this call owns (single flight and a lease per element), and those it loads without owning them
 * (a re-entrant call, or another load that started meanwhile), whose values are returned but not stored.
 */
final class BatchLoad extends Token {

    private final List<Object> elements;
    private final Object argument;
    private final Map<Object, Object> found;
    private final Map<Object, Load> owned = new LinkedHashMap<>();
    private final Set<Object> unowned = new HashSet<>();
    private String lease;
    private long startNanos;

    /**
     * @param elements the batch argument's elements, in the caller's order (duplicates kept)
     * @param argument the batch argument as the caller passed it
     * @param found the values found so far by element (a null value: cached as absent)
     */
    BatchLoad(List<Object> elements, Object argument, Map<Object, Object> found) {
        this.elements = elements;
        this.argument = argument;
        this.found = found;
    }

    /** The batch argument as the caller passed it. */
    Object argument() {
        return argument;
    }

    /** Records a value found for {@code element} (null: it has none). */
    void found(Object element, Object value) {
        found.put(element, value);
    }

    /** Registers a load this call owns. */
    void own(Object element, Load load) {
        owned.put(element, load);
    }

    /** Registers an element this call's body loads without owning its load (its value is not stored). */
    void loadUnowned(Object element) {
        unowned.add(element);
    }

    /** The loads this call owns, by element (an element found in Redis after all is removed through it). */
    Map<Object, Load> owned() {
        return owned;
    }

    /** The elements this call's body loads without owning their loads. */
    Set<Object> unowned() {
        return unowned;
    }

    /** The distinct elements the body is called with, in the caller's order. */
    List<Object> toLoad() {
        Set<Object> missing = new LinkedHashSet<>();
        for (Object element : elements) {
            if (owned.containsKey(element) || unowned.contains(element)) {
                missing.add(element);
            }
        }
        return new ArrayList<>(missing);
    }

    /**
     * Records that the body starts at {@code nowNanos}; {@code lease} is the token of the owned loads' leases, or
     * null.
     */
    void started(String lease, long nowNanos) {
        this.lease = lease;
        this.startNanos = nowNanos;
    }

    String lease() {
        return lease;
    }

    long elapsedNanos(long nowNanos) {
        return nowNanos - startNanos;
    }

    /** The result: each element's value in the caller's order; elements without a value are left out. */
    Map<Object, Object> merged() {
        return merge(elements, found);
    }

    /** {@code values} of {@code elements} in their order, as a {@code LinkedHashMap}; absent and null ones left out. */
    static Map<Object, Object> merge(List<Object> elements, Map<Object, Object> values) {
        Map<Object, Object> merged = new LinkedHashMap<>(Math.max(16, elements.size() * 4 / 3 + 1));
        for (Object element : elements) {
            Object value = values.get(element);
            if (value != null) {
                merged.put(element, value);
            }
        }
        return merged;
    }
}
