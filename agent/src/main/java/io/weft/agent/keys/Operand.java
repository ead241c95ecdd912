package io.weft.agent.keys;

/** Where a placeholder's value comes from: an argument or the return value, then an optional property path. */
final class Operand {

    private static final int RETURN = -1;

    private final int index;
    private final PropertyPath path;
    private final boolean rendersByEquality;

    private Operand(int index, PropertyPath path, boolean rendersByEquality) {
        this.index = index;
        this.path = path;
        this.rendersByEquality = rendersByEquality;
    }

    /** @param declaredType the parameter's erased declared type, as a binary class name */
    static Operand argument(int index, PropertyPath path, String declaredType) {
        return new Operand(index, path, path == null && Values.rendersOneTextPerEqualValue(declaredType));
    }

    static Operand returnValue(PropertyPath path) {
        return new Operand(RETURN, path, false);
    }

    boolean isSimpleArgument() {
        return index != RETURN && path == null;
    }

    /** Whether this is a whole argument whose equal values always render the same text. */
    boolean rendersByEquality() {
        return rendersByEquality;
    }

    Object value(Object[] args, Object result) {
        Object root = index == RETURN ? result : args[index];
        return path == null ? root : path.read(root);
    }
}
