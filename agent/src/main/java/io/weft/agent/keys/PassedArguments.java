package io.weft.agent.keys;

/**
 * The slots of a woven call that passes its arguments one by one (up to {@code Dispatch.MAX_PASSED_ARGUMENTS}):
 * parameter {@code i} in the object slot {@code ai}, or, passed unboxed ({@link UnboxedArgument}), in the {@code long}
 * slot {@code ni}.
 */
public final class PassedArguments {

    private PassedArguments() {
    }

    /** The object slot of parameter {@code i}. */
    public static Object object(int i, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
        switch (i) {
            case 0:
                return a0;
            case 1:
                return a1;
            case 2:
                return a2;
            case 3:
                return a3;
            case 4:
                return a4;
            case 5:
                return a5;
            default:
                throw new IndexOutOfBoundsException("no slot for parameter " + i);
        }
    }

    /** The {@code long} slot of parameter {@code i}. */
    public static long bits(int i, long n0, long n1, long n2, long n3, long n4, long n5) {
        switch (i) {
            case 0:
                return n0;
            case 1:
                return n1;
            case 2:
                return n2;
            case 3:
                return n3;
            case 4:
                return n4;
            case 5:
                return n5;
            default:
                throw new IndexOutOfBoundsException("no slot for parameter " + i);
        }
    }
}
