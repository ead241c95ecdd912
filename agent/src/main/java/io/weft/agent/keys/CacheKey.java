package io.weft.agent.keys;

import java.util.Arrays;
import java.util.Date;
import java.util.Objects;

/**
 * A rendered key as the L1 holds it: equal to another exactly when their {@link KeyScope}s are the same and their texts
 * are equal, and hashed as {@link String#hashCode} hashes the text. A key made by a template from up to three scalar
 * values ({@link ScalarText}: strings, integers, UUIDs…, or collections and arrays of them) keeps the values and the
 * {@link Composer} instead of the text
 * until the text is asked for, so an L1 hit builds no string: its hash is computed from the values, and it equals a key
 * of the same composer whose values are equal. Such a key is looked up as the thread's {@link #probe}, refilled for
 * every lookup, so a hit allocates nothing; a {@code long}, {@code int} or {@code double} argument passed unboxed
 * ({@link UnboxedArgument}) stays unboxed in it, held by the thread's {@link Held}. A key of more than three values
 * holds them all in {@code v0} ({@link ManyValues}), those passed unboxed as their bits. What is kept is a
 * {@link #stable} copy, which holds copies of collections and arrays ({@link Elements}) and, but in a
 * {@link ManyValues}, boxes for the values held unboxed.
 */
public final class CacheKey {

    /** Renders the text of a key from its values: the template that made it. */
    interface Composer {
        /** The text of the values (of more than three, all in {@code v0}: a {@link ManyValues}, boxed as read). */
        String compose(Object v0, Object v1, Object v2);

        /** How many values its keys hold. */
        int placeholders();
    }

    /**
     * The values of a key of more than three: a thread's probe refills its own arrays, a stable key holds a copy. A
     * value passed unboxed is held as its {@link UnboxedArgument} with its bits beside it (the bits of any other value
     * are 0), in the probe and in a stable copy alike, so that a lookup whose values are the kept key's own (the same
     * objects, the same numbers) is told equal without looking at their classes. The thread's counts the keys made
     * with it, so that a key made while another was being filled (a getter a template reads calling a cached method)
     * is noticed.
     */
    static final class ManyValues {
        Object[] values;
        long[] bits;
        int uses;
        /** The thread's probe whose values these are, or {@code null} in a stable copy. */
        private final Probe probe;

        ManyValues(Object[] values, long[] bits, Probe probe) {
            this.values = values;
            this.bits = bits;
            this.probe = probe;
        }

        /** Puts the value at {@code i}: {@code value}, or for an {@link UnboxedArgument}, the value {@code bits}. */
        void put(int i, Object value, long bits) {
            if (values[i] != value) { // a long-lived array: see refill
                values[i] = value;
            }
            this.bits[i] = value instanceof UnboxedArgument ? bits : 0;
        }

        /** The value at {@code i} as a {@link Composer} reads it: boxed, if it was passed unboxed. */
        Object boxed(int i) {
            Object value = values[i];
            return value instanceof UnboxedArgument ? ((UnboxedArgument) value).box(bits[i]) : value;
        }

        /** The first {@code count} values as a stable key holds them: a copy of each collection or array. */
        ManyValues copy(int count) {
            Object[] copy = new Object[count];
            for (int i = 0; i < count; i++) {
                copy[i] = values[i] instanceof UnboxedArgument ? values[i] : kept(values[i]);
            }
            return new ManyValues(copy, Arrays.copyOf(bits, count), null);
        }

        /** Whether the value at {@code i} is that of {@code other}'s: the same object, or the same number unboxed. */
        boolean identical(ManyValues other, int i) {
            return values[i] == other.values[i] && bits[i] == other.bits[i];
        }

        /** The class of the value at {@code i}: for one passed unboxed, the class of its box; {@code null} for null. */
        Class<?> classAt(int i) {
            Object value = values[i];
            if (value instanceof UnboxedArgument) {
                return ((UnboxedArgument) value).boxType();
            }
            return value == null ? null : value.getClass();
        }

