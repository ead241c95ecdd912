package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.List;

/** Binds a parsed {@link Template} to a method's parameters, checking every name and path at weave time. */
public final class TemplateBinder {

    private TemplateBinder() {
    }

    /**
     * Binds {@code template} to {@code signature}.
     *
     * @param allowReturn whether {@code {return…}} may be used (only in {@code @InvalidateCache} after the call)
     * @throws IllegalArgumentException describing the first placeholder that cannot be bound
     */
    public static KeyRenderer bind(Template template, Signature signature, boolean allowReturn) {
        if (template.eachIndex() >= 0) {
            throw new IllegalArgumentException("template '" + template + "' uses " + template.placeholders()
                    .get(template.eachIndex()) + ", but " + Template.EACH + " (one key per element) is only supported in"
                    + " @CacheResult(key) and @InvalidateCache(keys)");
        }
        List<Operand> operands = new ArrayList<>();
        List<ScalarKind> kinds = new ArrayList<>();
        for (Template.Placeholder placeholder : template.placeholders()) {
            operands.add(operand(template, placeholder, signature, allowReturn));
            kinds.add(kind(template, placeholder, signature));
        }
        return Renderers.of(template.literals(), operands, kinds);
    }

    private static Operand operand(Template template, Template.Placeholder placeholder, Signature signature,
            boolean allowReturn) {
        if (placeholder.isReturn()) {
            if (!allowReturn) {
                throw new IllegalArgumentException("key '" + template + "' uses " + placeholder
                        + ", which is only available to @InvalidateCache after the call");
            }
            if ("void".equals(signature.returnType())) {
                throw new IllegalArgumentException("key '" + template + "' uses " + placeholder
                        + " but the method returns void");
            }
            return Operand.returnValue(path(signature.returnType(), placeholder, signature));
        }
        int index = indexOf(template, placeholder, signature);
        return Operand.argument(index, path(signature.parameterType(index), placeholder, signature),
                signature.parameterType(index));
    }

    /** The kind of a simple argument's declared type; values read through a path or from the result: any. */
    private static ScalarKind kind(Template template, Template.Placeholder placeholder, Signature signature) {
        if (placeholder.isReturn() || !placeholder.path().isEmpty()) {
            return ScalarKind.ANY;
        }
        return ScalarKind.forType(signature.parameterType(indexOf(template, placeholder, signature)));
    }

    private static PropertyPath path(String type, Template.Placeholder placeholder, Signature signature) {
        if (placeholder.path().isEmpty()) {
            return null;
        }
        signature.checkPath(type, placeholder.path());
        return new PropertyPath(type, placeholder.path(), signature.classLoader());
    }

    static int indexOf(Template template, Template.Placeholder placeholder, Signature signature) {
        int position = placeholder.position();
        if (position >= 0) {
            if (position >= signature.parameterCount()) {
                throw new IllegalArgumentException("key '" + template + "' uses " + placeholder + " but the method has "
                        + signature.parameterCount() + " parameter(s)");
            }
            return position;
        }
        boolean anyNamed = false;
        for (int i = 0; i < signature.parameterCount(); i++) {
            String name = signature.parameterName(i);
            anyNamed |= name != null;
            if (placeholder.root().equals(name)) {
                return i;
            }
        }
        if (!anyNamed && signature.parameterCount() > 0) {
            throw new IllegalArgumentException("key '" + template + "' uses " + placeholder
                    + " but the class was compiled without parameter names: compile it with -g (Maven and Gradle"
                    + " do by default; plain javac does not) or -parameters, or use positions such as {0}");
        }
        throw new IllegalArgumentException("key '" + template + "' uses " + placeholder
                + ", which names no parameter of the method");
    }
}
