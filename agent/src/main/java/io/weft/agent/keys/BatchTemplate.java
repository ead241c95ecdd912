package io.weft.agent.keys;

import java.util.List;

/**
 * A key template with a {@code [*]} placeholder (SPEC §13): one key per element of a collection or array
 * parameter, each exactly the key that the template without {@code [*]} renders for a method taking that element
 * alone ({@code price:{skus[*]}} renders {@code price:a} and {@code price:b} where {@code price:{sku}} renders
 * {@code price:a}), so that batch and single-element methods share their entries.
 */
public final class BatchTemplate implements KeyRenderer {

    private final BatchParameter parameter;
    private final KeyRenderer element;

    private BatchTemplate(BatchParameter parameter, KeyRenderer element) {
        this.parameter = parameter;
        this.element = element;
    }

    /**
     * Binds a template that has a {@code [*]} placeholder to {@code signature}.
     *
     * @param allowReturn whether its other placeholders may use {@code {return…}} ({@code @InvalidateCache} after the
     *     call)
     * @throws IllegalArgumentException when it has none, when that placeholder is not a parameter declared as a list,
     *     set, collection or array, or for anything {@link TemplateBinder#bind} rejects
     */
    public static BatchTemplate bind(Template template, Signature signature, boolean allowReturn) {
        int each = template.eachIndex();
        if (each < 0) {
            throw new IllegalArgumentException("template '" + template + "' has no " + Template.EACH + " placeholder");
        }
        Template.Placeholder placeholder = template.placeholders().get(each);
        if (placeholder.isReturn()) {
            throw new IllegalArgumentException("template '" + template + "' uses " + placeholder + ": " + Template.EACH
                    + " applies to a parameter, not to the return value");
        }
        int index = TemplateBinder.indexOf(template, placeholder, signature);
        String type = signature.parameterType(index);
        BatchParameter parameter;
        try {
            parameter = BatchParameter.of(index, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("template '" + template + "' uses " + placeholder + ": "
                    + e.getMessage());
        }
        String argument = signature.elementTypeArgument(index);
        Signature elements = new ElementSignature(signature, index,
                argument != null ? argument : BatchParameter.elementType(type));
        return new BatchTemplate(parameter, TemplateBinder.bind(template.element(), elements, allowReturn));
    }

    /** The parameter whose elements the keys are rendered for. */
    public BatchParameter parameter() {
        return parameter;
    }

    /** Renders one element's key from arguments whose batch parameter holds that element in place of the collection. */
    public KeyRenderer element() {
        return element;
    }

    /** A batch template has no one key: {@link #renderInto} renders one per element. */
    @Override
    public String render(Object[] args, Object result) {
        throw new UnsupportedOperationException("a batch template renders one key per element");
    }

    /** Adds one key per element of the call's batch argument, in order (none when it is null). */
    @Override
    public void renderInto(List<String> into, Object[] args, Object result) {
        List<Object> elements = parameter.elements(args);
        if (elements == null) {
            return;
        }
        Object[] one = args.clone();
        for (Object e : elements) {
            one[parameter.index()] = e;
            into.add(element.render(one, result));
        }
    }

    /** The method's signature with the batch parameter declared as its element type. */
    private static final class ElementSignature implements Signature {
        private final Signature method;
        private final int index;
        private final String elementType;

        ElementSignature(Signature method, int index, String elementType) {
            this.method = method;
            this.index = index;
            this.elementType = elementType;
        }

        @Override
        public int parameterCount() {
            return method.parameterCount();
        }

        @Override
        public String parameterName(int i) {
            return method.parameterName(i);
        }

        @Override
        public String parameterType(int i) {
            return i == index ? elementType : method.parameterType(i);
        }

        @Override
        public String returnType() {
            return method.returnType();
        }

        @Override
        public void checkPath(String typeName, List<String> path) {
            method.checkPath(typeName, path);
        }

        @Override
        public ClassLoader classLoader() {
            return method.classLoader();
        }
    }
}
