package io.weft.agent.keys;

import java.util.UUID;

/**
 * How a placeholder's value is described for an L1 key ({@link ScalarText}), chosen at weave time from the
 * declared type of what it reads, so that a hit checks the one type it expects before anything else. A
 * value of another type (an {@code Object} parameter, {@code null}) still gets the general description.
 */
enum ScalarKind {
    UUID_VALUE {
        @Override
        long text(Object value) {
            return value instanceof UUID ? ScalarText.uuid((UUID) value) : ScalarText.of(value);
        }
    },
    LONG_VALUE {
        @Override
        long text(Object value) {
            return value instanceof Long ? ScalarText.decimal((Long) value) : ScalarText.of(value);
        }
    },
    INT_VALUE {
        @Override
        long text(Object value) {
            return value instanceof Integer ? ScalarText.decimal((Integer) value) : ScalarText.of(value);
        }
    },
    STRING_VALUE {
        @Override
        long text(Object value) {
            return value instanceof String ? ScalarText.string((String) value) : ScalarText.of(value);
        }
    },
    ANY {
        @Override
        long text(Object value) {
            return ScalarText.of(value);
        }
    };

    /** {@link ScalarText#of}, checking the expected type first. */
    abstract long text(Object value);

    /** The kind for values declared as {@code typeName} (a binary name, as {@link Class#getName()} spells it). */
    static ScalarKind forType(String typeName) {
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
            default:
                return ANY;
        }
    }
}
