package io.weft.agent.cache;

import io.weft.agent.keys.Signature;
import java.util.List;

/** The signature of a method of tests, as its class file would declare it: parameter names and types, no property paths. */
class TestSignature implements Signature {

    private final List<String> names;
    private final List<String> types;
    private final String returnType;

    /** @param types binary names, as {@link Class#getName()} spells them */
    TestSignature(List<String> names, List<String> types, String returnType) {
        this.names = names;
        this.types = types;
        this.returnType = returnType;
    }

    @Override
    public int parameterCount() {
        return names.size();
    }

    @Override
    public String parameterName(int index) {
        return names.get(index);
    }

    @Override
    public String parameterType(int index) {
        return types.get(index);
    }

    @Override
    public String returnType() {
        return returnType;
    }

    @Override
    public void checkPath(String typeName, List<String> path) {
        throw new UnsupportedOperationException("no property paths here");
    }

    @Override
    public ClassLoader classLoader() {
        return TestSignature.class.getClassLoader();
    }
}
