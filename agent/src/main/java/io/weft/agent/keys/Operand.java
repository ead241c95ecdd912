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
     * The value for a call whose arguments are passed one by one ({@link PassedArguments}); for an argument passed
     * unboxed, its {@link UnboxedArgument}, whose value {@link #bits} gives. Not for the return value.
     */
    Object value(Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
        if (unboxed != null) {
            return unboxed;
        }
        Object root = PassedArguments.object(index, a0, a1, a2, a3, a4, a5);
        return path == null ? root : path.read(root);
    }

    /** The value of an argument passed unboxed, from the {@code long} slots of a call ({@code 0} for the others). */
    long bits(long n0, long n1, long n2, long n3, long n4, long n5) {
        return PassedArguments.bits(index, n0, n1, n2, n3, n4, n5);
    }

    /**
     * Puts the argument of a call that passed them one by one in {@code args} (the arguments of the call as an array,
     * at least {@link #argumentsRead} long), boxed if it was passed unboxed. Not for the return value.
     */
    void pass(Object[] args, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0, long n1, long n2,
            long n3, long n4, long n5) {
        args[index] = unboxed != null ? unboxed.box(bits(n0, n1, n2, n3, n4, n5))
                : PassedArguments.object(index, a0, a1, a2, a3, a4, a5);
    }

    /** The argument this operand reads (as it is, or a property of it), or -1: it reads the return value. */
    int argument() {
        return index;
    }

    /** Whether it reads a property of its argument ({@link #property}), not the argument as it is. */
    boolean readsProperty() {
        return path != null;
    }

    /** The property this operand reads of {@code root}, its argument. */
    Object property(Object root) {
        return path.read(root);
    }

    /** How its argument is passed unboxed, or {@code null}. */
    UnboxedArgument unboxed() {
        return unboxed;
    }

    /** How long an arguments array must be for {@code operands} to read theirs: the last one's position, plus one. */
    static int argumentsRead(Operand[] operands) {
        int read = 0;
        for (Operand operand : operands) {
            read = Math.max(read, operand.index + 1);
        }
        return read;
    }

    Object value(Object[] args, Object result) {
        Object root = index == RETURN ? result : args[index];
        return path == null ? root : path.read(root);
    }
}
