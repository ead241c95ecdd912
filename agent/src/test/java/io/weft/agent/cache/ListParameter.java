package io.weft.agent.cache;

import java.util.List;

/** The signature of a batch method of tests: one parameter declared {@code List<E>}, returning a {@code Map}. */
final class ListParameter extends TestSignature {

    private final String elementType;

    /** @param elementType the binary name of {@code E}, or null when the class file would not say */
    ListParameter(String name, String elementType) {
        super(List.of(name), List.of("java.util.List"), "java.util.Map");
        this.elementType = elementType;
    }

    @Override
    public String elementTypeArgument(int index) {
        return elementType;
    }
}
