package io.weft.agent.keys;

/**
 * A {@code long}, {@code int} or {@code double} parameter that a woven {@code @CacheResult} method of up to six
 * parameters ({@link PassedArguments}) passes unboxed on entry, in the {@code long} slot of its position (its object slot {@code null}; a double
 * as its raw bits); every other parameter goes in its object slot, a primitive one boxed. So a hit on an id key boxes
 * nothing, whether or not the JIT inlines the runtime into the woven method. The weaver and the runtime both follow
 * {@link #of}.
 */
public enum UnboxedArgument {
    LONG(Long.class), INT(Integer.class), DOUBLE(Double.class);

    private final Class<?> boxType;

    UnboxedArgument(Class<?> boxType) {
        this.boxType = boxType;
    }

    /** How a parameter of {@code typeName} (a binary name: {@code long}, {@code int}…) is passed: unboxed, or {@code null}. */
    public static UnboxedArgument of(String typeName) {
        switch (typeName) {
            case "long":
                return LONG;
            case "int":
                return INT;
            case "double":
                return DOUBLE;
            default:
                return null;
        }
    }

    /** The value as the method's arguments array holds it: a {@code Long}, an {@code Integer} or a {@code Double}. */
    public Object box(long bits) {
        if (this == DOUBLE) {
            return Double.longBitsToDouble(bits);
        }
        return this == LONG ? (Object) bits : (Object) (int) bits;
    }

    /** The key text of a value passed as {@code bits} ({@link ScalarText}). */
    long text(long bits) {
        return this == DOUBLE ? ScalarText.fraction(Double.longBitsToDouble(bits)) : ScalarText.decimal(bits);
    }

    /** The class of {@link #box}'s values. */
    Class<?> boxType() {
        return boxType;
    }
}
