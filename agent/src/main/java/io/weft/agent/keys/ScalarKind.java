package io.weft.agent.keys;

import java.time.LocalDate;
import java.util.UUID;

/**
 * How a placeholder's value is described for an L1 key ({@link ScalarText}), chosen at weave time from the
 * declared type of what it reads, so that a hit checks the one type it expects before anything else. A
 * value of another type (an {@code Object} parameter, {@code null}) still gets the general description.
 */
enum ScalarKind {
    UUID_VALUE("uuid"), LONG_VALUE("longValue"), INT_VALUE("intValue"), STRING_VALUE("string"),
    BOOLEAN_VALUE("bool"), DATE_VALUE("date"), DOUBLE_VALUE("doubleValue"), SEQUENCE("sequence"), ANY("any");

    /** The static method of this class, {@code (Object) long}, that describes a value of this kind: for generated code. */
    final String describer;

    ScalarKind(String describer) {
        this.describer = describer;
    }

    /**
     * {@link ScalarText#of}, checking the expected type first. One method for every kind (not one per constant), so
     * that a call site shared by many templates stays inlined and a boxed argument passed to it can be eliminated.
     */
    long text(Object value) {
        switch (this) {
            case UUID_VALUE:
                return uuid(value);
            case LONG_VALUE:
                return longValue(value);
            case INT_VALUE:
                return intValue(value);
            case STRING_VALUE:
                return string(value);
            case BOOLEAN_VALUE:
                return bool(value);
            case DATE_VALUE:
                return date(value);
            case DOUBLE_VALUE:
                return doubleValue(value);
            case SEQUENCE:
                return sequence(value);
            default:
                return any(value);
        }
    }

    static long uuid(Object value) {
        return value instanceof UUID ? ScalarText.uuid((UUID) value) : ScalarText.of(value);
    }

    static long longValue(Object value) {
        return value instanceof Long ? ScalarText.decimal((Long) value) : ScalarText.of(value);
    }

    static long intValue(Object value) {
        return value instanceof Integer ? ScalarText.decimal((Integer) value) : ScalarText.of(value);
    }

    static long string(Object value) {
        return value instanceof String ? ScalarText.string((String) value) : ScalarText.of(value);
    }

    static long bool(Object value) {
        return value instanceof Boolean ? ScalarText.bool((Boolean) value) : ScalarText.of(value);
    }

    static long date(Object value) {
        return value instanceof LocalDate ? TimeText.date((LocalDate) value) : ScalarText.of(value);
    }

    static long doubleValue(Object value) {
        return value instanceof Double ? ScalarText.fraction((Double) value) : ScalarText.of(value);
    }

    static long sequence(Object value) {
        return value != null ? Elements.text(value) : ScalarText.of(null);
    }

    static long any(Object value) {
        return ScalarText.of(value);
    }

    /**
     * What a key holds for a value of this kind whose text {@link #text} described: an enum constant's name (its text),
     * so that no key, and no thread's probe left holding its last lookup, keeps an application's class; otherwise the
     * value itself.
     */
    Object held(Object value) {
        return this == ANY ? heldAny(value) : value;
    }

    /** {@link #held} for {@link #ANY}. */
    static Object heldAny(Object value) {
        return value instanceof Enum ? ((Enum<?>) value).name() : value;
    }

    /** The kind for values declared as {@code typeName} (a binary name, as {@link Class#getName()} spells it). */
    static ScalarKind forType(String typeName) {
        if (typeName.startsWith("[")) {
            return SEQUENCE;
        }
        switch (typeName) {
            case "java.util.UUID":
                return UUID_VALUE;
            case "long":
            case "java.lang.Long":
                return LONG_VALUE;
            case "int":
            case "java.lang.Integer":
                return INT_VALUE;
            case "java.lang.String":
                return STRING_VALUE;
            case "boolean":
            case "java.lang.Boolean":
                return BOOLEAN_VALUE;
            case "java.time.LocalDate":
                return DATE_VALUE;
            case "double":
            case "java.lang.Double":
                return DOUBLE_VALUE;
            case "java.util.Collection":
            case "java.util.List":
            case "java.util.Set":
            case "java.util.SortedSet":
            case "java.util.ArrayList":
            case "java.util.LinkedList":
            case "java.util.HashSet":
            case "java.util.LinkedHashSet":
            case "java.util.TreeSet":
                return SEQUENCE;
            default:
                return ANY;
        }
    }
}
