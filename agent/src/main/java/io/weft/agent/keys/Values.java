package io.weft.agent.keys;

import java.lang.reflect.Array;
import java.util.UUID;

/**
 * Renders one argument into key text (SPEC §3): {@code String.valueOf} for scalars, {@code null} for
 * null, arrays and collections as their elements joined by {@code ,}. The separator characters
 * {@code :} and {@code ,} and the escape {@code \} are escaped with {@code \}. Three texts could still
 * coincide, so they get escape sequences of their own that nothing else renders: the string
 * {@code "null"} renders as {@code \null}, an empty collection as {@code \[]} (not as a collection of
 * one empty string) and a {@code null} element as {@code \~} (not as a null collection).
 */
public final class Values {

    private Values() {
    }

    /** The key text of {@code value}. */
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
        if (value instanceof Iterable<?> || value.getClass().isArray()) {
            StringBuilder sb = new StringBuilder();
            appendElements(sb, value);
            return sb.toString();
        }
        return escape(String.valueOf(value));
    }

    /** Appends the key text of {@code value} to {@code sb}. */
    public static void append(StringBuilder sb, Object value) {
        if (value instanceof Iterable<?> || (value != null && value.getClass().isArray())) {
            appendElements(sb, value);
        } else {
            sb.append(render(value));
        }
    }

    private static void appendElements(StringBuilder sb, Object collection) {
        int start = sb.length();
        boolean first = true;
        if (collection instanceof Iterable<?>) {
            for (Object element : (Iterable<?>) collection) {
                first = appendElement(sb, element, first);
            }
        } else {
            int length = Array.getLength(collection);
            for (int i = 0; i < length; i++) {
                first = appendElement(sb, Array.get(collection, i), first);
            }
        }
        if (first) {
            sb.setLength(start);
            sb.append("\\[]");
        }
    }

    private static boolean appendElement(StringBuilder sb, Object element, boolean first) {
        if (!first) {
            sb.append(',');
        }
        if (element == null) {
            sb.append("\\~");
            return false;
        }
        boolean nested = element instanceof Iterable<?> || element.getClass().isArray();
        sb.append(nested ? escape(render(element)) : render(element));
        return false;
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
}
