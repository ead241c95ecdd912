package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;

/**
 * A collection or array of scalars as an L1 key describes and keeps it. Such a value renders (SPEC §3, {@link Values})
 * as its elements' texts joined by {@code ,}: each element as it renders alone, {@code \~} for a {@code null} one,
 * {@code \[]} for none. When every element is a canonical scalar ({@link ScalarText}) other than an enum constant, at
 * most {@link #MAX_ELEMENTS} of them and no string longer than {@link #MAX_STRING}, that text is described from the
 * elements ({@link #text}), so a hit builds none, and the value is compared element by element ({@link #matches}).
 *
 * <p>Only the JDK's own collections that refer to nothing else ({@link #SELF_CONTAINED}) and arrays of {@code long},
 * {@code int} or of a JDK class are described: a thread's probe keeps its last lookup's value (the caller's collection)
 * until its next lookup, and must not keep an application's class. A key that is kept holds a copy ({@link #copyOf}): the caller may change its collection
 * after the call.
 */
final class Elements implements Iterable<Object> {

    /** The most elements described; a longer value's text is built. */
    static final int MAX_ELEMENTS = 128;
    /**
     * The longest string element described: with {@link #MAX_ELEMENTS}, every described text (an escaped string is at
     * most twice as long, plus the separators) stays within {@link Values#MAX_LENGTH}, which rendering enforces.
     */
    static final int MAX_STRING = 250;

    private static final long EMPTY_TEXT = ScalarText.pack(ScalarText.power(3), "\\[]".hashCode());
    private static final long NULL_ELEMENT_TEXT = ScalarText.pack(ScalarText.power(2), "\\~".hashCode());

    /**
     * The JDK's collections that refer to nothing but their elements (no wrapped collection, no comparator), which a
     * probe may hold without keeping an application's class: {@code Collections.unmodifiableList(appList)} or a
     * {@code TreeSet} with an application's comparator is rendered instead.
     */
    private static final Set<String> SELF_CONTAINED_NAMES = Set.of("java.util.ArrayList", "java.util.LinkedList",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.ArrayDeque", "java.util.Arrays$ArrayList",
            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet", "java.util.Collections$EmptyList",
            "java.util.Collections$EmptySet", "java.util.concurrent.CopyOnWriteArrayList");