        /** Whether the value at {@code i} equals {@code other}'s, their classes the same ({@link CacheKey#same}). */
        boolean sameAt(ManyValues other, int i) {
            Object mine = values[i];
            Object theirs = other.values[i];
            if (mine instanceof UnboxedArgument || theirs instanceof UnboxedArgument) {
                return bitsAt(i) == other.bitsAt(i);
            }
            return same(mine, theirs);
        }

        private long bitsAt(int i) {
            return values[i] instanceof UnboxedArgument ? bits[i] : bitsOf(values[i]);
        }
    }

    /** A value of a thread's probe passed unboxed; one per position, refilled with the probe. */
    private static final class Held {
        UnboxedArgument type;
        long bits;

        Held set(UnboxedArgument type, long bits) {
            if (this.type != type) { // a long-lived object: see refill
                this.type = type;
            }
            this.bits = bits;
            return this;
        }
    }

    /** A thread's probe (the key of its last lookup, refilled for the next one) and its holders of unboxed values. */
    private static final class Probe {
        final CacheKey key = new CacheKey(null, 0, null, null, null, null, null);
        final Held held0 = new Held();
        final Held held1 = new Held();
        final Held held2 = new Held();
        final ManyValues many = new ManyValues(new Object[8], new long[8], this);
    }

    private static final ThreadLocal<Probe> PROBES = new ThreadLocal<>() {
        @Override
        protected Probe initialValue() {
            return new Probe(); // a class, not a lambda: made on the way to the first woven call
        }
    };

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
     * @param m0 when {@code v0} is an {@link UnboxedArgument}, the value it stands for ({@code m1}, {@code m2} likewise)
     */
    static CacheKey probe(KeyScope scope, int hash, Composer composer, Object v0, Object v1, Object v2, long m0,
            long m1, long m2) {
        return fill(PROBES.get(), scope, hash, composer, v0, v1, v2, m0, m1, m2);
    }

    /** {@link #probe}, the thread's slots looked up already. */
    private static CacheKey fill(Probe slots, KeyScope scope, int hash, Composer composer, Object v0, Object v1,
            Object v2, long m0, long m1, long m2) {
        CacheKey probe = slots.key;
        probe.refill(scope, hash, composer,
                v0 instanceof UnboxedArgument ? slots.held0.set((UnboxedArgument) v0, m0) : v0,
                v1 instanceof UnboxedArgument ? slots.held1.set((UnboxedArgument) v1, m1) : v1,
                v2 instanceof UnboxedArgument ? slots.held2.set((UnboxedArgument) v2, m2) : v2);
        return probe;
    }

    /**
     * Refills a probe, storing a reference only where it changed: a probe lives long, so under G1 each store of a
     * reference into it may cost a fence (its write barrier), while one method's lookups repeat their scope, their
     * composer and often values.
     */
    private void refill(KeyScope scope, int hash, Composer composer, Object v0, Object v1, Object v2) {
        if (this.scope != scope) {
            this.scope = scope;
        }
        this.hash = hash;
        if (this.composer != composer) {
            this.composer = composer;
        }
        if (this.v0 != v0) {
            this.v0 = v0;
        }
        if (this.v1 != v1) {
            this.v1 = v1;
        }
        if (this.v2 != v2) {
            this.v2 = v2;
        }
        if (text != null) {
            text = null;
        }
    }

    /**
     * This thread's holder for the {@code count} values (more than three) of its next probe, its array long enough and
     * its uses counted: filled by the caller, then made a key by {@link #probeOfMany} unless its uses changed meanwhile.
     */
    static ManyValues manyValues(int count) {
        ManyValues many = PROBES.get().many;
        if (many.values.length < count) {
            many.values = new Object[count];
            many.bits = new long[count];
        }
        many.uses++;
        return many;
    }

    /**
     * This thread's probe, filled as the key of the values put in {@code many} (of {@code composer}'s count) at its
     * use {@code use}; {@code null} when another key was made with it since (the values are not all this key's).
     */
    static CacheKey probeOfMany(KeyScope scope, int hash, Composer composer, ManyValues many, int use) {
        return many.uses != use ? null : fill(many.probe, scope, hash, composer, many, null, null, 0, 0, 0);
    }

