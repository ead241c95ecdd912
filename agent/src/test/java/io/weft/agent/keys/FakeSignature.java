package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made {@link Signature} for unit tests: parameter names may be absent (a class compiled with
 * neither {@code -parameters} nor {@code -g}); {@link #checkPath} only records what it was asked.
 */
final class FakeSignature implements Signature {

    /** Every {@link #checkPath} call, as {@code typeName:a.b}, so tests can see what the binder asked. */
    final List<String> checkedPaths = new ArrayList<>();

    private final String[] names;
    private final String[] typeNames;
    private final String returnType;
    private final ClassLoader loader;

    private FakeSignature(String[] names, String[] typeNames, String returnType, ClassLoader loader) {
        this.names = names;
        this.typeNames = typeNames;
        this.returnType = returnType;
        this.loader = loader;
    }

    /** A method with named parameters: {@code named(Book.class, "id", UUID.class, "user", User.class)}. */
    static FakeSignature named(Class<?> returnType, Object... nameTypePairs) {
        int n = nameTypePairs.length / 2;
        String[] names = new String[n];
        String[] types = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = (String) nameTypePairs[2 * i];
            types[i] = ((Class<?>) nameTypePairs[2 * i + 1]).getName();
        }
        return new FakeSignature(names, types, returnType.getName(), FakeSignature.class.getClassLoader());
    }

    /** A method of a class compiled without parameter names. */
    static FakeSignature unnamed(Class<?> returnType, Class<?>... types) {
        String[] typeNames = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            typeNames[i] = types[i].getName();
        }
        return new FakeSignature(new String[types.length], typeNames, returnType.getName(),
                FakeSignature.class.getClassLoader());
    }

    /** One parameter {@code name} whose declared type is known by binary name only and defined by {@code loader}. */
    static FakeSignature oneParameter(String name, String typeName, ClassLoader loader) {
        return new FakeSignature(new String[] {name}, new String[] {typeName}, "void", loader);
    }

    @Override
    public int parameterCount() {
        return names.length;
    }

    @Override
    public String parameterName(int index) {
        return names[index];
    }

    @Override
    public String parameterType(int index) {
        return typeNames[index];
    }

    @Override
    public String returnType() {
        return returnType;
    }

    @Override
    public void checkPath(String typeName, List<String> path) {
        checkedPaths.add(typeName + ":" + String.join(".", path));
    }

    @Override
    public ClassLoader classLoader() {
        return loader;
    }
}
