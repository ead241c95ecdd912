package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Finds {@code @CacheResult} methods of one class loader (one application) whose templates can render the same key
 * while their values have different types. A placeholder renders any text without an unescaped {@code :}, so each
 * template is a glob over keys, and two methods conflict when their globs intersect.
 *
 * <p>Methods of different loaders never conflict (SPEC §10): L1 keeps their entries apart ({@link KeyScope}), and
 * Redis is shared by design, each value decoded into the reading method's own type (one that cannot be is a miss),
 * as between two instances running different versions. So a redeploy that caches another type under a key of the
 * version it replaces is woven at once, before that version's loader is collected; and an undeployed application's
 * records go with its loader, which they hold weakly.
 */
public final class KeySpaces {

    private static final char ANY = '\uFFFF';

    /** Each loader's methods' key spaces; the bootstrap loader's under {@code null}. */
    private final Map<ClassLoader, List<Entry>> byLoader = new WeakHashMap<>();

    private static final class Entry {
        final String glob;
        final String valueType;
        final String owner;

        Entry(String glob, String valueType, String owner) {
            this.glob = glob;
            this.valueType = valueType;
            this.owner = owner;
        }
    }

    /**
     * Records a method's key space, for as long as {@code loader} lives.
     *
     * @param owner {@code Class#method}, for the message
     * @param loader the loader that defines the method ({@code null}: the bootstrap loader)
     * @throws IllegalArgumentException naming the other method when the key space overlaps one of another method of
     *     {@code loader} with a different value type
     */
    public synchronized void claim(Template template, String valueType, String owner, ClassLoader loader) {
        String glob = glob(template);
        List<Entry> entries = byLoader.get(loader);
        if (entries == null) {
            entries = new ArrayList<>();
            byLoader.put(loader, entries);
        }
        for (Entry other : entries) {
            if (!other.valueType.equals(valueType) && !other.owner.equals(owner) && intersect(glob, other.glob)) {
                throw new IllegalArgumentException("key '" + template + "' can render the same keys as the key of "
                        + other.owner + ", which caches " + other.valueType + " where this method caches " + valueType);
            }
        }
        entries.add(new Entry(glob, valueType, owner));
    }

    /** How many methods' key spaces are recorded (tests). */
    synchronized int size() {
        return byLoader.values().stream().mapToInt(List::size).sum();
    }

    static String glob(Template template) {
        StringBuilder sb = new StringBuilder(template.literals().get(0));
        for (int i = 1; i < template.literals().size(); i++) {
            sb.append(ANY).append(template.literals().get(i));
        }
        return sb.toString();
    }

    /** Whether some key matches both globs; {@code ANY} matches any run of characters other than {@code :}. */
    static boolean intersect(String a, String b) {
        return intersect(a, 0, b, 0, new Boolean[a.length() + 1][b.length() + 1]);
    }

    private static boolean intersect(String a, int i, String b, int j, Boolean[][] memo) {
        if (memo[i][j] != null) {
            return memo[i][j];
        }
        boolean result;
        if (i == a.length() && j == b.length()) {
            result = true;
        } else if (i < a.length() && a.charAt(i) == ANY) {
            result = intersect(a, i + 1, b, j, memo)
                    || (j < b.length() && b.charAt(j) != ':' && intersect(a, i, b, j + 1, memo));
        } else if (j < b.length() && b.charAt(j) == ANY) {
            result = intersect(a, i, b, j + 1, memo)
                    || (i < a.length() && a.charAt(i) != ':' && intersect(a, i + 1, b, j, memo));
        } else {
            result = i < a.length() && j < b.length() && a.charAt(i) == b.charAt(j)
                    && intersect(a, i + 1, b, j + 1, memo);
        }
        memo[i][j] = result;
        return result;
    }
}