    /** A value as a composer reads it: boxed, if the probe held it unboxed. */
    private static Object boxed(Object value) {
        return value instanceof Held ? ((Held) value).type.box(((Held) value).bits) : value;
    }

    /**
     * A value as a stable key holds it: boxed, and a collection, an array or a {@link Date} copied (its caller may
     * change it).
     */
    private static Object kept(Object value) {
        if (TimeText.describedDate(value)) {
            return ((Date) value).clone();
        }
        return Elements.isSequence(value) ? Elements.copyOf(value) : boxed(value);
    }

    /** This key, or a copy of it when it is the thread's probe: what may be kept (in L1, in a load). */
    public CacheKey stable() {
        if (PROBES.get().key != this) {
            return this;
        }
        Object first = v0 instanceof ManyValues ? ((ManyValues) v0).copy(composer.placeholders()) : kept(v0);
        return new CacheKey(scope, hash, composer, first, kept(v1), kept(v2), text);
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
            rendered = composer.compose(v0 instanceof ManyValues ? v0 : boxed(v0), boxed(v1), boxed(v2));
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
        if (v0 instanceof ManyValues) {
            return sameValues((ManyValues) v0, (ManyValues) that.v0, that);
        }
        return sameClass(v0, that.v0) && sameClass(v1, that.v1) && sameClass(v2, that.v2)
                ? same(v0, that.v0) && same(v1, that.v1) && same(v2, that.v2)
                : text().equals(that.text());
    }

    /**
     * {@link #sameValues(CacheKey)} for keys of more than three values, one composer's count of them, position by
     * position: a value that is the other's own (the same object, the same number unboxed) is equal without more ado.
     * Two values of one class that differ make the texts differ (the template's separators keep each value's text
     * apart), whatever the other positions hold.
     */
    private boolean sameValues(ManyValues mine, ManyValues theirs, CacheKey that) {
        int count = composer.placeholders();
        for (int i = 0; i < count; i++) {
            if (mine.identical(theirs, i)) {
                continue;
            }
            if (!sameClass(mine.values[i], mine.classAt(i), theirs.values[i], theirs.classAt(i))) {
                return text().equals(that.text());
            }
            if (!mine.sameAt(theirs, i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether two values are of one class, or both a collection or array described by {@link Elements}. */
    private static boolean sameClass(Object a, Object b) {
        return sameClass(a, a == null ? null : classOf(a), b, b == null ? null : classOf(b));
    }

    /** {@link #sameClass(Object, Object)}, the values' classes known ({@code null} for a {@code null} value). */
    private static boolean sameClass(Object a, Class<?> classOfA, Object b, Class<?> classOfB) {
        if (a == null || b == null) {
            return a == b;
        }
        return classOfA == classOfB || (a instanceof Elements || b instanceof Elements) && Elements.isSequence(a)
                && Elements.isSequence(b);
    }

    /** The class of a value: for one held unboxed, the class of its box. */
    private static Class<?> classOf(Object value) {
        return value instanceof Held ? ((Held) value).type.boxType() : value.getClass();
    }

    /**
     * Whether two values of one {@link #classOf class} are equal, either of them perhaps held unboxed, or two
     * collections or arrays render the same text (one of them a kept key's copy, {@link Elements}).
     */
    private static boolean same(Object a, Object b) {
        if (a instanceof Held || b instanceof Held) {
            return bitsOf(a) == bitsOf(b);
        }
        return Objects.equals(a, b) || b instanceof Elements && ((Elements) b).matches(a)
                || a instanceof Elements && ((Elements) a).matches(b);
    }

    /** A held value's bits, or those a value of its box class would be held as ({@link UnboxedArgument}). */
    private static long bitsOf(Object value) {
        if (value instanceof Held) {
            return ((Held) value).bits;
        }
        return value instanceof Double ? Double.doubleToRawLongBits((Double) value) : ((Number) value).longValue();
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
