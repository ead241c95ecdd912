package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Finds {@code @CacheResult} methods of one class loader (one application) whose templates can render the same key
 * while their values have different types: two methods conflict when their {@link KeyPattern}s intersect. A
 * placeholder renders what its parameter's declared type can: {@code product:{id}} of a {@code long id} and
 * {@code product:all} do not conflict, while of a {@code String} or a {@code Long} (which renders {@code null}) and
 * {@code product:null} do.
 *
 * <p>Methods of different loaders never conflict (SPEC §10): L1 keeps their entries apart ({@link KeyScope}), and
 * Redis is shared by design, each value decoded into the reading method's own type (one that cannot be is a miss),
 * as between two instances running different versions. So a redeploy that caches another type under a key of the
 * version it replaces is woven at once, before that version's loader is collected; and an undeployed application's
 * records go with its loader, which they hold weakly.
 */
public final class KeySpaces {

    /** Each loader's methods' key spaces; the bootstrap loader's under {@code null}. */
    private final Map<ClassLoader, List<Entry>> byLoader = new WeakHashMap<>();

    private static final class Entry {
        final KeyPattern keys;
        final String valueType;
        final String owner;

        Entry(KeyPattern keys, String valueType, String owner) {
            this.keys = keys;
            this.valueType = valueType;
            this.owner = owner;
        }
    }

    /**
     * Records a method's key space, for as long as {@code loader} lives.
     *
     * @param signature the method's, to which {@code template} is bound
     * @param owner {@code Class#method}, for the message
     * @param loader the loader that defines the method ({@code null}: the bootstrap loader)
     * @throws IllegalArgumentException naming the other method when the key space overlaps one of another method of
     *     {@code loader} with a different value type
     */
    public synchronized void claim(Template template, Signature signature, String valueType, String owner,
            ClassLoader loader) {
        KeyPattern keys = KeyPattern.of(template, signature);
        List<Entry> entries = byLoader.get(loader);
        if (entries == null) {
            entries = new ArrayList<>();
            byLoader.put(loader, entries);
        }
        for (Entry other : entries) {
            if (!other.valueType.equals(valueType) && !other.owner.equals(owner) && keys.intersects(other.keys)) {
                throw new IllegalArgumentException("key '" + template + "' can render the same keys as the key of "
                        + other.owner + ", which caches " + other.valueType + " where this method caches " + valueType);
            }
        }
        entries.add(new Entry(keys, valueType, owner));
    }

    /** How many methods' key spaces are recorded (tests). */
    synchronized int size() {
        return byLoader.values().stream().mapToInt(List::size).sum();
    }
}
