package io.weft.agent.cache;

import io.weft.agent.keys.Signature;
import java.util.List;

/** The signature of a batch method of tests: one parameter declared {@code List<E>}, returning a {@code Map}. */
final class ListParameter implements Signature {

    private final String name;
    private final String elementType;

    /** @param elementType the binary name of {@code E}, or null when the class file would not say */
    ListParameter(String name, String elementType) {
        this.name = name;
        this.elementType = elementType;
    }

    @Override
    public int parameterCount() {
        return 1;
    }

    @Override
    public String parameterName(int index) {
        return name;
    }

    @Override
    public String parameterType(int index) {
        return "java.util.List";
    }

    @Override
    public String elementTypeArgument(int index) {
        return elementType;
    }

    @Override
    public String returnType() {
        return "java.util.Map";
    }

    @Override
    public void checkPath(String typeName, List<String> path) {
        throw new UnsupportedOperationException("no property paths here");
    }

    @Override
    public ClassLoader classLoader() {
        return ListParameter.class.getClassLoader();
    }
}
