package io.weft.agent.keys;

import io.weft.agent.log.WeftLog;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Renders one argument into key text (SPEC §3): {@code String.valueOf} for scalars, {@code null} for
 * null, arrays and collections as their elements joined by {@code ,}. The separator characters
 * {@code :} and {@code ,} and the escape {@code \} are escaped with {@code \}. Three texts could still
 * coincide, so they get escape sequences of their own that nothing else renders: the string
 * {@code "null"} renders as {@code \null}, an empty collection as {@code \[]} (not as a collection of
 * one empty string) and a {@code null} element as {@code \~} (not as a null collection).
 *
 * <p>Composite values are rendered as their parts, never by their {@code toString()} (which does not keep the parts
 * apart): a collection, an array or a {@code Map} (its entries in iteration order, each a two-element collection
 * {@code [key, value]}) as its elements, a record as its simple name and its components in order, like a collection,
 * between brackets ({@code Q[1,2]}). An element that is itself composite is escaped once more for each level it is
 * nested in; so that this stays linear, at most {@link #MAX_DEPTH} levels are rendered and a composite value renders
 * at most {@link #MAX_LENGTH} characters. A value beyond either bound, or of a class that does not override
 * {@code toString()} (its text, an identity hash, would differ for equal values), cannot be rendered: {@link
 * #render} throws an {@link IllegalArgumentException}, and the call runs uncached (a foreign event is skipped as
 * malformed).
 */
public final class Values {

    /**
     * The deepest nesting of composites rendered: a flat collection is 1 deep, a map 2 (its entries are pairs). At
     * level {@code n} a separator is escaped to {@code 2^n - 1} backslashes before it, so 8 levels cost at most 128
     * backslashes per separator — and no real key nests a collection 8 deep.
     */
    public static final int MAX_DEPTH = 8;

    /**
     * The longest text of a composite value, in characters (64 KiB). A key is held in L1, sent to Redis on every
     * lookup and store and carried by every invalidation event; a longer one is a document, not an identifier, and it
     * would also let a small nested input (a request's or an event's JSON) make a large key.
     */
    public static final int MAX_LENGTH = 64 * 1024;

    private static final String NULL_ELEMENT = "\\~";
    private static final String EMPTY = "\\[]";

    private Values() {
    }

    /**
     * The key text of {@code value}.
     *
     * @throws IllegalArgumentException when the value cannot be rendered: nested deeper than {@link #MAX_DEPTH}, longer
     *     than {@link #MAX_LENGTH} (a composite), or of a class keeping {@code Object.toString()}
     */
    public static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof UUID || value instanceof Integer || value instanceof Long || value instanceof Boolean
                || value instanceof Short || value instanceof Byte) {
            return value.toString();
        }
        if (value instanceof String) {
            return escape((String) value);
        }
        ClassText kind = composite(value) ? null : CLASS_TEXT.get(value.getClass());
        if (kind == null || kind.components != null) {
            StringBuilder sb = new StringBuilder();
            appendComposite(sb, 0, value, kind, 1);
            return sb.toString();
        }
        return escape(kind.text(value));
    }

    /** Appends the key text of {@code value} to {@code sb}; throws as {@link #render} does. */
    public static void append(StringBuilder sb, Object value) {
        if (value != null && composite(value)) {
            appendComposite(sb, sb.length(), value, null, 1);
        } else {
            sb.append(render(value));
        }
    }

    /** A collection, an array or a map (records are told by their {@link ClassText}). */
    private static boolean composite(Object value) {
        return value instanceof Iterable<?> || value instanceof Map<?, ?> || value.getClass().isArray();
    }

    /**
     * Appends a composite value nested {@code depth} deep (1: the value itself is the argument): its parts, and the
     * separators and markers between them, escaped {@code depth - 1} times, as if its text were escaped once by every
     * composite it is in — in one pass, so that the work is linear in the text.
     *
     * @param start where the value's text starts in {@code sb} (for {@link #MAX_LENGTH})
     * @param record the value's {@link ClassText} when it is a record, else {@code null}
     */
    private static void appendComposite(StringBuilder sb, int start, Object value, ClassText record, int depth) {
        checkDepth(depth);
        int escapes = depth - 1;
        boolean first = true;
        if (record != null) {
            write(sb, start, record.name, escapes);
            for (MethodHandle component : record.components) {
                first = appendElement(sb, start, ClassText.read(component, value), first, depth);
            }
            write(sb, start, "]", escapes);
            return;
        }
        if (value instanceof Map<?, ?>) {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    write(sb, start, ",", escapes);
                }
                first = false;
                checkDepth(depth + 1);
                appendElement(sb, start, entry.getKey(), true, depth + 1);
                appendElement(sb, start, entry.getValue(), false, depth + 1);
            }
        } else if (value instanceof Iterable<?>) {
            for (Object element : (Iterable<?>) value) {
                first = appendElement(sb, start, element, first, depth);
            }
        } else {
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                first = appendElement(sb, start, Array.get(value, i), first, depth);
            }
        }
        if (first) {
            write(sb, start, EMPTY, escapes);
        }
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("a cache key cannot render a value nested more than " + MAX_DEPTH
                    + " levels deep (collections, arrays, maps and records in one another); the call runs uncached");
        }
    }

    /** Appends one element of a composite nested {@code depth} deep; returns false (no longer the first). */
    private static boolean appendElement(StringBuilder sb, int start, Object element, boolean first, int depth) {
        int escapes = depth - 1;
        if (!first) {
            write(sb, start, ",", escapes);
        }
        if (element == null) {
            write(sb, start, NULL_ELEMENT, escapes);
            return false;
        }
        if (element instanceof String && ((String) element).length() > MAX_LENGTH) {
            throw tooLong();
        }
        if (composite(element)) {
            appendComposite(sb, start, element, null, depth + 1);
            return false;
        }
        ClassText kind = element instanceof String ? null : CLASS_TEXT.get(element.getClass());
        if (kind != null && kind.components != null) {
            appendComposite(sb, start, element, kind, depth + 1);
        } else {
            write(sb, start, render(element), escapes);
        }
        return false;
    }

    /**
     * Appends {@code text} escaped {@code escapes} times: each {@code :}, {@code ,} and {@code \} preceded by
     * {@code 2^escapes - 1} backslashes; first checks that the composite's text stays within {@link #MAX_LENGTH}.
     */
    private static void write(StringBuilder sb, int start, String text, int escapes) {
        int specials = 0;
        if (escapes > 0) {
            for (int i = 0; i < text.length(); i++) {
                if (special(text.charAt(i))) {
                    specials++;
                }
            }
        }
        int backslashes = (1 << escapes) - 1;
        long length = text.length() + (long) specials * backslashes;
        if (sb.length() - start + length > MAX_LENGTH) {
            throw tooLong();
        }
        if (specials == 0) {
            sb.append(text);
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (special(c)) {
                for (int b = 0; b < backslashes; b++) {
                    sb.append('\\');
                }
            }
            sb.append(c);
        }
    }

    private static IllegalArgumentException tooLong() {
        return new IllegalArgumentException("a cache key cannot render a collection, array, map or record whose text"
                + " is longer than " + MAX_LENGTH + " characters; the call runs uncached");
    }

    /** Escapes {@code :}, {@code ,} and {@code \}; returns {@code s} itself when nothing needs escaping. */
    static String escape(String s) {
        if (s.equals("null")) {
            return "\\null";
        }
        int i = 0;
        while (i < s.length() && !special(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (special(c)) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static boolean special(char c) {
        return c == ':' || c == ',' || c == '\\';
    }

    /** How values of a class that is neither a scalar nor a collection, array or map are rendered, by class. */
    private static final ClassValue<ClassText> CLASS_TEXT = new ClassValue<>() {
        @Override
        protected ClassText computeValue(Class<?> type) {
            return ClassText.of(type);
        }
    };

    /**
     * How the values of one class render, resolved once per class: a record by its components (their accessors'
     * handles), a class that overrides {@code toString()} by it, one that does not, or a record whose accessors cannot
     * be read, not at all ({@link #unrenderable}, warned about once).
     */
    private static class ClassText {
        private static final MethodType READER = MethodType.methodType(Object.class, Object.class);
        /** {@code Class.isRecord()}, {@code Class.getRecordComponents()} and {@code RecordComponent.getAccessor()} (Java 16+). */
        private static final Method IS_RECORD = method(Class.class, "isRecord");
        private static final Method RECORD_COMPONENTS = method(Class.class, "getRecordComponents");
        private static final Method ACCESSOR = RECORD_COMPONENTS == null ? null
                : method(RECORD_COMPONENTS.getReturnType().getComponentType(), "getAccessor");
        private static final ClassText BY_TO_STRING = new ClassText(null, null, null);
        /**
         * A {@link Date} (but a {@code java.sql.Timestamp}, whose text keeps its nanoseconds) as the instant it holds, to
         * the millisecond: its {@code toString()} drops the milliseconds (two dates of one second would share a key)
         * and depends on the JVM's time zone.
         */
        private static final ClassText BY_INSTANT = new ClassText(null, null, null) {
            @Override
            String text(Object value) {
                return Instant.ofEpochMilli(((Date) value).getTime()).toString();
            }
        };

        /** A record's simple name and {@code [}, or null. */
        final String name;
        /** A record's accessors ({@code (Object) Object}), in order, or null. */
        final MethodHandle[] components;
        /** Why values of the class cannot be rendered, or null. */
        final String unrenderable;
        private final AtomicBoolean warned = new AtomicBoolean();

        private ClassText(String name, MethodHandle[] components, String unrenderable) {
            this.name = name;
            this.components = components;
            this.unrenderable = unrenderable;
        }

        static ClassText of(Class<?> type) {
            if (isRecord(type)) {
                return record(type);
            }
            if (Date.class.isAssignableFrom(type) && !type.getName().equals("java.sql.Timestamp")) {
                return BY_INSTANT;
            }
            try {
                if (type.getMethod("toString").getDeclaringClass() == Object.class) {
                    return new ClassText(null, null, "a cache key cannot render a " + type.getName() + ": the class does"
                            + " not override toString(), so its text would be an identity hash, different for equal"
                            + " values (and possibly the same for different values in another JVM); the call runs uncached."
                            + " Name one of its properties in the template instead, such as {" + decapitalized(type)
                            + ".id}, or override toString()");
                }
            } catch (NoSuchMethodException | RuntimeException e) {
                // every class has a public toString(): keep it
            }
            return BY_TO_STRING;
        }

        /** The text of a value of the class (not a record): its {@code toString()}, unless it cannot be rendered. */
        String text(Object value) {
            if (unrenderable != null) {
                if (warned.compareAndSet(false, true)) {
                    WeftLog.warn(unrenderable);
                }
                throw new IllegalArgumentException(unrenderable);
            }
            return String.valueOf(value);
        }

        static Object read(MethodHandle component, Object record) {
            try {
                return component.invokeExact(record);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        private static boolean isRecord(Class<?> type) {
            Class<?> superclass = type.getSuperclass();
            if (IS_RECORD == null || superclass == null || !superclass.getName().equals("java.lang.Record")) {
                return false;
            }
            try {
                return (Boolean) IS_RECORD.invoke(type);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }

        private static ClassText record(Class<?> type) {
            try {
                Object[] recordComponents = (Object[]) RECORD_COMPONENTS.invoke(type);
                MethodHandle[] handles = new MethodHandle[recordComponents.length];
                for (int i = 0; i < handles.length; i++) {
                    Method accessor = (Method) ACCESSOR.invoke(recordComponents[i]);
                    try {
                        accessor.setAccessible(true);
                    } catch (RuntimeException e) {
                        // not open to Weft: a public accessor of an exported record can still be read
                    }
                    handles[i] = MethodHandles.lookup().unreflect(accessor).asType(READER);
                }
                return new ClassText(type.getSimpleName() + "[", handles, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new ClassText(null, null, "a cache key cannot render the record " + type.getName()
                        + ": its components cannot be read (" + e + "); the call runs uncached. Name one of its"
                        + " components in the template instead, such as {" + decapitalized(type) + ".id}");
            }
        }

        private static String decapitalized(Class<?> type) {
            String name = type.getSimpleName();
            return name.isEmpty() ? "arg" : Character.toLowerCase(name.charAt(0)) + name.substring(1);
        }

        private static Method method(Class<?> type, String name) {
            try {
                return type.getMethod(name);
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }
    }
}
