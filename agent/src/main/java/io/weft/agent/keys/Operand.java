package io.weft.agent.keys;

/** Where a placeholder's value comes from: an argument or the return value, then an optional property path. */
final class Operand {

    private static final int RETURN = -1;

    private final int index;
    private final PropertyPath path;
    /** How the argument is passed when it is passed unboxed ({@link UnboxedArgument}), else {@code null}. */
    private final UnboxedArgument unboxed;

    private Operand(int index, PropertyPath path, UnboxedArgument unboxed) {
        this.index = index;
        this.path = path;
        this.unboxed = unboxed;
    }

    /** @param type the argument's declared type (a binary name) */
    static Operand argument(int index, PropertyPath path, String type) {
        return new Operand(index, path, path == null ? UnboxedArgument.of(type) : null);
    }

    static Operand returnValue(PropertyPath path) {
        return new Operand(RETURN, path, null);
    }

    /**
     * The value for a call whose (at most three) arguments are passed one by one, {@code a0}…{@code a2}; for an
     * argument passed unboxed, its {@link UnboxedArgument}, whose value {@link #bits} gives. Not for the return value.
     */
    Object value(Object a0, Object a1, Object a2) {
        if (unboxed != null) {
            return unboxed;
        }
        Object root = index == 0 ? a0 : index == 1 ? a1 : a2;
        return path == null ? root : path.read(root);
    }

    /** The value of an argument passed unboxed, from the {@code long} slots of a call ({@code 0} for the others). */
    long bits(long n0, long n1, long n2) {
        return index == 0 ? n0 : index == 1 ? n1 : n2;
    }

    /** Puts the boxed value of an argument passed unboxed in {@code args} (the arguments of a call, as an array). */
    void box(Object[] args, long n0, long n1, long n2) {
        if (unboxed != null) {
            args[index] = unboxed.box(bits(n0, n1, n2));
        }
    }

    Object value(Object[] args, Object result) {
        Object root = index == RETURN ? result : args[index];
        return path == null ? root : path.read(root);
    }
}
