package io.weft.agent.keys;

/**
 * A {@code long} or {@code int} parameter that a woven {@code @CacheResult} method of up to three parameters passes
 * unboxed on entry, in the {@code long} slot of its position (its object slot {@code null}); every other parameter
 * goes in its object slot, a primitive one boxed. So a hit on an id key boxes nothing, whether or not the JIT
 * inlines the runtime into the woven method. The weaver and the runtime both follow {@link #of}.
 */
public enum UnboxedArgument {
    LONG(Long.class), INT(Integer.class);

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
            default:
                return null;
        }
    }

    /** The value as the method's arguments array holds it: a {@code Long} or an {@code Integer}. */
    public Object box(long bits) {
        return this == LONG ? (Object) bits : (Object) (int) bits;
    }

    /** The class of {@link #box}'s values. */
    Class<?> boxType() {
        return boxType;
    }
}
