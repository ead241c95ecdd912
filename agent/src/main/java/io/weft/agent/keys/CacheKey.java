package io.weft.agent.keys;

import java.util.Objects;

/**
 * A rendered key as the L1 holds it: equal to another exactly when their {@link KeyScope}s are the same and
 * their texts are equal, and hashed as {@link String#hashCode} hashes the text. A key made by a template
 * from up to three scalar values ({@link ScalarText}: strings, integers, UUIDs…) keeps the values and the
 * {@link Composer} instead of the text until the text is asked for, so an L1 hit builds no string: its
 * hash is computed from the values, and it equals a key of the same composer whose values are equal. Such a
 * key is looked up as the thread's {@link #probe}, refilled for every lookup, so a hit allocates nothing; what is
 * kept is a {@link #stable} copy.
 */
public final class CacheKey {

    /** Renders the text of a key from its values: the template that made it. */
    interface Composer {
        String compose(Object v0, Object v1, Object v2);
    }

    /** Each thread's probe: the key of its last lookup, refilled for the next one (no flag in every key says which). */
    private static final ThreadLocal<CacheKey> PROBES =
            ThreadLocal.withInitial(() -> new CacheKey(null, 0, null, null, null, null, null));

    private KeyScope scope;
    private int hash;
    private Composer composer;
    private Object v0;
    private Object v1;
    private Object v2;
    private String text;

    private CacheKey(KeyScope scope, int hash, Composer composer, Object v0, Object v1, Object v2, String text) {
        this.scope = scope;
        this.hash = hash;
        this.composer = composer;
        this.v0 = v0;
        this.v1 = v1;
        this.v2 = v2;
        this.text = text;
    }

    /** The key of a rendered text in {@code scope}. */
    public static CacheKey of(KeyScope scope, String text) {
        return new CacheKey(scope, text.hashCode(), null, null, null, null, text);
    }

    /**
     * This thread's probe, filled as the key whose text is {@code composer.compose(v0, v1, v2)}, without
     * building the text or allocating: valid until the thread makes its next key; {@link #stable} copies it.
     *
     * @param hash {@link String#hashCode} of that text
     */
    static CacheKey probe(KeyScope scope, int hash, Composer composer, Object v0, Object v1, Object v2) {
        CacheKey probe = PROBES.get();
        probe.scope = scope;
        probe.hash = hash;
        probe.composer = composer;
        probe.v0 = v0;
        probe.v1 = v1;
        probe.v2 = v2;
        probe.text = null;
        return probe;
    }

    /** This key, or a copy of it when it is the thread's probe: what may be kept (in L1, in a load). */
    public CacheKey stable() {
        return PROBES.get() != this ? this : new CacheKey(scope, hash, composer, v0, v1, v2, text);
    }

    /** The scope of the class loader whose method made this key. */
    public KeyScope scope() {
        return scope;
    }

    /** The key's text, built (once) if it was not. */
    public String text() {
        String rendered = text;
        if (rendered == null) {
            // racy single-check, as String.hash: every thread computes the same immutable text
            rendered = composer.compose(v0, v1, v2);
            text = rendered;
        }
        return rendered;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof CacheKey)) {
            return false;
        }
        CacheKey that = (CacheKey) other;
        return hash == that.hash && scope == that.scope
                && (composer != null && composer == that.composer && sameValues(that) || text().equals(that.text()));
    }

    /**
     * Whether the values are equal, for two keys of one composer whose values are of the same classes (scalars
     * of one class render equal texts exactly when they are equal); when a class differs, the texts decide.
     */
    private boolean sameValues(CacheKey that) {
        return sameClass(v0, that.v0) && sameClass(v1, that.v1) && sameClass(v2, that.v2)
                ? Objects.equals(v0, that.v0) && Objects.equals(v1, that.v1) && Objects.equals(v2, that.v2)
                : text().equals(that.text());
    }

    private static boolean sameClass(Object a, Object b) {
        return a == null ? b == null : b != null && a.getClass() == b.getClass();
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text();
    }
}
