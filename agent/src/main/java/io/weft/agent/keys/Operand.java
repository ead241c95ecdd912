package io.weft.agent.keys;

/** Where a placeholder's value comes from: an argument or the return value, then an optional property path. */
final class Operand {

    private static final int RETURN = -1;

    private final int index;
    private final PropertyPath path;

    private Operand(int index, PropertyPath path) {
        this.index = index;
        this.path = path;
    }

    static Operand argument(int index, PropertyPath path) {
        return new Operand(index, path);
    }

    static Operand returnValue(PropertyPath path) {
        return new Operand(RETURN, path);
    }

    /** The value for a call whose (at most three) arguments are {@code a0}…{@code a2}; not for the return value. */
    Object value(Object a0, Object a1, Object a2) {
        Object root = index == 0 ? a0 : index == 1 ? a1 : a2;
        return path == null ? root : path.read(root);
    }

    Object value(Object[] args, Object result) {
        Object root = index == RETURN ? result : args[index];
        return path == null ? root : path.read(root);
    }
}
