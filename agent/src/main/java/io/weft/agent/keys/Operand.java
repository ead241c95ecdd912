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

    Object value(Object[] args, Object result) {
        Object root = index == RETURN ? result : args[index];
        return path == null ? root : path.read(root);
    }
}
