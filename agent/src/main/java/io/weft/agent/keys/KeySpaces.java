package io.weft.agent.keys;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds {@code @CacheResult} methods whose templates can render the same key while their values
 * have different types. A placeholder renders any text without an unescaped {@code :}, so each
 * template is a glob over keys, and two methods conflict when their globs intersect.
 *
 * <p>Each record is held for as long as the loader of its method (held weakly) lives (SPEC §10): an undeployed
 * application's methods conflict with nothing of its redeploy, which may move a key template to another class or
 * cache another type under it.
 */
public final class KeySpaces {

    private static final char ANY = '\uFFFF';

    private final List<Entry> entries = new ArrayList<>();

    private static final class Entry {
        final String glob;
        final String valueType;
        final String owner;
        /** The method's loader; {@code null} for the bootstrap loader, which is never collected. */
        final WeakReference<ClassLoader> loader;

        Entry(String glob, String valueType, String owner, ClassLoader loader) {
            this.glob = glob;
            this.valueType = valueType;
            this.owner = owner;
            this.loader = loader == null ? null : new WeakReference<>(loader);
        }

        boolean collected() {
            return loader != null && loader.get() == null;
        }
    }

    /**
     * Records a method's key space, for as long as {@code loader} lives.
     *
     * @param owner {@code Class#method}, for the message
     * @param loader the loader that defines the method ({@code null}: the bootstrap loader)
     * @throws IllegalArgumentException naming the other method when the key spaces overlap with a different value type
     */
    public synchronized void claim(Template template, String valueType, String owner, ClassLoader loader) {
        forgetCollected();
        String glob = glob(template);
        for (Entry other : entries) {
            if (!other.valueType.equals(valueType) && !other.owner.equals(owner) && intersect(glob, other.glob)) {
                throw new IllegalArgumentException("key '" + template + "' can render the same keys as the key of "
                        + other.owner + ", which caches " + other.valueType + " where this method caches " + valueType);
            }
        }
        entries.add(new Entry(glob, valueType, owner, loader));
    }

    /** Drops the records of the methods whose loader was collected (an application was undeployed). */
    public synchronized void forgetCollected() {
        entries.removeIf(Entry::collected);
    }

    /** How many methods' key spaces are recorded (tests). */
    synchronized int size() {
        return entries.size();
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