    private static final ClassValue<Boolean> SELF_CONTAINED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.getClassLoader() == null && SELF_CONTAINED_NAMES.contains(type.getName());
        }
    };

    private final Object[] elements;

    private Elements(Object[] elements) {
        this.elements = elements;
    }

    /** Whether {@code value} is a collection or an array (held as itself by a probe), or a kept key's copy of one. */
    static boolean isSequence(Object value) {
        return value instanceof Collection || value instanceof Object[] || value instanceof long[]
                || value instanceof int[] || value instanceof Elements;
    }

    /**
     * The packed text ({@link ScalarText}) of a collection or array whose elements are all described, or
     * {@link ScalarText#NOT_SCALAR} (the value is something else, or its text must be built).
     */
    static long text(Object value) {
        if (value instanceof Collection) {
            Class<?> type = value.getClass();
            return type == ArrayList.class || SELF_CONTAINED.get(type) ? ofCollection((Collection<?>) value)
                    : ScalarText.NOT_SCALAR;
        }
        if (value instanceof long[] || value instanceof int[]) {
            int length = length(value);
            if (length > MAX_ELEMENTS) {
                return ScalarText.NOT_SCALAR;
            }
            long text = EMPTY_TEXT;
            for (int i = 0; i < length; i++) {
                text = then(text, i, ScalarText.decimal(at(value, i)));
            }
            return text;
        }
        if (value instanceof Object[] && value.getClass().getClassLoader() == null) {
            return ofArray((Object[]) value);
        }
        return ScalarText.NOT_SCALAR;
    }

    private static long ofCollection(Collection<?> collection) {
        int size = collection.size();
        if (size > MAX_ELEMENTS) {
            return ScalarText.NOT_SCALAR;
        }
        long text = EMPTY_TEXT;
        if (collection instanceof List && collection instanceof RandomAccess) {
            List<?> list = (List<?>) collection;
            for (int i = 0; i < size && text != ScalarText.NOT_SCALAR; i++) {
                text = then(text, i, element(list.get(i)));
            }
            return text;
        }
        int i = 0;
        for (Iterator<?> it = collection.iterator(); it.hasNext() && text != ScalarText.NOT_SCALAR; i++) {
            text = i < MAX_ELEMENTS ? then(text, i, element(it.next())) : ScalarText.NOT_SCALAR;
        }
        return text;
    }

    private static long ofArray(Object[] array) {
        if (array.length > MAX_ELEMENTS) {
            return ScalarText.NOT_SCALAR;
        }
        long text = EMPTY_TEXT;
        for (int i = 0; i < array.length && text != ScalarText.NOT_SCALAR; i++) {
            text = then(text, i, element(array[i]));
        }
        return text;
    }

    /** The length of a {@code long[]} or an {@code int[]}. */
    private static int length(Object integers) {
        return integers instanceof long[] ? ((long[]) integers).length : ((int[]) integers).length;
    }

    /** Element {@code i} of a {@code long[]} or an {@code int[]}. */
    private static long at(Object integers, int i) {
        return integers instanceof long[] ? ((long[]) integers)[i] : ((int[]) integers)[i];
    }

    /** The text of an element: a scalar's, {@code \~} for {@code null}; not an enum constant, a long string, a composite. */
    private static long element(Object element) {
        if (element == null) {
            return NULL_ELEMENT_TEXT;
        }
        if (element instanceof String) {
            String s = (String) element;
            return s.length() > MAX_STRING ? ScalarText.NOT_SCALAR : ScalarText.string(s);
        }
        return element instanceof Enum ? ScalarText.NOT_SCALAR : ScalarText.scalar(element);
    }

    /** The text so far ({@code text}, of {@code index} elements), then a {@code ,} unless first, then {@code element}'s. */
    private static long then(long text, int index, long element) {
        if (element == ScalarText.NOT_SCALAR || text == ScalarText.NOT_SCALAR) {
            return ScalarText.NOT_SCALAR;
        }
        if (index == 0) {
            return element;
        }
        int power = ScalarText.powerOfLength(element);
        int hash = (ScalarText.hash(text) * 31 + ',') * power + ScalarText.hash(element);
        return ScalarText.pack(ScalarText.powerOfLength(text) * 31 * power, hash);
    }

    /** A copy of a described collection or array that a kept key holds: its elements, boxed. */
    static Elements copyOf(Object value) {
        if (value instanceof Elements) {
            return (Elements) value;
        }
        if (value instanceof long[] || value instanceof int[]) {
            Object[] copy = new Object[length(value)];
            for (int i = 0; i < copy.length; i++) {
                long element = at(value, i);
                copy[i] = value instanceof long[] ? (Object) element : (Object) (int) element;
            }
            return new Elements(copy);
        }
        return new Elements(value instanceof Object[] ? ((Object[]) value).clone() : ((Collection<?>) value).toArray());
    }

    /**
     * Whether {@code other} (a copy, or a described collection or array) renders the same text: as many elements, each
     * equal to this one's (elements of one class) or rendering the same text (of different classes).
     */
    boolean matches(Object other) {
        if (other instanceof Elements) {
            return sameElements(((Elements) other).elements);
        }
        if (other instanceof long[] || other instanceof int[]) {
            if (length(other) != elements.length) {
                return false;
            }
            for (int i = 0; i < elements.length; i++) {
                Object mine = elements[i];
                long element = at(other, i);
                // integers of any of these classes render their decimal digits: equal texts exactly when equal values
                if (mine instanceof Long || mine instanceof Integer ? ((Number) mine).longValue() != element
                        : !sameElement(mine, element)) {
                    return false;
                }
            }
            return true;
        }
        if (other instanceof Object[]) {
            return sameElements((Object[]) other);
        }
        return other instanceof Collection && sameElements((Collection<?>) other);
    }

    private boolean sameElements(Object[] others) {
        if (others.length != elements.length) {
            return false;
        }
        for (int i = 0; i < others.length; i++) {
            if (!sameElement(elements[i], others[i])) {
                return false;
            }
        }
        return true;
    }

    private boolean sameElements(Collection<?> others) {
        if (others.size() != elements.length) {
            return false;
        }
        if (others instanceof List && others instanceof RandomAccess) {
            List<?> list = (List<?>) others;
            for (int i = 0; i < elements.length; i++) {
                if (!sameElement(elements[i], list.get(i))) {
                    return false;
                }
            }
            return true;
        }
        int i = 0;
        for (Object other : others) {
            if (i >= elements.length || !sameElement(elements[i++], other)) {
                return false;
            }
        }
        return i == elements.length;
    }

    /** Whether two described elements render the same text: equal, if of one class; else compared as texts. */
    private static boolean sameElement(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.getClass() == b.getClass() ? a.equals(b) : Values.render(a).equals(Values.render(b));
    }

    @Override
    public Iterator<Object> iterator() {
        return Arrays.asList(elements).iterator();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Elements && matches(other);
    }

    @Override
    public int hashCode() {
        return ScalarText.hash(ofArray(elements));
    }

    @Override
    public String toString() {
        return Values.render(this);
    }
}
