package io.weft.agent.keys;

import java.util.List;

/** What the binder needs to know about the method a template is bound to, read from its class file at weave time. */
public interface Signature {

    int parameterCount();

    /** The parameter's name when the class file records it (MethodParameters or LocalVariableTable), else {@code null}. */
    String parameterName(int index);

    /** The erased declared type of a parameter, as a binary class name. */
    String parameterType(int index);

    /**
     * The erased type argument of a parameter declared as a parameterized collection ({@code List<Long>}:
     * {@code java.lang.Long}), or {@code null} when the class file does not say.
     */
    default String elementTypeArgument(int index) {
        return null;
    }

    /** The erased declared return type (unwrapped from {@code Optional}/futures is not applied here). */
    String returnType();

    /**
     * Checks that {@code path} can be read from the declared type {@code typeName}.
     *
     * @throws IllegalArgumentException naming the missing property
     */
    void checkPath(String typeName, List<String> path);

    /** The class loader that defines the method's class (may be {@code null} for the boot loader). */
    ClassLoader classLoader();
}
